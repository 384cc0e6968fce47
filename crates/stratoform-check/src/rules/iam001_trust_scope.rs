//! IAM001: role trust scoped to exact service accounts.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "IAM001",
    name: "service-account-trust-wildcard",
    group: Group::Iam,
    severity: Severity::Error,
    production_only: false,
    summary: "IRSA and Pod Identity roles trust exact `namespace:name` service accounts, no wildcards",
    checks: "Every entry of `regions[].clusters[].roles[].serviceAccounts` must be a concrete \
`namespace:name`; a `*` in either part (which the IRSA trust policy turns into `StringLike`) is reported.",
    why: "A wildcard lets any service account that matches assume the role: anyone who can create a \
service account in the namespace (or any namespace, with `*:name`) gets the role's AWS permissions. Exact \
subjects keep the blast radius to the one workload that needs them.",
    failing: "roles:\n  - name: \"{cluster}-exporter\"\n    serviceAccounts: [\"monitoring:*\"]\n",
    fix: "List each service account that needs the role.",
    fixed: "roles:\n  - name: \"{cluster}-exporter\"\n    serviceAccounts: [\"monitoring:cloudwatch-exporter\"]\n",
    help: "list the exact `namespace:name` of each service account that assumes the role",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (cp, _, c) in ctx.clusters() {
        for (i, role) in c.roles.iter().enumerate() {
            for (j, sa) in role.service_accounts.iter().enumerate() {
                if sa.is_wildcard() {
                    out.push(ctx.finding(
                        &RULE,
                        &format!("{cp}/roles/{i}/serviceAccounts/{j}"),
                        format!("role `{}` trusts every service account matching `{sa}`", role.name),
                        "wildcard subject",
                    ));
                }
            }
        }
    }
    out
}
