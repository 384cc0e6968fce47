//! The long-lived stack: what outlives an environment — Route 53 zones and their literal records,
//! ECR repositories and pull-through cache rules, KMS keys, secrets, OIDC providers and buckets marked `longLived`. One
//! directory serves every environment (`<env>.tfvars`); regions other than the primary get
//! provider aliases.

use hcl::Expression;
use stratoform_model::{Model, StackKind, ZoneHome};
use stratoform_spec::{BucketEncryption, Lifecycle};

use super::{days, StackBuilder};
use crate::dsl::*;

/// The bucket name of a bucket of a region.
pub fn bucket_name(model: &Model, region: &str, name: &str) -> String {
    model
        .platform
        .regions
        .iter()
        .filter(|r| r.name.as_str() == region)
        .flat_map(|r| r.buckets.iter().map(move |b| (r, b)))
        .find(|(_, b)| b.name.as_str() == name)
        .map(|(r, b)| match &b.bucket_name {
            Some(n) => model.names.fill(n.as_str(), Some(r), None),
            None => format!("{}-{}", model.names.prefix(), b.name),
        })
        .unwrap_or_else(|| format!("{}-{name}", model.names.prefix()))
}

/// The bucket name of a bucket named anywhere in the platform (first region that has it).
pub fn any_bucket_name(model: &Model, name: &str) -> Option<(String, String)> {
    model.platform.regions.iter().find(|r| r.buckets.iter().any(|b| b.name.as_str() == name)).map(|r| (r.name.to_string(), bucket_name(model, r.name.as_str(), name)))
}

/// The module arguments of a bucket, as an object for tfvars (shared by the stacks).
pub fn bucket_value(model: &Model, region: &str, bucket: &stratoform_spec::Bucket, kms_key: Option<String>) -> Expression {
    let accepts = model
        .platform
        .regions
        .iter()
        .filter(|r| r.name.as_str() == region)
        .flat_map(|r| &r.buckets)
        .any(|b| b.access_logs.as_ref().is_some_and(|l| l == &bucket.name));
    obj([
        ("name", s(bucket_name(model, region, bucket.name.as_str()))),
        ("versioning", bucket.versioning.into()),
        ("encryption", s(match bucket.encryption {
            BucketEncryption::Kms => "kms",
            BucketEncryption::SseS3 => "sseS3",
        })),
        ("kms_key", kms_key.map(s).unwrap_or(Expression::Null)),
        ("lifecycle_rules", lifecycle_rules(bucket)),
        ("access_log_bucket", bucket.access_logs.as_ref().map(|l| s(bucket_name(model, region, l.as_str()))).unwrap_or(Expression::Null)),
        ("accepts_access_logs", accepts.into()),
        (
            "replication",
            bucket
                .replication
                .as_ref()
                .map(|r| {
                    obj([
                        ("destination_bucket_arn", s(format!("arn:aws:s3:::{}", bucket_name(model, r.region.as_str(), r.bucket.as_str())))),
                        ("delete_markers", r.delete_markers.into()),
                    ])
                })
                .unwrap_or(Expression::Null),
        ),
        ("force_destroy", bucket.force_destroy.into()),
    ])
}

/// A bucket's lifecycle rules as the `s3` module takes them.
pub fn lifecycle_rules(bucket: &stratoform_spec::Bucket) -> Expression {
    list(bucket.lifecycle_rules.iter().map(|r| {
        obj([
            ("id", s(r.name.clone())),
            ("prefix", s(r.prefix.clone().unwrap_or_default())),
            (
                "transitions",
                list(r.transitions.iter().map(|t| obj([("days", n(days(&t.after) as i64)), ("storage_class", s(t.storage_class.clone()))]))),
            ),
            ("expire_days", r.expire_after.as_ref().map(|d| n(days(d) as i64)).unwrap_or(Expression::Null)),
            ("noncurrent_expire_days", r.noncurrent_expire_after.as_ref().map(|d| n(days(d) as i64)).unwrap_or(Expression::Null)),
        ])
    }))
}

/// The bucket module's arguments from a tfvars object (`each.value`) and a KMS lookup expression.
pub fn bucket_args(kms: &str) -> Vec<(&'static str, Expression)> {
    vec![
        ("for_each", Expression::Null),
        ("name", ex("each.value.name")),
        ("versioning", ex("each.value.versioning")),
        ("encryption", ex("each.value.encryption")),
        ("kms_key_arn", ex(&format!(r#"each.value.encryption == "kms" ? lookup({kms}, each.value.kms_key, null) : null"#))),
        ("lifecycle_rules", ex("each.value.lifecycle_rules")),
        // Logging is configured by the stack once every bucket's policy exists (see `logging`).
        ("access_log_bucket", Expression::Null),
        ("accepts_access_logs", ex("each.value.accepts_access_logs")),
        ("replication", ex("each.value.replication")),
        ("force_destroy", ex("each.value.force_destroy")),
    ]
}

/// Server access logging of the buckets of a module call, after every bucket of the call (the
/// target's policy admits the logging service only once it exists).
pub fn logging(module: &str, buckets: &str, provider: Option<&str>) -> hcl::structure::Structure {
    let mut body = Vec::new();
    if let Some(p) = provider {
        body.push(attr("provider", ex(p)));
    }
    body.push(attr("for_each", ex(&format!("{{ for k, v in {buckets} : k => v if v.access_log_bucket != null }}"))));
    body.push(attr("bucket", ex(&format!("module.{module}[each.key].name"))));
    body.push(attr("target_bucket", ex("each.value.access_log_bucket")));
    body.push(attr("target_prefix", ex(r#""${each.value.name}/""#)));
    body.push(attr("depends_on", ex(&format!("[module.{module}]"))));
    block_owned("resource", vec!["aws_s3_bucket_logging".into(), ident(module)], body)
}

/// The type of a bucket object in tfvars.
pub const BUCKET_TYPE: &str = "object({ name = string, versioning = bool, encryption = string, kms_key = optional(string), lifecycle_rules = list(object({ id = string, prefix = string, transitions = list(object({ days = number, storage_class = string })), expire_days = optional(number), noncurrent_expire_days = optional(number) })), access_log_bucket = optional(string), accepts_access_logs = bool, replication = optional(object({ destination_bucket_arn = string, delete_markers = bool })), force_destroy = bool })";

/// The long-lived stack's files.
pub fn render(models: &[Model], source: &str) -> Vec<(String, String)> {
    let models: Vec<&Model> = models.iter().filter(|m| m.stacks.iter().any(|s| s.kind == StackKind::LongLived)).collect();
    let Some(first) = models.first() else {
        return Vec::new();
    };
    let primary = first.primary_region().name.to_string();
    // Regions of every environment, in first-seen order, so one main.tf serves them all.
    let mut regions: Vec<String> = Vec::new();
    for m in &models {
        for r in &m.platform.regions {
            if !regions.contains(&r.name.to_string()) {
                regions.push(r.name.to_string());
            }
        }
    }

    let mut b = StackBuilder::default();
    b.variables.push(variable("zones", "map(object({ comment = string }))", "Route 53 public zones by domain.", Some(obj::<&str>([]))));
    b.variables.push(variable(
        "records",
        "map(object({ zone = string, name = string, type = string, ttl = number, values = list(string) }))",
        "Literal records of those zones.",
        Some(obj::<&str>([])),
    ));
    b.variables.push(variable(
        "kms_keys",
        "map(object({ alias = string, description = string, rotation = bool, deletion_window_days = number, cloudwatch_logs = optional(bool, false) }))",
        "KMS keys by spec name (primary region).",
        Some(obj::<&str>([])),
    ));
    b.variables.push(variable(
        "secrets",
        "map(object({ name = string, description = string, kms_key = optional(string), recovery_window_days = number, replicas = optional(map(string), {}) }))",
        "Secrets by spec name (primary region).",
        Some(obj::<&str>([])),
    ));
    b.variables.push(variable("oidc_providers", "map(object({ url = string, client_ids = list(string) }))", "OIDC identity providers by name.", Some(obj::<&str>([]))));
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
    b.variables.push(variable("buckets", &format!("map(map({BUCKET_TYPE}))"), "Buckets by region, then spec name.", Some(obj::<&str>([]))));
    b.variables.push(variable("bucket_keys", "list(string)", "Regions that need a KMS key for buckets without a named key.", Some(list([]))));
    b.variables.push(variable(
        "key_regions",
        "list(string)",
        "Regions besides the primary that get their own copy of every long-lived key (keys are regional).",
        Some(list([])),
    ));

    b.module(
        "dns",
        "dns",
        vec![
            ("zones", ex("var.zones")),
            ("records", ex(r#"{ for k, v in var.records : k => merge(v, { alias = null }) }"#)),
        ],
    );
    let mut kms_b = vec![attr("source", s("../../modules/kms"))];
    kms_b.push(attr("for_each", ex("var.kms_keys")));
    for (k, v) in [("alias", "each.value.alias"), ("description", "each.value.description"), ("rotation", "each.value.rotation"), ("deletion_window_days", "each.value.deletion_window_days"), ("cloudwatch_logs", "each.value.cloudwatch_logs")] {
        kms_b.push(attr(k, ex(v)));
    }
    b.main.push(block("module", &["kms"], kms_b));
    // The same keys in every other region of the environment: a key serves its own region only.
    let others: Vec<&String> = regions.iter().filter(|r| **r != primary).collect();
    for r in &others {
        let alias = b.alias(r);
        let mut key = vec![attr("source", s("../../modules/kms")), attr("providers", obj([("aws", ex(&alias))]))];
        key.push(attr("for_each", ex(&format!(r#"{{ for k, v in var.kms_keys : k => v if contains(var.key_regions, "{r}") }}"#))));
        for (k, v) in [("alias", "each.value.alias"), ("description", "each.value.description"), ("rotation", "each.value.rotation"), ("deletion_window_days", "each.value.deletion_window_days"), ("cloudwatch_logs", "each.value.cloudwatch_logs")] {
            key.push(attr(k, ex(v)));
        }
        b.main.push(block_owned("module", vec![format!("kms_{}", crate::dsl::ident(r))], key));
    }
    b.main.push(block(
        "locals",
        &[],
        vec![attr(
            "kms_arns",
            ex(&format!(
                "merge({{ for k, m in module.kms : k => m.arn }}, {})",
                others
                    .iter()
                    .map(|r| format!(r#"{{ for k, m in module.kms_{} : "${{k}}/{r}" => m.arn }}"#, crate::dsl::ident(r)))
                    .chain(regions.iter().map(|r| format!(r#"{{ for k, m in module.bucket_key_{} : "bucket-default/{r}" => m.arn }}"#, crate::dsl::ident(r))))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        )],
    ));
    let mut sec = vec![attr("source", s("../../modules/secrets")), attr("for_each", ex("var.secrets"))];
    sec.push(attr("name", ex("each.value.name")));
    sec.push(attr("description", ex("each.value.description")));
    sec.push(attr("kms_key_arn", ex("each.value.kms_key == null ? null : local.kms_arns[each.value.kms_key]")));
    sec.push(attr("recovery_window_days", ex("each.value.recovery_window_days")));
    sec.push(attr("replicas", ex("{ for r, k in each.value.replicas : r => k == null ? null : local.kms_arns[k] }")));
    b.main.push(block("module", &["secrets"], sec));
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
        let id = crate::dsl::ident(r);
        let providers = if *r == primary { None } else { Some(b.alias(r)) };
        let prov = |body: &mut Vec<hcl::structure::Structure>| {
            if let Some(p) = &providers {
                body.push(attr("providers", obj([("aws", ex(p))])));
            }
        };
        let mut key = vec![attr("source", s("../../modules/kms"))];
        prov(&mut key);
        key.push(attr("for_each", ex(&format!(r#"contains(var.bucket_keys, "{r}") ? toset(["buckets"]) : toset([])"#))));
        key.push(attr("alias", ex(&format!(r#""${{var.state_key_prefix}}-${{var.env}}-buckets-{r}""#))));
        key.push(attr("description", s(format!("Default encryption of long-lived buckets in {r}"))));
        b.main.push(block_owned("module", vec![format!("bucket_key_{id}")], key));

        let mut ecr = vec![attr("source", s("../../modules/ecr"))];
        prov(&mut ecr);
        ecr.push(attr("for_each", ex(&format!(r#"lookup(var.ecr_repositories, "{r}", {{}})"#))));
        for (k, v) in [("name", "each.key"), ("immutable", "each.value.immutable"), ("scan_on_push", "each.value.scan_on_push"), ("keep_tagged", "each.value.keep_tagged"), ("untagged_expiry_days", "each.value.untagged_expiry_days")] {
            ecr.push(attr(k, ex(v)));
        }
        ecr.push(attr("kms_key_arn", ex("each.value.kms_key == null ? null : local.kms_arns[each.value.kms_key]")));
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

        let mut bucket = vec![attr("source", s("../../modules/s3"))];
        prov(&mut bucket);
        for (k, v) in bucket_args("local.kms_arns") {
            let v = if k == "for_each" { ex(&format!(r#"lookup(var.buckets, "{r}", {{}})"#)) } else { v };
            bucket.push(attr(k, v));
        }
        b.main.push(block_owned("module", vec![format!("buckets_{id}")], bucket));
        b.main.push(logging(&format!("buckets_{id}"), &format!(r#"lookup(var.buckets, "{r}", {{}})"#), providers.as_deref()));
    }
    b.outputs.push(output("zone_ids", "Route 53 zone IDs by domain.", ex("module.dns.zone_ids")));
    b.outputs.push(output("name_servers", "Name servers by domain, for the registrar.", ex("module.dns.name_servers")));
    b.outputs.push(output("kms_key_arns", "Long-lived KMS keys by spec name.", ex("{ for k, m in module.kms : k => m.arn }")));
    b.outputs.push(output(
        "kms_key_arns_by_region",
        "Long-lived KMS keys by region, then spec name.",
        ex(&format!(
            "{{ {} }}",
            regions
                .iter()
                .map(|r| {
                    let module = if *r == primary { "kms".to_owned() } else { format!("kms_{}", crate::dsl::ident(r)) };
                    format!(r#""{r}" = {{ for k, m in module.{module} : k => m.arn }}"#)
                })
                .collect::<Vec<_>>()
                .join(", ")
        )),
    ));
    b.outputs.push(output("secret_arns", "Long-lived secrets by spec name.", ex("{ for k, m in module.secrets : k => m.arn }")));
    b.outputs.push(output("oidc_provider_arns", "OIDC providers by name.", ex("{ for k, v in aws_iam_openid_connect_provider.this : k => v.arn }")));
    b.outputs.push(output(
        "ecr_repository_urls",
        "ECR repositories by name.",
        ex(&format!("merge({})", regions.iter().map(|r| format!("{{ for k, m in module.ecr_{} : k => m.url }}", crate::dsl::ident(r))).collect::<Vec<_>>().join(", "))),
    ));
    b.outputs.push(output(
        "bucket_arns",
        "Long-lived buckets by region, then spec name.",
        ex(&format!("{{ {} }}", regions.iter().map(|r| format!(r#""{r}" = {{ for k, m in module.buckets_{} : k => m.arn }}"#, crate::dsl::ident(r))).collect::<Vec<_>>().join(", "))),
    ));

    let per_env: Vec<(&Model, Vec<(String, Expression)>)> = models.iter().map(|m| (*m, values(m))).collect();
    b.files(source, "long-lived", &per_env, true)
}

/// One environment's long-lived values.
fn values(m: &Model) -> Vec<(String, Expression)> {
    let zones: Vec<(String, Expression)> =
        m.zones_of(ZoneHome::LongLived).into_iter().map(|z| (z.domain.to_string(), obj([("comment", s(m.zone_comment(z)))]))).collect();
    let records: Vec<(String, Expression)> = m.literal_records(ZoneHome::LongLived).into_iter().map(|r| super::literal_record(r, vec![])).collect();
    let kms: Vec<(String, Expression)> = m
        .platform
        .identity
        .kms_keys
        .iter()
        .filter(|k| k.lifecycle.is_long_lived())
        .map(|k| {
            (
                k.name.to_string(),
                obj([
                    ("alias", s(m.names.kms_alias(k, m.primary_region().name.as_str()))),
                    ("description", s(k.description.clone())),
                    ("rotation", k.rotation.into()),
                    ("deletion_window_days", n(days(&k.deletion_window).clamp(7, 30) as i64)),
                    ("cloudwatch_logs", m.platform.regions.iter().flat_map(|r| &r.log_groups).any(|l| l.kms_key.as_ref() == Some(&k.name)).into()),
                ]),
            )
        })
        .collect();
    let long_keys: Vec<String> = kms.iter().map(|(k, _)| k.clone()).collect();
    let secrets: Vec<(String, Expression)> = m
        .platform
        .identity
        .secrets
        .iter()
        .filter(|x| x.lifecycle.is_long_lived())
        .map(|x| {
            let key = x.kms_key.as_ref().filter(|k| long_keys.contains(&k.to_string()));
            // A replica's key is the copy of the secret's key in the replica's region.
            let replicas: Vec<(String, Expression)> =
                m.secret_replica_regions(x).into_iter().map(|r| (r.clone(), key.map(|k| s(format!("{k}/{r}"))).unwrap_or(Expression::Null))).collect();
            let mut fields = vec![
                ("name", s(m.names.secret(x.name.as_str()))),
                ("description", s(x.description.clone())),
                ("kms_key", key.map(|k| s(k.to_string())).unwrap_or(Expression::Null)),
                ("recovery_window_days", n((x.recovery_window.as_secs() / 86_400) as i64)),
            ];
            if !replicas.is_empty() {
                fields.push(("replicas", obj(replicas)));
            }
            (x.name.to_string(), obj(fields))
        })
        .collect();
    let oidc: Vec<(String, Expression)> = m
        .platform
        .identity
        .oidc_providers
        .iter()
        .filter(|o| o.lifecycle.is_long_lived())
        .map(|o| (o.name.to_string(), obj([("url", s(o.url.to_string())), ("client_ids", strs(o.client_ids.iter().cloned()))])))
        .collect();
    let mut ecr = Vec::new();
    let mut caches = Vec::new();
    let mut buckets = Vec::new();
    let mut bucket_keys = Vec::new();
    let primary = m.primary_region().name.to_string();
    for r in &m.platform.regions {
        // The key of `local.kms_arns` for a long-lived key used in this region.
        let regional = |k: &str| if r.name.as_str() == primary { k.to_owned() } else { format!("{k}/{}", r.name) };
        let repos: Vec<(String, Expression)> = r
            .ecr
            .iter()
            .flat_map(|e| &e.repositories)
            .filter(|x| x.lifecycle.is_long_lived())
            .map(|x| {
                (
                    m.names.fill(x.name.as_str(), Some(r), None),
                    obj([
                        ("immutable", x.immutable.into()),
                        ("scan_on_push", x.scan_on_push.into()),
                        ("keep_tagged", n(x.keep_tagged as i64)),
                        ("untagged_expiry_days", n(days(&x.untagged_expiry) as i64)),
                        ("kms_key", x.kms_key.as_ref().filter(|k| long_keys.contains(&k.to_string())).map(|k| s(regional(k.as_str()))).unwrap_or(Expression::Null)),
                    ]),
                )
            })
            .collect();
        if !repos.is_empty() {
            ecr.push((r.name.to_string(), obj(repos)));
        }
        let rules: Vec<(String, Expression)> = r
            .ecr
            .iter()
            .flat_map(|e| &e.pull_through_caches)
            .map(|x| {
                let secret = x.credential_secret.as_ref().map(|n| s(n.to_string())).unwrap_or(Expression::Null);
                (x.prefix.to_string(), obj([("upstream_registry_url", s(x.upstream_host())), ("credential_secret_name", secret)]))
            })
            .collect();
        if !rules.is_empty() {
            caches.push((r.name.to_string(), obj(rules)));
        }
        let bs: Vec<(String, Expression)> = r
            .buckets
            .iter()
            .filter(|x| x.lifecycle == Lifecycle::LongLived)
            .map(|x| {
                let key = match &x.kms_key {
                    Some(k) if long_keys.contains(&k.to_string()) => regional(k.as_str()),
                    _ => {
                        if !bucket_keys.contains(&r.name.to_string()) && x.encryption == BucketEncryption::Kms {
                            bucket_keys.push(r.name.to_string());
                        }
                        format!("bucket-default/{}", r.name)
                    }
                };
                (x.name.to_string(), bucket_value(m, r.name.as_str(), x, Some(key)))
            })
            .collect();
        if !bs.is_empty() {
            buckets.push((r.name.to_string(), obj(bs)));
        }
    }
    let mut out = Vec::new();
    let mut push = |k: &str, v: Vec<(String, Expression)>| {
        if !v.is_empty() {
            out.push((k.to_owned(), obj(v)));
        }
    };
    push("zones", zones);
    push("records", records);
    push("kms_keys", kms);
    push("secrets", secrets);
    push("oidc_providers", oidc);
    push("ecr_repositories", ecr);
    push("pull_through_caches", caches);
    push("buckets", buckets);
    if !bucket_keys.is_empty() {
        out.push(("bucket_keys".into(), strs(bucket_keys)));
    }
    let key_regions: Vec<String> = m.platform.regions.iter().map(|r| r.name.to_string()).filter(|r| *r != primary).collect();
    if !long_keys.is_empty() && !key_regions.is_empty() {
        out.push(("key_regions".into(), strs(key_regions)));
    }
    out
}
