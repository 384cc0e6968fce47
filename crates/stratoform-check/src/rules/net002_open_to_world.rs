//! NET002: nothing but public load balancer listeners is open to 0.0.0.0/0.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::Scheme;

use crate::reach::{self, Reach};
use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "NET002",
    name: "open-to-the-internet",
    group: Group::Net,
    severity: Severity::Error,
    production_only: false,
    summary: "no security group admits 0.0.0.0/0 except an internet-facing load balancer's listeners",
    checks: "Inbound rules of `regions[].vpcs[].securityGroups[]` and `regions[].hosts[].ingress` must \
not admit the internet: `0.0.0.0/0`, `::/0` or any block shorter than /8 (IPv6: /16), whether written in \
`cidrs`, as a block in `sources`, or behind a `peering:<name>` source whose external peer is such a \
block. An `internal` load balancer's `allowedCidrs` must not either. Internet-facing load balancers may: \
that is their job, and their listeners are the only ports opened (NET008 checks which ports those are). \
Data stores' `allowedFrom` is NET006's; narrower public blocks that are still wide are NET007's.",
    why: "Anything reachable from the whole internet is scanned within minutes. Hosts belong behind a \
load balancer or reachable over the VPN; administrative ports (SSH, RDP, databases) never face the \
internet.",
    failing: "hosts:\n  - name: bastion\n    ingress:\n      - { fromPort: 22, cidrs: [0.0.0.0/0] }\n",
    fix: "Admit only the blocks or security groups that need the port, or put the service behind an \
internet-facing load balancer.",
    fixed: "hosts:\n  - name: bastion\n    ingress:\n      - { fromPort: 22, cidrs: [203.0.113.0/24] }\n",
    help: "replace `0.0.0.0/0` with the blocks or sources that need the port, or front it with a public load balancer",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (at, what, rule) in ctx.inbound_rules() {
        for (below, shown, _) in reach::rule_blocks(ctx.model, rule).into_iter().filter(|b| b.2 == Reach::Internet) {
            out.push(ctx.finding(&RULE, &format!("{at}/{below}"), format!("{what} admits {shown} on port {}", rule.from_port), "open to the internet"));
        }
    }
    for (rp, r) in ctx.regions() {
        for (li, lb) in r.load_balancers.iter().enumerate() {
            if lb.scheme != Scheme::Internal {
                continue;
            }
            for (c, cidr) in lb.allowed_cidrs.iter().flatten().enumerate() {
                if reach::reach(reach::v4(cidr)) == Reach::Internet {
                    out.push(ctx.finding(
                        &RULE,
                        &format!("{rp}/loadBalancers/{li}/allowedCidrs/{c}"),
                        format!("internal load balancer `{}` admits `{cidr}`", lb.name),
                        "open to the internet",
                    ));
                }
            }
        }
    }
    out
}
