//! REL006: failover health checks fast enough for the stated recovery time.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "REL006",
    name: "failover-detection-vs-rto",
    group: Group::Rel,
    severity: Severity::Error,
    production_only: false,
    summary: "the edge's health checks detect a failed region within `review.rto`",
    checks: "When `review.rto` is set: for every Cloudflare load balancer, detection takes \
at worst `monitor.interval + (monitor.retries + 1) × monitor.timeout` (the failure lands just after a \
check, and the next check fails after its immediate retries each time out); for every Global \
Accelerator endpoint group, `healthCheck.threshold × healthCheck.interval + healthCheck.timeout` \
(consecutive failed checks). The same derivation feeds the docs and `simulate`. Detection alone must \
fit in the RTO, before any traffic moves.",
    why: "Recovery time starts with noticing the failure. A 60-second monitor with two retries and a \
5-second timeout needs up to 75 seconds to call a region dead; if the objective is one minute, the design fails before DNS or \
Anycast even begin to move traffic.",
    failing: "review:\n  rto: 1m\nedge:\n  cloudflareLoadBalancers:\n    - name: api\n      monitor: { path: /health, interval: 60s, timeout: 5s, retries: 2, expectedCodes: \"200\" }\n",
    fix: "Shorten the interval or lower the retries until detection fits, or state the RTO the design \
really meets.",
    fixed: "review:\n  rto: 1m\nedge:\n  cloudflareLoadBalancers:\n    - name: api\n      monitor: { path: /health, interval: 30s, timeout: 5s, retries: 2, expectedCodes: \"200\" }\n",
    help: "shorten the health check interval or retries so detection fits in `review.rto`",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(rto) = &ctx.model.review().rto else { return out };
    let budget = rto.as_secs_f64();
    let edge = ctx.model.edge();
    for (i, lb) in edge.cloudflare_load_balancers.iter().enumerate() {
        let m = &lb.monitor;
        let detect = stratoform_model::failover::cloudflare_detection(m.interval, m.timeout, m.retries).worst_s;
        if detect > budget {
            out.push(
                ctx.finding(
                    &RULE,
                    &format!("/edge/cloudflareLoadBalancers/{i}/monitor"),
                    format!(
                        "Cloudflare load balancer `{}` needs up to {}s to detect a failed origin ({} + ({} + 1) × {}), more than the RTO of {rto}",
                        lb.name, detect, m.interval, m.retries, m.timeout
                    ),
                    "detection too slow",
                )
                .with_secondary(ctx.span("/review/rto"), "the objective"),
            );
        }
    }
    for (i, ga) in edge.global_accelerators.iter().enumerate() {
        for (j, g) in ga.endpoint_groups.iter().enumerate() {
            let h = &g.health_check;
            let detect = stratoform_model::failover::accelerator_detection(h.interval, h.threshold, h.timeout).worst_s;
            if detect > budget {
                out.push(
                    ctx.finding(
                        &RULE,
                        &format!("/edge/globalAccelerators/{i}/endpointGroups/{j}/healthCheck"),
                        format!(
                            "accelerator `{}` needs up to {}s to detect a failed endpoint in `{}` ({} × {}{}), more than the RTO of {rto}",
                            ga.name,
                            detect,
                            g.region,
                            h.threshold,
                            h.interval,
                            h.timeout.map(|t| format!(" + {t}")).unwrap_or_default()
                        ),
                        "detection too slow",
                    )
                    .with_secondary(ctx.span("/review/rto"), "the objective"),
                );
            }
        }
    }
    out
}
