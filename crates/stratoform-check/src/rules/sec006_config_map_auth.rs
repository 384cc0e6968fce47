//! SEC006: clusters are not authenticated through the `aws-auth` ConfigMap alone.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::AuthenticationMode;

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "SEC006",
    name: "config-map-authentication",
    group: Group::Sec,
    severity: Severity::Warning,
    production_only: false,
    summary: "clusters authenticate IAM principals with access entries, not the aws-auth ConfigMap alone",
    checks: "No cluster (`regions[].clusters[]`) may set `authenticationMode: CONFIG_MAP`. The default \
`API_AND_CONFIG_MAP` and `API` keep EKS access entries.",
    why: "With `CONFIG_MAP` the only record of who may reach the cluster is the `aws-auth` ConfigMap inside \
it: one bad edit (a YAML slip, a tool that rewrites it) locks every node and administrator out, and only the \
creator's hidden admin binding can get back in. Access entries live in the EKS API, are managed by Terraform \
and audited in CloudTrail. AWS deprecates the ConfigMap, and a cluster can move towards `API` but never back.",
    failing: "clusters:\n  - name: main\n    vpc: main\n    version: \"1.33\"\n    authenticationMode: CONFIG_MAP\n",
    fix: "Remove `authenticationMode` (the default keeps both) or set `API` once nothing edits `aws-auth`.",
    fixed: "clusters:\n  - name: main\n    vpc: main\n    version: \"1.33\"\n    authenticationMode: API\n",
    help: "use `authenticationMode: API` or `API_AND_CONFIG_MAP` (the default)",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    ctx.clusters()
        .filter(|(_, _, c)| c.authentication_mode == Some(AuthenticationMode::ConfigMap))
        .map(|(cp, _, c)| {
            ctx.finding(
                &RULE,
                &format!("{cp}/authenticationMode"),
                format!("cluster `{}` authenticates through the aws-auth ConfigMap only", c.name),
                "CONFIG_MAP only",
            )
        })
        .collect()
}
