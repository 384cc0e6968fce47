//! Zone delegation across accounts: a sub-zone's account stack writes its `NS` record into a
//! parent zone that another account's stack creates, through a role that account lends. The
//! link crosses two state scopes of the same stack directory, so it is proven on the values each
//! scope applies: the role the sub-zone's account assumes, and the parent zone it looks up by
//! name, are created by the account stack of the account it names, with that role trusting the
//! sub-zone's account and admitting the sub-zone's name. Otherwise the first apply of the
//! sub-zone's account stops (the role cannot be assumed, or the zone is not found) or the
//! certificate validated in the sub-zone never issues (its name servers are nobody's answer).

use serde_json::Value;

use crate::finding::{self, Finding};
use crate::hcl_eval::Evaluator;
use crate::tree::Tree;
use crate::Links;

const DIR: &str = "terraform/stacks/account";

/// The values a scope of the account stack applies, as JSON.
fn values(tree: &Tree, scope: &str) -> Option<Value> {
    hcl::from_str::<Value>(tree.get(&format!("{DIR}/{scope}.tfvars"))?).ok()
}

/// Proves the delegations the account scope `scope` of environment `env` writes.
pub fn prove(tree: &Tree, env: &str, scope: &str, eval: &Evaluator<'_>, findings: &mut Vec<Finding>, links: &mut Links) {
    let Some(own) = values(tree, scope) else { return };
    let Some(parent) = own.get("zone_parent").filter(|v| !v.is_null()) else { return };
    let file = format!("{DIR}/{scope}.tfvars");
    let line = tree.line_of(&file, 1, "zone_parent");
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let (account, role_arn) = (text(parent, "account_id"), text(parent, "role_arn"));
    let role = role_arn.rsplit('/').next().unwrap_or_default().to_owned();
    let own_account = text(&own, "account_id");
    // The scope whose values name the parent's account.
    let lender = tree
        .files_in(DIR)
        .into_iter()
        .filter_map(|f| f.strip_prefix(&format!("{DIR}/"))?.strip_suffix(".tfvars").map(str::to_owned))
        .find(|s| values(tree, s).is_some_and(|v| text(&v, "account_id") == account));
    let mut fail = |message: String| {
        findings.push(Finding::new(
            finding::ZONE_DELEGATION_UNLENT,
            &file,
            line,
            message,
            "the parent zone's account stack creates the zone and lends the role when a sub-zone of another account names it in `delegatedFrom`; re-render with `stratoform render`",
        ));
    };
    if !role_arn.contains(&format!(":iam::{account}:role/")) {
        fail(format!("`{env}`'s account stack assumes `{role_arn}`, which is not a role of account {account}, the parent zones' account"));
    }
    let Some(lender) = lender else {
        fail(format!("`{env}`'s account stack writes NS records into zones of account {account}, and no account stack values of that account are in the tree"));
        return;
    };
    let lent = values(tree, &lender).and_then(|v| v.get("zone_delegation_role").cloned()).filter(|v| !v.is_null());
    let created = eval.stack("account", &lender);
    let role_created = created.iter().any(|c| c.rtype == "aws_iam_role" && c.attr("name").as_deref() == Some(role.as_str()));
    let trusted = lent.as_ref().and_then(|l| l.get("accounts")).and_then(Value::as_array).is_some_and(|a| a.iter().any(|x| x.as_str() == Some(own_account.as_str())));
    if !role_created || !trusted {
        fail(format!(
            "`{env}`'s account stack (account {own_account}) assumes role `{role}` of account {account}, which the account stack of `{lender}` {}",
            if role_created { "does not let this account assume" } else { "does not create" }
        ));
    }
    for (child, zone) in parent.get("delegations").and_then(Value::as_object).into_iter().flatten() {
        *links.entry("zone-delegation").or_default() += 1;
        let zone = zone.as_str().unwrap_or_default();
        if !created.iter().any(|c| c.rtype == "aws_route53_zone" && c.attr("name").as_deref() == Some(zone)) {
            fail(format!("`{env}` delegates `{child}` from `{zone}`, which the account stack of `{lender}` does not create"));
            continue;
        }
        let admitted = lent.as_ref().and_then(|l| l.get("zones")).and_then(|z| z.get(zone)).and_then(Value::as_array).is_some_and(|a| a.iter().any(|x| x.as_str() == Some(child.as_str())));
        if role_created && !admitted {
            fail(format!("role `{role}` of `{lender}` may not write the NS record of `{child}` into `{zone}`: the apply is denied"));
        }
    }
}
