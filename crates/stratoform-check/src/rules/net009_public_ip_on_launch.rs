//! NET009: public subnets do not hand every instance a public IP address.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "NET009",
    name: "public-ip-on-launch",
    group: Group::Net,
    severity: Severity::Warning,
    production_only: false,
    summary: "public subnets do not give every instance launched in them a public IP address",
    checks: "No subnet tier (`regions[].vpcs[].subnets.<tier>`) sets `mapPublicIpOnLaunch: true`. Load \
balancers and NAT gateways get their public addresses without it.",
    why: "With the setting on, any instance that lands in the tier (a node group or host pointed at the \
wrong tier, a one-off test machine) is reachable from the internet as far as its security groups allow, \
with an address nobody asked for and no record of why. A host that needs a public address should get an \
Elastic IP of its own, which the spec names and the review sees.",
    failing: "subnets:\n  public: { type: public, newbits: 8, netnum: 0, mapPublicIpOnLaunch: true }\n",
    fix: "Remove `mapPublicIpOnLaunch`; give the hosts that need it an Elastic IP, or reach them through a \
load balancer, SSM or the VPN.",
    fixed: "subnets:\n  public: { type: public, newbits: 8, netnum: 0 }\n",
    help: "remove `mapPublicIpOnLaunch: true`; public addresses belong to the load balancers and hosts that need them",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (rp, region) in ctx.regions() {
        for (vi, vpc) in region.vpcs.iter().enumerate() {
            for (name, tier) in vpc.subnets.iter().filter(|(_, t)| t.map_public_ip_on_launch == Some(true)) {
                out.push(ctx.finding(
                    &RULE,
                    &format!("{rp}/vpcs/{vi}/subnets/{name}/mapPublicIpOnLaunch"),
                    format!("subnet tier `{name}` of VPC `{}` gives every instance a public IP address", vpc.name),
                    if tier.kind == stratoform_spec::SubnetKind::Public { "public IPs on launch" } else { "not even a public tier" },
                ));
            }
        }
    }
    out
}
