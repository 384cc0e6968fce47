//! NET007: no public block wider than one organisation's egress where a narrow allowlist belongs.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::Scheme;

use crate::reach::{self, Reach};
use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "NET007",
    name: "wide-public-range",
    group: Group::Net,
    severity: Severity::Warning,
    production_only: false,
    summary: "allowlists name public blocks no wider than /16 (IPv6: /48)",
    checks: "Public blocks (outside RFC 1918, RFC 6598 and IPv6 `fc00::/7`) with a prefix shorter than /16 \
(IPv6: /48) in the inbound rules of `regions[].vpcs[].securityGroups[]` and `regions[].hosts[].ingress` \
(`cidrs`, blocks in `sources`, external peers behind `peering:<name>`), in a public EKS endpoint's \
`endpoint.publicAccessCidrs` and in an `internal` load balancer's `allowedCidrs`. Blocks wider than /8 \
(IPv6: /16) are the internet and reported as errors by NET002 and SEC004; data stores are NET006's.",
    why: "An allowlist exists to name the few networks that need a port: an office, the VPN, a CI fleet. \
None of them needs more than a /16. A wider public block is a whole provider or country, mostly other \
people's machines: a cloud region's address space, for one, lets any customer of that cloud in.",
    failing: "hosts:\n  - name: bastion\n    ingress:\n      - { fromPort: 22, cidrs: [52.0.0.0/10] }\n",
    fix: "List the egress addresses of the networks that need the port, or reach it over the VPN, SSM or a \
peering instead.",
    fixed: "hosts:\n  - name: bastion\n    ingress:\n      - { fromPort: 22, cidrs: [203.0.113.0/24] }\n",
    help: "narrow the block to the egress addresses that need access (a /16 or smaller)",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut flag = |at: String, message: String| out.push(ctx.finding(&RULE, &at, message, "wide public range"));
    for (at, what, rule) in ctx.inbound_rules() {
        for (below, shown, _) in reach::rule_blocks(ctx.model, rule).into_iter().filter(|b| b.2 == Reach::WidePublic) {
            flag(format!("{at}/{below}"), format!("{what} admits wide public block {shown} on port {}", rule.from_port));
        }
    }
    for (cp, _, c) in ctx.clusters() {
        if !c.endpoint.public {
            continue;
        }
        for (i, cidr) in c.endpoint.public_access_cidrs.iter().enumerate() {
            if reach::reach(reach::v4(cidr)) == Reach::WidePublic {
                let at = format!("{cp}/endpoint/publicAccessCidrs/{i}");
                flag(at, format!("cluster `{}` allows its public API endpoint from wide public block `{cidr}`", c.name));
            }
        }
    }
    for (rp, r) in ctx.regions() {
        for (li, lb) in r.load_balancers.iter().enumerate().filter(|(_, lb)| lb.scheme == Scheme::Internal) {
            for (k, cidr) in lb.allowed_cidrs.iter().flatten().enumerate() {
                if reach::reach(reach::v4(cidr)) == Reach::WidePublic {
                    flag(format!("{rp}/loadBalancers/{li}/allowedCidrs/{k}"), format!("internal load balancer `{}` admits wide public block `{cidr}`", lb.name));
                }
            }
        }
    }
    out
}
