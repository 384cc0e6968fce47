//! NET002: nothing but public load balancer listeners is open to 0.0.0.0/0.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::{Scheme, SecurityRule};

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
not list `0.0.0.0/0` (or any block shorter than /8); an `internal` load balancer's `allowedCidrs` must not \
either. Internet-facing load balancers may: that is their job, and their listeners are the only ports \
opened.",
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

fn world(rule: &SecurityRule) -> Option<usize> {
    rule.cidrs.iter().position(|c| c.prefix_len() < 8)
}

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (rp, r) in ctx.regions() {
        for (vi, vpc) in r.vpcs.iter().enumerate() {
            for (si, sg) in vpc.security_groups.iter().enumerate() {
                for (k, rule) in sg.ingress.iter().enumerate() {
                    if let Some(c) = world(rule) {
                        out.push(ctx.finding(
                            &RULE,
                            &format!("{rp}/vpcs/{vi}/securityGroups/{si}/ingress/{k}/cidrs/{c}"),
                            format!("security group `{}` admits `{}` on port {}", sg.name, rule.cidrs[c], rule.from_port),
                            "open to the internet",
                        ));
                    }
                }
            }
        }
        for (hi, h) in r.hosts.iter().enumerate() {
            for (k, rule) in h.ingress.iter().enumerate() {
                if let Some(c) = world(rule) {
                    out.push(ctx.finding(
                        &RULE,
                        &format!("{rp}/hosts/{hi}/ingress/{k}/cidrs/{c}"),
                        format!("host `{}` admits `{}` on port {}", h.name, rule.cidrs[c], rule.from_port),
                        "open to the internet",
                    ));
                }
            }
        }
        for (li, lb) in r.load_balancers.iter().enumerate() {
            if lb.scheme != Scheme::Internal {
                continue;
            }
            for (c, cidr) in lb.allowed_cidrs.iter().flatten().enumerate() {
                if cidr.prefix_len() < 8 {
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
