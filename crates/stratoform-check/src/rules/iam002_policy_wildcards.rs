//! IAM002: no wildcard actions, and no wildcard resources for actions that can be scoped, in custom policies.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::PolicyTemplate;

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "IAM002",
    name: "policy-wildcards",
    group: Group::Iam,
    severity: Severity::Error,
    production_only: false,
    summary: "custom policy statements name their actions and scope them to resources",
    checks: "Statements of `identity.policies[]` with `template: custom`: an action of `*` or \
`service:*` is reported; a resource of `*` is reported unless every action of the statement only \
describes or lists (`Describe*`, `List*`, which mostly have no resource-level permissions; `Get*` reads \
data, such as `s3:GetObject` or `secretsmanager:GetSecretValue`, and is reported). A role `grants` entry with \
`access: full` renders `service:*` on its resources and is reported as a warning. The well-known \
templates are written by stratoform and scoped by condition keys; they are not checked.",
    why: "`s3:*` on `*` is administrator access to every bucket in the account, including the Terraform \
state. Least privilege is the one IAM control that limits what a compromised pod can do.",
    failing: "policies:\n  - name: uploads\n    description: Upload access\n    statements:\n      - actions: [\"s3:*\"]\n        resources: [\"*\"]\n",
    fix: "Name the actions and the resources (or use a role `grants` entry, which does it for you).",
    fixed: "policies:\n  - name: uploads\n    description: Upload access\n    statements:\n      - actions: [\"s3:PutObject\"]\n        resources: [\"arn:aws:s3:::shop-prod-uploads/*\"]\n",
    help: "list the actions and resource ARNs the workload needs, or use a role `grants` entry",
    run,
};

/// The spec's name of a grant service (`s3`, `secretsManager`, ...).
fn service_name(s: stratoform_spec::GrantService) -> String {
    serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Whether an action only describes or lists (and so usually cannot be scoped to a resource).
pub fn read_only(action: &str) -> bool {
    let verb = action.split(':').nth(1).unwrap_or(action);
    ["Describe", "List"].iter().any(|p| verb.starts_with(p))
}

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (cp, _, c) in ctx.clusters() {
        for (ri, role) in c.roles.iter().enumerate() {
            for (gi, g) in role.grants.iter().enumerate() {
                if g.access == stratoform_spec::AccessLevel::Full {
                    out.push(ctx.finding_with(
                        &RULE,
                        Severity::Warning,
                        &format!("{cp}/roles/{ri}/grants/{gi}/access"),
                        format!("role `{}` is granted every action of `{}` on its resources", role.name, service_name(g.service)),
                        "every action",
                    ));
                }
            }
        }
    }
    for (pi, policy) in ctx.model.identity_spec().policies.iter().enumerate() {
        if policy.template != PolicyTemplate::Custom {
            continue;
        }
        for (si, st) in policy.statements.iter().enumerate() {
            let base = format!("/identity/policies/{pi}/statements/{si}");
            for (ai, a) in st.actions.iter().enumerate() {
                if a == "*" || a.ends_with(":*") {
                    out.push(ctx.finding(&RULE, &format!("{base}/actions/{ai}"), format!("policy `{}` allows every action `{a}`", policy.name), "wildcard action"));
                }
            }
            let scopable = st.actions.iter().any(|a| !read_only(a));
            for (ri, res) in st.resources.iter().enumerate() {
                if res == "*" && scopable {
                    out.push(ctx.finding(
                        &RULE,
                        &format!("{base}/resources/{ri}"),
                        format!("policy `{}` allows actions that can be scoped on every resource", policy.name),
                        "wildcard resource",
                    ));
                }
            }
        }
    }
    out
}
