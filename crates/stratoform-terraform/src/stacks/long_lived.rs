//! The long-lived stack: what of an environment outlives its other stacks — KMS keys, secrets and
//! buckets marked `longLived`. One directory serves every environment (`<env>.tfvars`, its own
//! state); what exists once per account is the account stack's. Regions other than the primary
//! get provider aliases.

use hcl::Expression;
use stratoform_model::{Model, StackKind};
use stratoform_spec::{BucketEncryption, Lifecycle};

use super::{days, StackBuilder};
use crate::dsl::*;

/// The bucket name of a bucket of a region.
pub fn bucket_name(model: &Model, region: &str, name: &str) -> String {
    model
        .regions()
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
    model.regions().iter().find(|r| r.buckets.iter().any(|b| b.name.as_str() == name)).map(|r| (r.name.to_string(), bucket_name(model, r.name.as_str(), name)))
}

/// The module arguments of a bucket, as an object for tfvars (shared by the stacks).
pub fn bucket_value(model: &Model, region: &str, bucket: &stratoform_spec::Bucket, kms_key: Option<String>) -> Expression {
    let spec_region = model.regions().iter().find(|r| r.name.as_str() == region);
    let accepts = spec_region.into_iter().flat_map(|r| &r.buckets).any(|b| b.access_logs.as_ref().is_some_and(|l| l == &bucket.name));
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
        (
            "load_balancer_logs",
            spec_region
                .and_then(|r| model.bucket_lb_logs(r, bucket))
                .map_or(Expression::Null, |l| obj([("prefixes", strs(l.prefixes)), ("elb_account", l.elb_account.into())])),
        ),
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
        ("load_balancer_logs", ex("each.value.load_balancer_logs")),
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
pub const BUCKET_TYPE: &str = "object({ name = string, versioning = bool, encryption = string, kms_key = optional(string), lifecycle_rules = list(object({ id = string, prefix = string, transitions = list(object({ days = number, storage_class = string })), expire_days = optional(number), noncurrent_expire_days = optional(number) })), access_log_bucket = optional(string), accepts_access_logs = bool, replication = optional(object({ destination_bucket_arn = string, delete_markers = bool })), force_destroy = bool, load_balancer_logs = optional(object({ prefixes = list(string), elb_account = bool })) })";

/// The long-lived stack's files.
pub fn render(models: &[Model], source: &str) -> Vec<(String, String)> {
    let Some((models, primary, regions)) = super::shared_stack(models, StackKind::LongLived) else {
        return Vec::new();
    };

    let mut b = StackBuilder::default();
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
    b.variables.push(variable("buckets", &format!("map(map({BUCKET_TYPE}))"), "Buckets by region, then spec name.", Some(obj::<&str>([]))));
    b.variables.push(variable("bucket_keys", "list(string)", "Regions that need a KMS key for buckets without a named key.", Some(list([]))));
    b.variables.push(variable(
        "key_regions",
        "list(string)",
        "Regions besides the primary that get their own copy of every long-lived key (keys are regional).",
        Some(list([])),
    ));

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

        let mut bucket = vec![attr("source", s("../../modules/s3"))];
        prov(&mut bucket);
        for (k, v) in bucket_args("local.kms_arns") {
            let v = if k == "for_each" { ex(&format!(r#"lookup(var.buckets, "{r}", {{}})"#)) } else { v };
            bucket.push(attr(k, v));
        }
        b.main.push(block_owned("module", vec![format!("buckets_{id}")], bucket));
        b.main.push(logging(&format!("buckets_{id}"), &format!(r#"lookup(var.buckets, "{r}", {{}})"#), providers.as_deref()));
    }
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
    let kms: Vec<(String, Expression)> = m
        .identity_spec()
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
                    ("cloudwatch_logs", m.regions().iter().flat_map(|r| &r.log_groups).any(|l| l.kms_key.as_ref() == Some(&k.name)).into()),
                ]),
            )
        })
        .collect();
    let long_keys: Vec<String> = kms.iter().map(|(k, _)| k.clone()).collect();
    let secrets: Vec<(String, Expression)> = m
        .identity_spec()
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
    let mut buckets = Vec::new();
    let mut bucket_keys = Vec::new();
    let primary = m.primary_region().name.to_string();
    for r in m.regions() {
        // The key of `local.kms_arns` for a long-lived key used in this region.
        let regional = |k: &str| if r.name.as_str() == primary { k.to_owned() } else { format!("{k}/{}", r.name) };
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
    push("kms_keys", kms);
    push("secrets", secrets);
    push("buckets", buckets);
    if !bucket_keys.is_empty() {
        out.push(("bucket_keys".into(), strs(bucket_keys)));
    }
    let key_regions: Vec<String> = m.regions().iter().map(|r| r.name.to_string()).filter(|r| *r != primary).collect();
    if !long_keys.is_empty() && !key_regions.is_empty() {
        out.push(("key_regions".into(), strs(key_regions)));
    }
    out
}
