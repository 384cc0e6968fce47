//! NET006: no data store admits the internet, or public address space, through `allowedFrom`.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::reach::{self, Reach};
use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "NET006",
    name: "data-store-open-to-the-internet",
    group: Group::Net,
    severity: Severity::Error,
    production_only: false,
    summary: "databases, caches, DocumentDB clusters and file systems admit only private address space",
    checks: "Every entry of `allowedFrom` on `regions[].databases[]`, `caches[]`, `documentDbs[]` and \
`fileSystems[]` that stands for a block: a CIDR (IPv4 or IPv6), or `peering:<name>` of an external peer \
(its `peer.cidr`). An **error** when the block reaches the internet: `0.0.0.0/0`, `::/0`, or any IPv4 \
block shorter than /8 (IPv6: /16). A **warning** for any other block outside private address space \
(RFC 1918 `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`; RFC 6598 `100.64.0.0/10`; IPv6 `fc00::/7`), \
however narrow. Named sources (`cluster:`, `host:`, a security group, a peering between the platform's own \
VPCs) pass.",
    why: "Each block becomes an inbound rule on the store's port (5432 or 3306, 6379 or 11211, 27017, 2049). Data \
stores hold what an attacker is after, and NFS checks no credential at all; once a route or a public \
subnet appears, that rule is all that stands between the store and the internet. The clients of a data \
store are workloads, hosts and peered networks, which all have private addresses, so a public block in \
`allowedFrom` is a mistake or a client that should come through a peering or the VPN.",
    failing: "databases:\n  - name: orders\n    engine: auroraPostgresql\n    version: \"16.4\"\n    instanceClass: db.r6g.large\n    allowedFrom: [\"0.0.0.0/0\"]\n",
    fix: "Name the clients (`cluster:<name>`, `host:<name>`, a security group, `peering:<name>`), or give \
the private block of the network they connect from.",
    fixed: "databases:\n  - name: orders\n    engine: auroraPostgresql\n    version: \"16.4\"\n    instanceClass: db.r6g.large\n    allowedFrom: [\"cluster:main\", \"10.20.0.0/16\"]\n",
    help: "admit the clients by name (`cluster:`, `host:`, a security group, `peering:`) or by their private block",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for store in ctx.model.data_stores() {
        for (i, source) in store.allowed_from.iter().enumerate() {
            let Some(block) = reach::source_block(ctx.model, source) else { continue };
            let at = format!("{}/allowedFrom/{i}", store.pointer);
            let what = format!("{} `{}`", store.kind.title(), store.name);
            let shown = reach::shown(source, block);
            match reach::reach(block) {
                Reach::Internet => out.push(ctx.finding(
                    &RULE,
                    &at,
                    format!("{what} admits {shown} on port {}", store.port),
                    "open to the internet",
                )),
                Reach::WidePublic | Reach::Public => out.push(ctx.finding_with(
                    &RULE,
                    Severity::Warning,
                    &at,
                    format!("{what} admits public block {shown} on port {}", store.port),
                    "public address space",
                )),
                Reach::Private => {}
            }
        }
    }
    out
}
