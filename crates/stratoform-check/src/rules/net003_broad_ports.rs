//! NET003: security group rules open only the ports they need.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::{Protocol, SecurityRule};

use crate::{Context, Group, Rule};

/// The widest port range a rule may open without a finding.
pub const MAX_RANGE: u32 = 1024;

/// The rule.
pub const RULE: Rule = Rule {
    id: "NET003",
    name: "broad-port-range",
    group: Group::Net,
    severity: Severity::Warning,
    production_only: false,
    summary: "security group rules name a protocol and a narrow port range",
    checks: "Inbound rules of `regions[].vpcs[].securityGroups[]` and `regions[].hosts[].ingress` with \
`protocol: all`, or with a port range (`fromPort`..`toPort`) wider than 1024 ports.",
    why: "A rule that opens every port to a source also opens whatever starts listening later: debug \
endpoints, admin consoles, exporters. Naming the port documents why the rule exists.",
    failing: "securityGroups:\n  - name: tools\n    description: Internal tools\n    ingress:\n      - { protocol: all, fromPort: 0, sources: [cluster:main] }\n",
    fix: "Open the ports the service listens on.",
    fixed: "securityGroups:\n  - name: tools\n    description: Internal tools\n    ingress:\n      - { fromPort: 8443, sources: [cluster:main] }\n",
    help: "name the protocol and the ports the service listens on",
    run,
};

fn broad(rule: &SecurityRule) -> Option<String> {
    if rule.protocol == Protocol::All {
        return Some("every protocol and port".into());
    }
    let to = rule.to_port.unwrap_or(rule.from_port);
    let width = u32::from(to).saturating_sub(u32::from(rule.from_port)) + 1;
    (width > MAX_RANGE && rule.protocol != Protocol::Icmp).then(|| format!("{width} ports ({}-{to})", rule.from_port))
}

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (rp, r) in ctx.regions() {
        for (vi, vpc) in r.vpcs.iter().enumerate() {
            for (si, sg) in vpc.security_groups.iter().enumerate() {
                for (k, rule) in sg.ingress.iter().enumerate() {
                    if let Some(what) = broad(rule) {
                        out.push(ctx.finding(
                            &RULE,
                            &format!("{rp}/vpcs/{vi}/securityGroups/{si}/ingress/{k}"),
                            format!("security group `{}` opens {what}", sg.name),
                            "too broad",
                        ));
                    }
                }
            }
        }
        for (hi, h) in r.hosts.iter().enumerate() {
            for (k, rule) in h.ingress.iter().enumerate() {
                if let Some(what) = broad(rule) {
                    out.push(ctx.finding(&RULE, &format!("{rp}/hosts/{hi}/ingress/{k}"), format!("host `{}` opens {what}", h.name), "too broad"));
                }
            }
        }
    }
    out
}
