//! Search domain links: OpenSearch Service creates a domain in a VPC only when its service-linked
//! role already exists in the account, and nothing in the domain's own stack names that role.
//! So every `aws_opensearch_domain` a stack of the environment creates needs the role created by
//! a stack applied before it (the account stack), or the first apply fails with a validation
//! error naming the missing role. An account that has the role already is looked up instead
//! (`data.aws_iam_roles` by the role's path and names, whose postcondition stops the plan when
//! the account has none): that lookup, in a stack applied before, stands for the role.

use stratoform_model::search::{EXISTING_ROLE_NAME_REGEX, EXISTING_ROLE_PATH_PREFIX, SERVICE_LINKED_ROLE_SERVICE};

use crate::finding::{self, Finding};
use crate::hcl_eval::Created;
use crate::tree::Tree;
use crate::Links;

/// Whether a created resource is OpenSearch Service's service-linked role, or the lookup of the
/// one the account has.
fn is_role(c: &Created) -> bool {
    match c.rtype.as_str() {
        "aws_iam_service_linked_role" => c.attr("aws_service_name").as_deref() == Some(SERVICE_LINKED_ROLE_SERVICE),
        "data.aws_iam_roles" => c.attr("path_prefix").as_deref() == Some(EXISTING_ROLE_PATH_PREFIX) && c.attr("name_regex").as_deref() == Some(EXISTING_ROLE_NAME_REGEX),
        _ => false,
    }
}

/// Proves the search domain links of one environment; `created` is in apply order.
pub fn prove(tree: &Tree, env: &str, created: &[Created], findings: &mut Vec<Finding>, links: &mut Links) {
    for (i, domain) in created.iter().enumerate().filter(|(_, c)| c.rtype == "aws_opensearch_domain") {
        *links.entry("search").or_default() += 1;
        if created[..i].iter().any(|c| is_role(c) && c.stack != domain.stack) {
            continue;
        }
        let line = tree.line_of(&domain.file, 1, "aws_opensearch_domain");
        findings.push(Finding::new(
            finding::SEARCH_NO_SERVICE_ROLE,
            &domain.file,
            line,
            format!("`{}` (stack `{}`) creates an OpenSearch domain in a VPC, and no stack `{env}` applies before it creates OpenSearch Service's service-linked role: the first apply fails", domain.address, domain.stack),
            format!("the account stack creates `aws_iam_service_linked_role` for `{SERVICE_LINKED_ROLE_SERVICE}` when an environment of the account has `searchDomains`; re-render with `stratoform render`"),
        ));
    }
}
