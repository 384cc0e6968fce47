//! SEC004: a private EKS endpoint, or a public one with an explicit allowlist.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::reach::{self, Reach};
use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "SEC004",
    name: "eks-endpoint-access",
    group: Group::Sec,
    severity: Severity::Error,
    production_only: false,
    summary: "the EKS API endpoint is private, or public only to an explicit CIDR allowlist",
    checks: "For every cluster with `endpoint.public: true`: `endpoint.publicAccessCidrs` must be set and \
must not contain `0.0.0.0/0` (or any block shorter than /8). Public blocks that are narrower but still \
wide (shorter than /16) are NET007's warnings. A cluster with neither a private nor a public \
endpoint is also reported.",
    why: "A public endpoint open to the internet exposes the Kubernetes API to credential stuffing and to \
every future authentication bug; an allowlist of the office, VPN and CI egress addresses removes that \
surface at no cost.",
    failing: "endpoint:\n  private: true\n  public: true\n  publicAccessCidrs: [0.0.0.0/0]\n",
    fix: "Keep the endpoint private and reach it over the VPN or through the VPC, or list the few blocks \
that need it.",
    fixed: "endpoint:\n  private: true\n  public: true\n  publicAccessCidrs: [203.0.113.0/24]\n",
    help: "set `endpoint.public: false`, or list only the blocks that need the API in `endpoint.publicAccessCidrs`",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (cp, _, c) in ctx.clusters() {
        let e = &c.endpoint;
        if !e.private && !e.public {
            out.push(ctx.finding(&RULE, &format!("{cp}/endpoint"), format!("cluster `{}` has no reachable API endpoint", c.name), "neither private nor public"));
            continue;
        }
        if !e.public {
            continue;
        }
        if e.public_access_cidrs.is_empty() {
            out.push(ctx.finding(
                &RULE,
                &format!("{cp}/endpoint/public"),
                format!("cluster `{}` has a public API endpoint open to the internet", c.name),
                "public without an allowlist",
            ));
        }
        for (i, cidr) in e.public_access_cidrs.iter().enumerate() {
            if reach::reach(reach::v4(cidr)) == Reach::Internet {
                out.push(ctx.finding(
                    &RULE,
                    &format!("{cp}/endpoint/publicAccessCidrs/{i}"),
                    format!("cluster `{}` allows its public API endpoint from `{cidr}`", c.name),
                    "too broad",
                ));
            }
        }
    }
    out
}
