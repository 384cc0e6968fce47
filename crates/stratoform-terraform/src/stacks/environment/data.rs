//! Data stores: buckets, file systems, databases, caches, document databases, registries, and the
//! node roles' access to the pull-through caches.

use hcl::Expression;
use stratoform_spec::{BucketEncryption, CacheEngine, Lifecycle, SubnetKind};

use super::kms::CACHES_KEY;
use super::Ctx;
use crate::dsl::*;
use crate::stacks::long_lived::{bucket_args, bucket_value, BUCKET_TYPE};
use crate::stacks::days;

pub(super) fn data_stores(c: &mut Ctx, extra: &mut Vec<(String, Expression)>) {
    let region = c.region;
    let model = c.model;
    // Buckets of this environment (long-lived ones are in the long-lived stack).
    let mut buckets = Vec::new();
    for bucket in region.buckets.iter().filter(|b| b.lifecycle == Lifecycle::Ephemeral) {
        let key = match &bucket.kms_key {
            Some(k) if !c.model.is_long_lived_kms_key(k.as_str()) => {
                c.keys.insert(k.to_string());
                k.to_string()
            }
            _ => {
                if bucket.encryption == BucketEncryption::Kms {
                    c.bucket_key = true;
                }
                "bucket-default".to_owned()
            }
        };
        buckets.push((bucket.name.to_string(), bucket_value(model, region.name.as_str(), bucket, Some(key))));
    }
    if !buckets.is_empty() {
        c.b.variables.push(variable("buckets", &format!("map({BUCKET_TYPE})"), "This environment's buckets in this region, by spec name.", Some(obj::<&str>([]))));
        extra.push(("buckets".into(), obj(buckets)));
        let mut body = vec![attr("source", s("../../modules/s3"))];
        for (k, v) in bucket_args("local.kms_arns") {
            body.push(attr(k, if k == "for_each" { ex("var.buckets") } else { v }));
        }
        c.b.main.push(block("module", &["buckets"], body));
        c.b.main.push(crate::stacks::long_lived::logging("buckets", "var.buckets", None));
        c.b.outputs.push(output("bucket_arns", "Buckets by spec name.", ex("{ for k, m in module.buckets : k => m.arn }")));
    }
    for fs in &region.file_systems {
        let vpc = c.vpc_name(fs.vpc.as_ref());
        let (groups, cidrs) = c.sources(&vpc, &fs.allowed_from);
        let kms = c.kms(fs.kms_key.as_ref().map(|k| k.as_str()));
        let tier = c.tier(&vpc, fs.subnet_tier.as_ref(), SubnetKind::Private);
        let fid = format!("efs_{}", ident(fs.name.as_str()));
        c.b.outputs.push(output(&format!("{fid}_id"), &format!("The `{}` file system's ID.", fs.name), ex(&format!("module.{fid}.id"))));
        c.b.outputs.push(output(
            &format!("{fid}_access_point_ids"),
            &format!("The `{}` file system's access point IDs by name.", fs.name),
            ex(&format!("module.{fid}.access_point_ids")),
        ));
        c.b.module(
            &fid,
            "efs",
            vec![
                ("name", s(format!("{}-{}", c.prefix(), fs.name))),
                ("vpc_id", c.vpc_id(&vpc)),
                ("subnet_ids", tier),
                ("allowed_security_group_ids", obj(groups)),
                ("allowed_cidrs", strs(cidrs)),
                ("kms_key_arn", kms),
                ("throughput_mode", s(serde_name(&fs.throughput_mode))),
                ("transition_to_ia", s(format!("AFTER_{}_DAYS", fs.transition_to_ia.as_ref().map(days).unwrap_or(30)))),
                (
                    "access_points",
                    obj(fs.access_points.iter().map(|a| {
                        (
                            a.name.to_string(),
                            obj([("path", s(a.path.clone())), ("uid", n(a.uid as i64)), ("gid", n(a.gid as i64)), ("permissions", s(a.permissions.clone()))]),
                        )
                    })),
                ),
            ],
        );
    }
    let prod = model.is_production();
    for db in &region.databases {
        let vpc = c.vpc_name(db.vpc.as_ref());
        let (groups, cidrs) = c.sources(&vpc, &db.allowed_from);
        let kms = c.kms(db.kms_key.as_ref().map(|k| k.as_str()));
        let tier = c.tier(&vpc, db.subnet_tier.as_ref(), SubnetKind::Database);
        c.b.module(
            &format!("db_{}", ident(db.name.as_str())),
            "database",
            vec![
                ("name", s(format!("{}-{}", c.prefix(), db.name))),
                ("engine", s(db.engine.as_rds())),
                ("engine_version", s(db.version.clone())),
                ("instance_class", s(db.instance_class.clone())),
                ("instances", n(db.instances as i64)),
                ("multi_az", db.multi_az.unwrap_or(prod).into()),
                ("storage_gib", n(db.storage_gib as i64)),
                ("port", n(db.engine.port() as i64)),
                ("vpc_id", c.vpc_id(&vpc)),
                ("subnet_ids", tier),
                ("allowed_security_group_ids", obj(groups)),
                ("allowed_cidrs", strs(cidrs)),
                ("backup_retention_days", n(days(&db.backup_retention) as i64)),
                ("deletion_protection", db.deletion_protection.unwrap_or(prod).into()),
                ("kms_key_arn", kms),
            ],
        );
    }
    if !region.caches.is_empty() {
        let mut caches = Vec::new();
        for cache in &region.caches {
            let cvpc = c.vpc_name(cache.vpc.as_ref());
            let (groups, cidrs) = c.sources(&cvpc, &cache.allowed_from);
            let shape = stratoform_model::caches::shape(cache);
            let mut fields = vec![("vpc_id", c.vpc_id(&cvpc))];
            // A Redis OSS cache leaves engine and port to the module's defaults.
            if shape.engine != CacheEngine::Redis {
                fields.push(("engine", s(shape.engine.as_str())));
            }
            fields.push(("engine_version", s(cache.version.clone())));
            fields.push(("node_type", s(cache.node_type.clone())));
            if shape.engine != CacheEngine::Redis {
                fields.push(("port", n(shape.port as i64)));
            }
            if shape.engine.replicates() {
                fields.push(("replicas", n(cache.replicas as i64)));
            } else {
                fields.push(("nodes", n(shape.nodes as i64)));
                fields.push(("parameter_group_name", shape.parameter_group.clone().map_or(Expression::Null, s)));
                fields.push(("transit_encryption", shape.transit_encryption.into()));
            }
            fields.push(("subnet_ids", c.tier(&cvpc, cache.subnet_tier.as_ref(), SubnetKind::Database)));
            fields.push(("allowed_security_group_ids", obj(groups)));
            fields.push(("allowed_cidrs", strs(cidrs)));
            if shape.engine.replicates() {
                let kms = c.kms(cache.kms_key.as_ref().map(|k| k.as_str()));
                // The AUTH token is encrypted by the cache's own key, else by the stack's.
                let token_key = if kms == Expression::Null {
                    c.cache_key = true;
                    ex(CACHES_KEY)
                } else {
                    kms.clone()
                };
                fields.push(("snapshot_retention_days", n(days(&cache.snapshot_retention) as i64)));
                fields.push(("kms_key_arn", kms));
                fields.push(("auth_secret_name", s(model.names.cache_auth_secret(cache.name.as_str()))));
                fields.push(("auth_kms_key_arn", token_key));
            }
            caches.push((format!("{}-{}", c.prefix(), cache.name), obj(fields)));
        }
        c.b.module("caches", "cache", vec![("caches", obj(caches))]);
        c.b.outputs.push(output("cache_auth_secret_arns", "The secrets holding the caches' AUTH tokens, by cache.", ex("module.caches.auth_secret_arns")));
        if region.caches.iter().any(|x| !x.engine.replicates()) {
            c.b.outputs.push(output("cache_configuration_endpoints", "The Memcached clusters' configuration endpoints, by cache.", ex("module.caches.configuration_endpoints")));
        }
    }
    if !region.document_dbs.is_empty() {
        let mut clusters = Vec::new();
        for d in &region.document_dbs {
            let dvpc = c.vpc_name(d.vpc.as_ref());
            let (groups, cidrs) = c.sources(&dvpc, &d.allowed_from);
            let kms = c.kms(d.kms_key.as_ref().map(|k| k.as_str()));
            clusters.push((
                format!("{}-{}", c.prefix(), d.name),
                obj([
                    ("vpc_id", c.vpc_id(&dvpc)),
                    ("engine_version", s(d.version.clone())),
                    ("instance_class", s(d.instance_class.clone())),
                    ("instances", n(d.instances as i64)),
                    ("subnet_ids", c.tier(&dvpc, d.subnet_tier.as_ref(), SubnetKind::Database)),
                    ("allowed_security_group_ids", obj(groups)),
                    ("allowed_cidrs", strs(cidrs)),
                    ("backup_retention_days", n(days(&d.backup_retention) as i64)),
                    ("deletion_protection", d.deletion_protection.unwrap_or(prod).into()),
                    ("kms_key_arn", kms),
                ]),
            ));
        }
        c.b.module("document_dbs", "document-db", vec![("clusters", obj(clusters))]);
    }
    if !region.search_domains.is_empty() {
        super::search::search_domains(c);
    }
    // Ephemeral ECR repositories and secrets.
    let repos: Vec<_> = region.ecr.iter().flat_map(|e| &e.repositories).filter(|r| !r.lifecycle.is_long_lived()).collect();
    for r in repos {
        let kms = c.kms(r.kms_key.as_ref().map(|k| k.as_str()));
        let name = model.names.fill(r.name.as_str(), Some(region), None);
        c.b.module(
            &format!("ecr_{}", ident(&name)),
            "ecr",
            vec![
                ("name", s(name.clone())),
                ("immutable", r.immutable.into()),
                ("scan_on_push", r.scan_on_push.into()),
                ("keep_tagged", n(r.keep_tagged as i64)),
                ("untagged_expiry_days", n(days(&r.untagged_expiry) as i64)),
                ("kms_key_arn", kms),
            ],
        );
    }
    if c.primary {
        for sec in model.environment_secrets() {
            let kms = c.kms(sec.kms_key.as_ref().map(|k| k.as_str()));
            // A replica is encrypted by the long-lived copy of the secret's key in its region
            // (validation admits only long-lived keys on secrets read in several regions).
            let replicas: Vec<(String, Expression)> = model
                .secret_replica_regions(sec)
                .into_iter()
                .map(|r| {
                    let key = match &sec.kms_key {
                        Some(k) => {
                            let ll = c.long_lived();
                            ex(&format!("{ll}.kms_key_arns_by_region[{r:?}][{:?}]", k.as_str()))
                        }
                        None => Expression::Null,
                    };
                    (r, key)
                })
                .collect();
            let mut args = vec![
                ("name", s(model.names.secret(sec.name.as_str()))),
                ("description", s(sec.description.clone())),
                ("kms_key_arn", kms),
                ("recovery_window_days", n((sec.recovery_window.as_secs() / 86_400) as i64)),
            ];
            if !replicas.is_empty() {
                args.push(("replicas", obj(replicas)));
            }
            c.b.module(&format!("secret_{}", ident(sec.name.as_str())), "secrets", args);
        }
    }
}

/// Nodes pull images through the region's pull-through caches: the first pull of an image imports
/// it from the upstream (`ecr:BatchImportUpstreamImage`) into a repository ECR creates then
/// (`ecr:CreateRepository`), both as the pulling node's role. The managed read-only policy the
/// node roles carry has neither, so each node role of the region's clusters gets them, scoped to
/// the caches' prefixes.
pub(super) fn pull_through_access(c: &mut Ctx) {
    let region = c.region;
    let prefixes: Vec<String> = region.ecr.iter().flat_map(|e| &e.pull_through_caches).map(|x| x.prefix.to_string()).collect();
    if prefixes.is_empty() {
        return;
    }
    let resources = list(prefixes.iter().map(|p| call("format", [s(format!("arn:aws:ecr:%s:%s:repository/{p}/*")), ex("var.region"), ex("local.account_id")])));
    let policy = call(
        "jsonencode",
        [obj([
            ("Version", s("2012-10-17")),
            (
                "Statement",
                list([obj([
                    ("Sid", s("PullThroughCache")),
                    ("Effect", s("Allow")),
                    ("Action", strs(["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"])),
                    ("Resource", resources),
                ])]),
            ),
        ])],
    );
    for cl in &region.clusters {
        let id = ident(cl.name.as_str());
        // The EKS module's node role (managed and self-managed groups) by its ARN's last segment,
        // and Karpenter's node role.
        let mut roles = vec![("nodes".to_owned(), ex(&format!(r#"regex("[^/]+$", module.eks_{id}.node_role_arn)"#)))];
        if !cl.node_pools.is_empty() {
            roles.push(("karpenter".to_owned(), ex(&format!("module.karpenter_{id}.node_role_name"))));
        }
        c.b.main.push(block_owned(
            "resource",
            vec!["aws_iam_role_policy".into(), format!("pull_through_cache_{id}")],
            vec![
                attr("for_each", obj(roles)),
                attr("name", s("ecr-pull-through-cache")),
                attr("role", ex("each.value")),
                attr("policy", policy.clone()),
            ],
        ));
    }
}
