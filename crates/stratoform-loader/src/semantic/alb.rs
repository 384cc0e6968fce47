//! ALBs of the AWS Load Balancer Controller: a workload exposed with `expose.type: alb` needs the
//! controller's chart in its cluster (nothing else turns an Ingress into an ALB); `host`, `path`
//! and `group` are ALB settings, refused on an NLB where they would be dropped; a path is a prefix
//! starting with `/`. The cluster's `albIngress` names an ELB TLS policy, AWS managed rule groups
//! (each once, as WAF keys rules by name) and a rate limit WAF accepts (10 to 2,000,000,000 requests
//! per IP in 5 minutes). Access logs go to an SSE-S3 bucket of the cluster's region, under a prefix
//! the load balancer accepts.

use stratoform_diagnostics::codes;
use stratoform_model::alb::LOAD_BALANCER_CONTROLLER_CHART as CONTROLLER_CHART;
use stratoform_spec::{Cluster, LoadBalancerType};

use super::Ctx;

/// WAF's bounds of a rate-based rule's limit.
const RATE_LIMIT: (u64, u64) = (10, 2_000_000_000);

/// Runs the ALB checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, region) in p.regions.iter().enumerate() {
        for (ci, c) in region.clusters.iter().enumerate() {
            let at = format!("/regions/{ri}/clusters/{ci}");
            workloads(ctx, &at, c);
            settings(ctx, &at, c);
            access_logs(ctx, &at, region, c);
        }
    }
}

/// A bucket that AWS fills with logs and that goes with its environment (`lifecycle: ephemeral`)
/// is not empty when the environment is destroyed, and S3 deletes only empty buckets unless
/// Terraform empties it first (`forceDestroy`): a warning, since a team may empty it by hand.
pub fn undeletable(ctx: &mut Ctx<'_>, region: &stratoform_spec::Region, b: &stratoform_spec::Bucket, what: &str) {
    if b.lifecycle.is_long_lived() || b.force_destroy {
        return;
    }
    let Some(bi) = region.buckets.iter().position(|x| x.name == b.name) else { return };
    let ri = ctx.platform.regions.iter().position(|r| r.name == region.name).unwrap_or(0);
    ctx.error(
        codes::UNDELETABLE_LOG_BUCKET,
        &format!("/regions/{ri}/buckets/{bi}/lifecycle"),
        format!("bucket `{}` receives {what} and goes with the environment, but without `forceDestroy` the environment's destroy stops on it once it holds a log", b.name),
        "destroyed with the environment, never emptied",
        format!("set `forceDestroy: true` on bucket `{}` to drop the logs with the environment, or `lifecycle: longLived` to keep them", b.name),
    );
}

/// Access logs go to a bucket of the cluster's region that uses SSE-S3 (an ALB writes to no
/// other kind), under a prefix without slashes at its ends and without `AWSLogs`, which the load
/// balancer adds itself.
fn access_logs(ctx: &mut Ctx<'_>, at: &str, region: &stratoform_spec::Region, c: &Cluster) {
    let Some(logs) = c.alb_ingress.as_ref().and_then(|a| a.access_logs.as_ref()) else { return };
    let at = format!("{at}/albIngress/accessLogs");
    match region.buckets.iter().find(|b| b.name == logs.bucket) {
        None => ctx.dangling(&format!("{at}/bucket"), "bucket", logs.bucket.as_str(), region.buckets.iter().map(|b| b.name.as_str())),
        Some(b) if b.encryption != stratoform_spec::BucketEncryption::SseS3 => ctx.error(
            codes::CONFLICTING_FIELDS,
            &format!("{at}/bucket"),
            format!("bucket `{}` is encrypted with KMS, and an ALB writes access logs only to a bucket encrypted with S3-managed keys", b.name),
            "not an SSE-S3 bucket",
            format!("set `encryption: sseS3` on bucket `{}`, or name another bucket", b.name),
        ),
        Some(b) => undeletable(ctx, region, b, "the ALBs' access logs"),
    }
    let Some(prefix) = &logs.prefix else { return };
    let problem = if prefix.is_empty() {
        Some("is empty")
    } else if prefix.starts_with('/') || prefix.ends_with('/') {
        Some("starts or ends with `/`")
    } else if prefix.contains("AWSLogs") {
        Some("contains `AWSLogs`, which the load balancer adds after the prefix itself")
    } else {
        None
    };
    if let Some(problem) = problem {
        ctx.error(
            codes::INVALID_FORMAT,
            &format!("{at}/prefix"),
            format!("the access log prefix `{prefix}` {problem}"),
            "not a prefix an ALB accepts",
            "write the prefix without slashes at its ends and without `AWSLogs`, or leave it out (the cluster's name)",
        );
    }
}

fn workloads(ctx: &mut Ctx<'_>, at: &str, c: &Cluster) {
    let has_controller = c.charts.iter().any(|h| h.chart_name() == CONTROLLER_CHART);
    for (wi, w) in c.workloads.iter().enumerate() {
        let Some(e) = &w.expose else { continue };
        let pointer = format!("{at}/workloads/{wi}/expose");
        if e.kind == LoadBalancerType::Alb {
            if !has_controller {
                ctx.error(
                    codes::DANGLING_REFERENCE,
                    &format!("{pointer}/type"),
                    format!("workload `{}` is exposed through an ALB, and cluster `{}` does not install the AWS Load Balancer Controller", w.name, c.name),
                    "no controller to create it",
                    format!("add the `{CONTROLLER_CHART}` chart to the cluster's `charts` (with a role for its service account), or expose the workload with `type: nlb`"),
                );
            }
            if let Some(path) = e.path.as_deref().filter(|p| !p.starts_with('/')) {
                ctx.error(codes::INVALID_FORMAT, &format!("{pointer}/path"), format!("the path `{path}` does not start with `/`"), "not a path prefix", format!("write it as `/{path}`"));
            }
            continue;
        }
        for (key, set) in [("host", e.host.is_some()), ("path", e.path.is_some()), ("group", e.group.is_some())] {
            if set && ctx.written(&format!("{pointer}/{key}")) {
                ctx.error(
                    codes::CONFLICTING_FIELDS,
                    &format!("{pointer}/{key}"),
                    format!("`{key}` is an ALB setting; workload `{}` is exposed through an NLB, which would drop it", w.name),
                    "ALB only",
                    format!("set `type: alb` to route by host and path, or remove `{key}`"),
                );
            }
        }
    }
}

fn settings(ctx: &mut Ctx<'_>, at: &str, c: &Cluster) {
    let Some(alb) = &c.alb_ingress else { return };
    let at = format!("{at}/albIngress");
    if !alb.ssl_policy.starts_with("ELBSecurityPolicy-") {
        ctx.error(
            codes::INVALID_FORMAT,
            &format!("{at}/sslPolicy"),
            format!("`{}` is not an ELB security policy", alb.ssl_policy),
            "not an ELB policy name",
            "name a predefined policy such as `ELBSecurityPolicy-TLS13-1-2-2021-06` (`aws elbv2 describe-ssl-policies` lists them)",
        );
    }
    let Some(acl) = &alb.web_acl else { return };
    let mut seen: Vec<&str> = Vec::new();
    for (gi, g) in acl.managed_rule_groups.iter().enumerate() {
        let pointer = format!("{at}/webAcl/managedRuleGroups/{gi}");
        let well_formed = g.strip_prefix("AWSManagedRules").is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !well_formed {
            ctx.error(
                codes::INVALID_FORMAT,
                &pointer,
                format!("`{g}` is not the name of an AWS managed rule group"),
                "not an AWS managed rule group",
                "name one such as `AWSManagedRulesCommonRuleSet` (`aws wafv2 list-available-managed-rule-groups --scope REGIONAL` lists them)",
            );
        } else if seen.contains(&g.as_str()) {
            ctx.error(codes::DUPLICATE_NAME, &pointer, format!("rule group `{g}` is listed twice"), "listed before", "list each rule group once; WAF names a rule after its group");
        }
        seen.push(g);
    }
    if acl.managed_rule_groups.is_empty() && acl.rate_limit.is_none() {
        ctx.error(
            codes::EMPTY_LIST,
            &format!("{at}/webAcl/managedRuleGroups"),
            "the web ACL has no rule group and no rate limit: it would allow every request",
            "no rules",
            "keep the default rule groups (remove `managedRuleGroups`), list some, or set `rateLimit`",
        );
    }
    if let Some(limit) = acl.rate_limit.filter(|l| !(RATE_LIMIT.0..=RATE_LIMIT.1).contains(l)) {
        ctx.error(
            codes::OUT_OF_RANGE,
            &format!("{at}/webAcl/rateLimit"),
            format!("WAF takes a rate limit of {} to {} requests per IP in 5 minutes, not {limit}", RATE_LIMIT.0, RATE_LIMIT.1),
            "out of range",
            "set `rateLimit` between 10 and 2000000000",
        );
    }
}
