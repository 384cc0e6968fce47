//! SEC001: IMDSv2 on every node and host.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "SEC001",
    name: "imdsv2-required",
    group: Group::Sec,
    severity: Severity::Error,
    production_only: false,
    summary: "every node group and host requires IMDSv2 session tokens",
    checks: "Every node group (`regions[].clusters[].nodeGroups[].metadata`) and every EC2 host \
(`regions[].hosts[].metadata`) must keep `imdsv2Required: true`, so the rendered launch template or \
instance sets `http_tokens = \"required\"`. Karpenter node classes always require IMDSv2 and are not checked.",
    why: "IMDSv1 answers any plain HTTP GET, so a server-side request forgery in any pod or process \
on the host hands out the instance role's credentials. IMDSv2 needs a session token obtained with a PUT, \
which such requests cannot make.",
    failing: "nodeGroups:\n  - name: general\n    instanceTypes: [m5.xlarge]\n    min: 3\n    max: 6\n    metadata:\n      imdsv2Required: false\n",
    fix: "Remove the override (the default is `true`). If an old agent needs IMDSv1, upgrade it; a \
waiver should name the agent and carry an expiry.",
    fixed: "nodeGroups:\n  - name: general\n    instanceTypes: [m5.xlarge]\n    min: 3\n    max: 6\n",
    help: "set `metadata.imdsv2Required: true` (the default); upgrade whatever still needs IMDSv1",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (p, _, _, ng) in ctx.node_groups() {
        if !ng.metadata.imdsv2_required {
            out.push(ctx.finding(
                &RULE,
                &format!("{p}/metadata/imdsv2Required"),
                format!("node group `{}` allows IMDSv1", ng.name),
                "IMDSv1 allowed here",
            ));
        }
    }
    for (rp, region) in ctx.regions() {
        for (i, host) in region.hosts.iter().enumerate() {
            if !host.metadata.imdsv2_required {
                out.push(ctx.finding(
                    &RULE,
                    &format!("{rp}/hosts/{i}/metadata/imdsv2Required"),
                    format!("host `{}` allows IMDSv1", host.name),
                    "IMDSv1 allowed here",
                ));
            }
        }
    }
    out
}
