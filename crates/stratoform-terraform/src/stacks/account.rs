//! The account stack: what exists once per AWS account and outlives every environment — public
//! Route 53 zones and their literal records, OIDC providers, ECR repositories (with the KMS keys
//! that encrypt them), pull-through cache rules and the CloudTrail trail. One directory serves every account
//! (`<account scope>.tfvars`); the values of the environments that share an account are merged,
//! so each object is created once however many environments read it. Regions other than the
//! primary get provider aliases.

use hcl::Expression;
use stratoform_model::{Model, StackKind, ZoneHome};
use stratoform_spec::ServiceLinkedRole;

use super::{days, StackBuilder};
use crate::dsl::*;

/// Values keyed by name, in first-seen order; a name seen again keeps its first value (the
/// loader reports environments of one account that define it differently).
#[derive(Default)]
struct Merged(Vec<(String, Expression)>);

impl Merged {
    fn add(&mut self, key: String, value: Expression) {
        if !self.0.iter().any(|(k, _)| *k == key) {
            self.0.push((key, value));
        }
    }
}

/// Values keyed by region, then name.
#[derive(Default)]
struct ByRegion(Vec<(String, Merged)>);

impl ByRegion {
    fn add(&mut self, region: &str, key: String, value: Expression) {
        let i = match self.0.iter().position(|(r, _)| r == region) {
            Some(i) => i,
            None => {
                self.0.push((region.to_owned(), Merged::default()));
                self.0.len() - 1
            }
        };
        self.0[i].1.add(key, value);
    }

    fn into_expr(self) -> Vec<(String, Expression)> {
        self.0.into_iter().map(|(r, m)| (r, obj(m.0))).collect()
    }
}

/// The account stack's files.
pub fn render(models: &[Model], source: &str) -> Vec<(String, String)> {
    let Some((models, primary, regions)) = super::shared_stack(models, StackKind::Account) else {
        return Vec::new();
    };

    let mut b = StackBuilder::default();
    b.variables.push(variable("zones", "map(object({ comment = string }))", "Route 53 public zones by domain.", Some(obj::<&str>([]))));
    b.variables.push(variable(
        "records",
        "map(object({ zone = string, name = string, type = string, ttl = number, values = list(string) }))",
        "Literal records of those zones.",
        Some(obj::<&str>([])),
    ));
    b.variables.push(variable("oidc_providers", "map(object({ url = string, client_ids = list(string) }))", "OIDC identity providers by name.", Some(obj::<&str>([]))));
    b.variables.push(variable(
        "kms_keys",
        "map(object({ region = string, alias = string, description = string, rotation = bool, deletion_window_days = number }))",
        "KMS keys of the ECR repositories, by `<spec name>/<region>`.",
        Some(obj::<&str>([])),
    ));
    b.variables.push(variable(
        "ecr_repositories",
        "map(map(object({ immutable = bool, scan_on_push = bool, keep_tagged = number, untagged_expiry_days = number, kms_key = optional(string) })))",
        "ECR repositories by region, then name.",
        Some(obj::<&str>([])),
    ));
    b.variables.push(variable(
        "pull_through_caches",
        "map(map(object({ upstream_registry_url = string, credential_secret_name = optional(string) })))",
        "ECR pull-through cache rules by region, then repository prefix.",
        Some(obj::<&str>([])),
    ));
    b.variables.push(block(
        "variable",
        &["pull_through_cache_credentials"],
        vec![
            attr("type", ex("map(object({ username = string, access_token = string }))")),
            attr(
                "description",
                s("Upstream registry credentials by pull-through cache prefix, for the caches with a `credential_secret_name`. Set by the pipeline (TF_VAR_pull_through_cache_credentials), never in tfvars."),
            ),
            attr("default", obj::<&str>([])),
            attr("sensitive", true),
        ],
    ));

    let mut dns = vec![("zones", ex("var.zones")), ("records", ex(r#"{ for k, v in var.records : k => merge(v, { alias = null }) }"#))];
    // Sub-zones delegated from a parent zone of the account, when any environment has one.
    if models.iter().any(|m| !m.delegations(ZoneHome::Account).is_empty()) {
        b.variables.push(variable("delegations", "map(string)", "Sub-zones by domain, each with the parent zone that gets their NS record.", Some(obj::<&str>([]))));
        dns.push(("delegations", ex("var.delegations")));
    }
    b.module("dns", "dns", dns);
    super::zone_delegation::render(&models, &mut b);
    b.main.push(block(
        "resource",
        &["aws_iam_openid_connect_provider", "this"],
        vec![
            attr("for_each", ex("var.oidc_providers")),
            attr("url", ex("each.value.url")),
            attr("client_id_list", ex("each.value.client_ids")),
            attr("tags", obj([("Name", ex("each.key"))])),
        ],
    ));
    for r in &regions {
        let id = ident(r);
        let providers = if *r == primary { None } else { Some(b.alias(r)) };
        let prov = |body: &mut Vec<hcl::structure::Structure>| {
            if let Some(p) = &providers {
                body.push(attr("providers", obj([("aws", ex(p))])));
            }
        };
        // A key serves its own region only: each region's repositories get that region's copy.
        let mut key = vec![attr("source", s("../../modules/kms"))];
        prov(&mut key);
        key.push(attr("for_each", ex(&format!(r#"{{ for k, v in var.kms_keys : k => v if v.region == "{r}" }}"#))));
        for (k, v) in [("alias", "each.value.alias"), ("description", "each.value.description"), ("rotation", "each.value.rotation"), ("deletion_window_days", "each.value.deletion_window_days")] {
            key.push(attr(k, ex(v)));
        }
        b.main.push(block_owned("module", vec![format!("kms_{id}")], key));

        let mut ecr = vec![attr("source", s("../../modules/ecr"))];
        prov(&mut ecr);
        ecr.push(attr("for_each", ex(&format!(r#"lookup(var.ecr_repositories, "{r}", {{}})"#))));
        for (k, v) in [("name", "each.key"), ("immutable", "each.value.immutable"), ("scan_on_push", "each.value.scan_on_push"), ("keep_tagged", "each.value.keep_tagged"), ("untagged_expiry_days", "each.value.untagged_expiry_days")] {
            ecr.push(attr(k, ex(v)));
        }
        ecr.push(attr("kms_key_arn", ex(&format!("each.value.kms_key == null ? null : module.kms_{id}[each.value.kms_key].arn"))));
        b.main.push(block_owned("module", vec![format!("ecr_{id}")], ecr));

        // Pull-through cache rules are per account and region: each in the region that pulls.
        let mut cache = vec![attr("source", s("../../modules/ecr-pull-through-cache"))];
        prov(&mut cache);
        cache.push(attr("for_each", ex(&format!(r#"lookup(var.pull_through_caches, "{r}", {{}})"#))));
        cache.push(attr("prefix", ex("each.key")));
        cache.push(attr("upstream_registry_url", ex("each.value.upstream_registry_url")));
        cache.push(attr("credential_secret_name", ex("each.value.credential_secret_name")));
        cache.push(attr("credentials", ex("each.value.credential_secret_name == null ? null : lookup(var.pull_through_cache_credentials, each.key, null)")));
        b.main.push(block_owned("module", vec![format!("pull_through_cache_{id}")], cache));
    }
    // Only a platform that turns the trail on somewhere gets its variable and module call.
    if let Some(region) = models.iter().find_map(|m| m.account_audit_trail()).map(|t| t.region) {
        b.variables.push(variable(
            "cloud_trail",
            "object({ name = string, bucket = string, kms_alias = string, multi_region = bool, log_file_validation = bool, retention_days = number })",
            "The account's CloudTrail trail with its bucket and key; null for none.",
            Some(Expression::Null),
        ));
        let providers = (region != primary).then(|| obj([("aws", ex(&b.alias(&region)))]));
        let mut args = vec![("count", ex("var.cloud_trail == null ? 0 : 1"))];
        for k in ["name", "bucket", "kms_alias", "multi_region", "log_file_validation", "retention_days"] {
            args.push((k, ex(&format!("var.cloud_trail.{k}"))));
        }
        b.module_with("cloudtrail", "cloudtrail", providers, args);
        b.outputs.push(output("cloudtrail_arn", "The account's CloudTrail trail, or null.", ex("one(module.cloudtrail[*].arn)")));
    }
    // OpenSearch Service creates a domain in a VPC only once its service-linked role exists in
    // the account; the role is the account's, whichever environments have domains. An account
    // that has it already (`identity.serviceLinkedRoles.opensearch: existing`) is checked for it
    // instead: creating it again fails.
    if models.iter().any(|m| m.needs_search_service_role()) {
        b.variables.push(block(
            "variable",
            &["opensearch_service_linked_role"],
            vec![
                attr("type", ex("string")),
                attr(
                    "description",
                    s("OpenSearch Service's service-linked role, which a search domain in a VPC needs: `create`, `existing` (the account has it; the plan stops when it does not) or `none` (no environment of the account has a search domain)."),
                ),
                attr("default", s("none")),
                block(
                    "validation",
                    &[],
                    vec![
                        attr("condition", ex("contains([\"none\", \"create\", \"existing\"], var.opensearch_service_linked_role)")),
                        attr("error_message", s("opensearch_service_linked_role is one of none, create, existing.")),
                    ],
                ),
            ],
        ));
        b.main.push(block(
            "resource",
            &["aws_iam_service_linked_role", "opensearch"],
            vec![
                attr("count", ex("var.opensearch_service_linked_role == \"create\" ? 1 : 0")),
                attr("aws_service_name", s(stratoform_model::search::SERVICE_LINKED_ROLE_SERVICE)),
                attr("description", s("Lets OpenSearch Service place the domains of this account's environments in their VPCs")),
            ],
        ));
        b.main.push(block(
            "data",
            &["aws_iam_roles", "opensearch"],
            vec![
                attr("count", ex("var.opensearch_service_linked_role == \"existing\" ? 1 : 0")),
                attr("path_prefix", s(stratoform_model::search::EXISTING_ROLE_PATH_PREFIX)),
                attr("name_regex", s(stratoform_model::search::EXISTING_ROLE_NAME_REGEX)),
                block(
                    "lifecycle",
                    &[],
                    vec![block(
                        "postcondition",
                        &[],
                        vec![
                            attr("condition", ex("length(self.names) > 0")),
                            attr(
                                "error_message",
                                s("The account has no service-linked role for OpenSearch Service, which its search domains need: set identity.serviceLinkedRoles.opensearch to create (the default) in the spec, or create the role with `aws iam create-service-linked-role --aws-service-name opensearchservice.amazonaws.com`."),
                            ),
                        ],
                    )],
                ),
            ],
        ));
    }
    b.outputs.push(output("zone_ids", "Route 53 zone IDs by domain.", ex("module.dns.zone_ids")));
    b.outputs.push(output("name_servers", "Name servers by domain, for the registrar.", ex("module.dns.name_servers")));
    b.outputs.push(output("oidc_provider_arns", "OIDC providers by name.", ex("{ for k, v in aws_iam_openid_connect_provider.this : k => v.arn }")));
    b.outputs.push(output(
        "ecr_repository_urls",
        "ECR repositories by name.",
        ex(&format!("merge({})", regions.iter().map(|r| format!("{{ for k, m in module.ecr_{} : k => m.url }}", ident(r))).collect::<Vec<_>>().join(", "))),
    ));

    // One values file per account scope, from every environment of it (also those a command was
    // not asked for: the account's objects are theirs too).
    let per_account: Vec<(&Model, Vec<(String, Expression)>)> = super::first_of_each_account(&models).into_iter().map(|m| (m, values(&m.account_models()))).collect();
    b.files(source, "account", &per_account, true)
}

/// The account-level values of the environments of one account, merged.
fn values(models: &[&Model]) -> Vec<(String, Expression)> {
    let mut zones = Merged::default();
    let mut delegations = Merged::default();
    let mut records = Merged::default();
    let mut oidc = Merged::default();
    let mut kms = Merged::default();
    let mut ecr = ByRegion::default();
    let mut caches = ByRegion::default();
    let mut parent: Option<(String, String)> = None;
    let mut foreign = Merged::default();
    let mut lent: Option<stratoform_model::DelegationRole> = None;
    for m in models {
        for f in m.foreign_parents() {
            parent.get_or_insert_with(|| (f.account.clone(), stratoform_model::zones::role_arn(&f.account, &f.role, m.primary_region().name.as_str())));
            foreign.add(f.zone, s(f.parent));
        }
        if let Some(role) = m.delegation_role() {
            match &mut lent {
                None => lent = Some(role),
                Some(l) => {
                    for a in role.accounts {
                        if !l.accounts.contains(&a) {
                            l.accounts.push(a);
                        }
                    }
                    for (zone, subs) in role.zones {
                        match l.zones.iter_mut().find(|(z, _)| *z == zone) {
                            Some((_, have)) => have.extend(subs.into_iter().filter(|x| !have.contains(x)).collect::<Vec<_>>()),
                            None => l.zones.push((zone, subs)),
                        }
                    }
                }
            }
        }
        for z in m.zones_of(ZoneHome::Account) {
            zones.add(z.domain.to_string(), obj([("comment", s(m.zone_comment(z)))]));
        }
        for (child, parent) in m.delegations(ZoneHome::Account) {
            delegations.add(child, s(parent));
        }
        for r in m.literal_records(ZoneHome::Account) {
            let (k, v) = super::literal_record(r, vec![]);
            records.add(k, v);
        }
        for o in m.identity_spec().oidc_providers.iter().filter(|o| o.lifecycle.is_long_lived()) {
            oidc.add(o.name.to_string(), obj([("url", s(o.url.to_string())), ("client_ids", strs(o.client_ids.iter().cloned()))]));
        }
        for r in m.regions() {
            for x in r.ecr.iter().flat_map(|e| &e.repositories).filter(|x| x.lifecycle.is_long_lived()) {
                let key = x.kms_key.as_ref().and_then(|k| m.identity_spec().kms_keys.iter().find(|s| s.name == *k));
                if let Some(k) = key {
                    kms.add(
                        format!("{}/{}", k.name, r.name),
                        obj([
                            ("region", s(r.name.to_string())),
                            ("alias", s(m.names.account_kms_alias(k.name.as_str(), r.name.as_str()))),
                            ("description", s(k.description.clone())),
                            ("rotation", k.rotation.into()),
                            ("deletion_window_days", n(days(&k.deletion_window).clamp(7, 30) as i64)),
                        ]),
                    );
                }
                ecr.add(
                    r.name.as_str(),
                    m.names.fill(x.name.as_str(), Some(r), None),
                    obj([
                        ("immutable", x.immutable.into()),
                        ("scan_on_push", x.scan_on_push.into()),
                        ("keep_tagged", n(x.keep_tagged as i64)),
                        ("untagged_expiry_days", n(days(&x.untagged_expiry) as i64)),
                        ("kms_key", key.map(|k| s(format!("{}/{}", k.name, r.name))).unwrap_or(Expression::Null)),
                    ]),
                );
            }
            for x in r.ecr.iter().flat_map(|e| &e.pull_through_caches) {
                let secret = x.credential_secret.as_ref().map(|n| s(n.to_string())).unwrap_or(Expression::Null);
                caches.add(r.name.as_str(), x.prefix.to_string(), obj([("upstream_registry_url", s(x.upstream_host())), ("credential_secret_name", secret)]));
            }
        }
    }
    let mut out = Vec::new();
    let mut push = |k: &str, v: Vec<(String, Expression)>| {
        if !v.is_empty() {
            out.push((k.to_owned(), obj(v)));
        }
    };
    push("zones", zones.0);
    push("records", records.0);
    push("delegations", delegations.0);
    push("oidc_providers", oidc.0);
    push("kms_keys", kms.0);
    push("ecr_repositories", ecr.into_expr());
    push("pull_through_caches", caches.into_expr());
    if let Some((account, role_arn)) = parent {
        out.push(("zone_parent".to_owned(), obj([("account_id", s(account)), ("role_arn", s(role_arn)), ("delegations", obj(foreign.0))])));
    }
    if let Some(l) = lent {
        out.push((
            "zone_delegation_role".to_owned(),
            obj([("name", s(l.name)), ("accounts", strs(l.accounts)), ("zones", obj(l.zones.into_iter().map(|(z, subs)| (z, strs(subs)))))]),
        ));
    }
    // The role is the account's: one environment that finds it there speaks for the account.
    let roles: Vec<ServiceLinkedRole> = models.iter().filter_map(|m| m.search_service_role()).collect();
    if !roles.is_empty() {
        let existing = roles.contains(&ServiceLinkedRole::Existing);
        out.push(("opensearch_service_linked_role".to_owned(), s(if existing { "existing" } else { "create" })));
    }
    if let Some(t) = models.first().and_then(|m| m.account_audit_trail()) {
        out.push((
            "cloud_trail".to_owned(),
            obj([
                ("name", s(t.name)),
                ("bucket", s(t.bucket)),
                ("kms_alias", s(t.kms_alias)),
                ("multi_region", t.multi_region.into()),
                ("log_file_validation", t.log_file_validation.into()),
                ("retention_days", n(t.retention_days as i64)),
            ]),
        ));
    }
    out
}
