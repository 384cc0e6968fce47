//! The WAFv2 web ACL of each cluster whose ALBs have one (`albIngress.webAcl`); the AWS Load
//! Balancer Controller associates it with the ALBs it creates, reading its ARN from the chart
//! values this stack renders after apply (`kubernetes_files`).

use super::Ctx;
use super::kms::LOGS_KEY;
use crate::dsl::*;

pub(super) fn web_acls(c: &mut Ctx) {
    let region = c.region;
    for cl in &region.clusters {
        let Some(name) = c.model.web_acl_name(region, cl) else { continue };
        let Some(acl) = cl.alb_ingress.as_ref().and_then(|a| a.web_acl.as_ref()) else { continue };
        let rate = acl.rate_limit.map_or(hcl::Expression::Null, |r| n(i64::try_from(r).unwrap_or(i64::MAX)));
        let id = format!("waf_{}", ident(cl.name.as_str()));
        c.b.outputs.push(output(
            &format!("{id}_arn"),
            &format!("The ARN of cluster `{}`'s web ACL (the AWS Load Balancer Controller's `wafv2AclArn`).", cl.name),
            ex(&format!("module.{id}.arn")),
        ));
        c.b.module(
            &id,
            "web-acl",
            vec![
                ("name", s(name)),
                ("managed_rule_groups", strs(acl.managed_rule_groups.iter().cloned())),
                ("rate_limit", rate),
                ("log_kms_key_arn", ex(LOGS_KEY)),
            ],
        );
    }
}
