//! The stack's ephemeral KMS keys: the ones its resources name, all of the environment's in the primary
//! region, and the keys of its log groups and caches' AUTH tokens.

use hcl::Expression;
use stratoform_spec::Region;

use super::Ctx;
use crate::dsl::*;
use crate::stacks::days;

/// Whether a region's stack creates the key of its log groups (`logGroups[].kmsKey` defaults to a
/// key created for the stack; clusters' control-plane, VPC flow-log and search domain log groups
/// use it too).
fn needs_logs_key(region: &Region) -> bool {
    !region.clusters.is_empty()
        || region.vpcs.iter().any(|v| v.flow_logs.enabled || v.network_firewall.is_some())
        || region.log_groups.iter().any(|l| l.kms_key.is_none())
        || !region.search_domains.is_empty()
}

/// The stack's log group key (it also encrypts Network Firewalls, whose logs it holds).
pub(super) const LOGS_KEY: &str = "module.kms_logs.arn";
/// The stack's key for the AUTH tokens of caches without a key of their own.
pub(super) const CACHES_KEY: &str = "module.kms_caches.arn";

pub(super) fn kms_keys(c: &mut Ctx) {
    let model = c.model;
    if c.primary {
        for k in model.environment_kms_keys() {
            c.keys.insert(k.name.to_string());
        }
    }
    let keys = std::mem::take(&mut c.keys);
    let mut arns = Vec::new();
    for name in &keys {
        let spec = model.kms_key(name);
        let (desc, rotation, window) = spec
            .map(|k| (k.description.clone(), k.rotation, days(&k.deletion_window).clamp(7, 30)))
            .unwrap_or_else(|| (format!("{name} ({})", c.region.name), true, 30));
        let mut args = vec![
            ("alias", s(model.kms_alias(name, c.region.name.as_str()).unwrap_or_else(|| model.names.stack_kms_alias(name, c.region.name.as_str())))),
            ("description", s(desc)),
            ("rotation", rotation.into()),
            ("deletion_window_days", n(window as i64)),
        ];
        if c.region.log_groups.iter().any(|l| l.kms_key.as_ref().is_some_and(|k| k.as_str() == name)) {
            args.push(("cloudwatch_logs", true.into()));
        }
        c.b.module(&format!("kms_{}", ident(name)), "kms", args);
        arns.push((name.clone(), ex(&format!("module.kms_{}.arn", ident(name)))));
    }
    // Keys the stack creates for its own use, each `kms_<purpose>`.
    let (prefix, region) = (model.names.prefix(), c.region.name.to_string());
    let mut stack_key = |purpose: &str, description: String, logs: bool| {
        let mut args = vec![("alias", s(model.names.stack_kms_alias(purpose, &region))), ("description", s(description))];
        if logs {
            args.push(("cloudwatch_logs", true.into()));
        }
        c.b.module(&format!("kms_{purpose}"), "kms", args);
    };
    if needs_logs_key(c.region) {
        stack_key("logs", format!("CloudWatch log groups of {prefix} in {region}"), true);
    }
    if c.bucket_key {
        stack_key("buckets", format!("Default encryption of {prefix} buckets in {region}"), false);
        arns.push(("bucket-default".into(), ex("module.kms_buckets.arn")));
    }
    if c.cache_key {
        stack_key("caches", format!("AUTH tokens of {prefix} caches in {region}"), false);
    }
    // Every key of `identity.kmsKeys` this region has, for the Kubernetes layer's values
    // templates (`${kmsKey.<name>.arn}`): the keys created here and the long-lived ones.
    for k in model.kms_keys() {
        let name = k.name.as_str();
        let arn = if keys.contains(name) {
            ex(&format!("module.kms_{}.arn", ident(name)))
        } else if k.lifecycle.is_long_lived() {
            c.kms(Some(name))
        } else {
            continue;
        };
        if arn != Expression::Null {
            c.b.outputs.push(output(&format!("kms_{}_arn", ident(name)), &format!("The `{name}` KMS key's ARN in this region."), arn));
        }
    }
    c.b.main.push(block("locals", &[], vec![attr("kms_arns", obj(arns))]));
}
