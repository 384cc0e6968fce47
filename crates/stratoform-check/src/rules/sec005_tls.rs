//! SEC005: TLS 1.2 or later on every listener and connection.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::ListenerProtocol;

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "SEC005",
    name: "tls-1-2-minimum",
    group: Group::Sec,
    severity: Severity::Error,
    production_only: false,
    summary: "TLS listeners use a policy with TLS 1.2 or later; SaaS connections accept nothing older; caches encrypt in transit",
    checks: "The `sslPolicy` of every `TLS` and `HTTPS` listener of `regions[].loadBalancers[]` (the \
default, `ELBSecurityPolicy-TLS13-1-2-2021-06`, passes), and the `tlsVersions` of \
`regions[].externalDatabases[]`, and the version of every Memcached cache of `regions[].caches[]` \
(ElastiCache serves Memcached over TLS from 1.6.12 on; Redis OSS and Valkey always use TLS). A policy passes when its name says its minimum is TLS 1.2 or 1.3 \
(`TLS13-1-2`, `TLS13-1-3`, `TLS-1-2`, `FS-1-2`); the older named policies \
(`ELBSecurityPolicy-2016-08`, `ELBSecurityPolicy-TLS-1-1-2017-01`, ...) accept TLS 1.0 or 1.1.",
    why: "TLS 1.0 and 1.1 are deprecated (RFC 8996), lack modern AEAD cipher suites and fail PCI DSS; \
every client stratoform's platforms serve speaks TLS 1.2. A Memcached release before 1.6.12 sends every \
key and value in clear text across the VPC.",
    failing: "listeners:\n  - port: 443\n    protocol: TLS\n    certificate: wildcard\n    sslPolicy: ELBSecurityPolicy-2016-08\n",
    fix: "Use a TLS 1.2+ policy, or drop `sslPolicy` for the default.",
    fixed: "listeners:\n  - port: 443\n    protocol: TLS\n    certificate: wildcard\n    sslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06\n",
    help: "use `ELBSecurityPolicy-TLS13-1-2-2021-06` (the default) or another TLS 1.2+ policy",
    run,
};

/// Whether an ELB security policy's minimum protocol is TLS 1.2 or later.
pub fn modern_policy(name: &str) -> bool {
    ["TLS13-1-2", "TLS13-1-3", "TLS-1-2", "FS-1-2"].iter().any(|m| name.contains(m))
}

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (rp, r) in ctx.regions() {
        for (i, lb) in r.load_balancers.iter().enumerate() {
            for (j, l) in lb.listeners.iter().enumerate() {
                if !matches!(l.protocol, ListenerProtocol::Tls | ListenerProtocol::Https) {
                    continue;
                }
                if let Some(policy) = &l.ssl_policy
                    && !modern_policy(policy) {
                        out.push(ctx.finding(
                            &RULE,
                            &format!("{rp}/loadBalancers/{i}/listeners/{j}/sslPolicy"),
                            format!("listener {} of load balancer `{}` uses `{policy}`, which accepts TLS below 1.2", l.port, lb.name),
                            "accepts TLS 1.0/1.1",
                        ));
                    }
            }
        }
        for (i, db) in r.external_databases.iter().enumerate() {
            for (j, v) in db.tls_versions.iter().enumerate() {
                if matches!(v.as_str(), "1.0" | "1.1" | "1" | "1.0.0") {
                    out.push(ctx.finding(
                        &RULE,
                        &format!("{rp}/externalDatabases/{i}/tlsVersions/{j}"),
                        format!("external database `{}` accepts TLS {v}", db.name),
                        "below TLS 1.2",
                    ));
                }
            }
        }
    }
    for (rp, r) in ctx.regions() {
        for (i, c) in r.caches.iter().enumerate() {
            if !stratoform_model::caches::shape(c).transit_encryption {
                out.push(
                    ctx.finding(&RULE, &format!("{rp}/caches/{i}/version"), format!("Memcached cache `{}` runs {}, which ElastiCache serves without TLS", c.name, c.version), "before 1.6.12")
                        .with_help("choose Memcached 1.6.12 or later, such as `1.6.22`, which stratoform renders with encryption in transit"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn policies() {
        assert!(super::modern_policy("ELBSecurityPolicy-TLS13-1-2-2021-06"));
        assert!(super::modern_policy("ELBSecurityPolicy-TLS-1-2-Ext-2018-06"));
        assert!(super::modern_policy("ELBSecurityPolicy-FS-1-2-Res-2020-10"));
        assert!(!super::modern_policy("ELBSecurityPolicy-2016-08"));
        assert!(!super::modern_policy("ELBSecurityPolicy-TLS-1-1-2017-01"));
        assert!(!super::modern_policy("ELBSecurityPolicy-TLS13-1-1-2021-06"));
    }
}
