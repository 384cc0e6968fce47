//! Numbers the schema cannot bound: percentages, traffic dials, the health check settings AWS
//! and Cloudflare accept, port ranges, disruption budgets and scenario times.

use stratoform_diagnostics::{codes, Diagnostic};
use stratoform_spec::{ListenerProtocol, LoadBalancer, SecurityRule};

use super::Ctx;

/// Runs the range checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ai, ga) in p.edge.global_accelerators.iter().enumerate() {
        for (gi, g) in ga.endpoint_groups.iter().enumerate() {
            let gp = format!("/edge/globalAccelerators/{ai}/endpointGroups/{gi}");
            percent(ctx, &format!("{gp}/trafficDial"), "traffic dial", f64::from(g.traffic_dial));
            let hc = &g.health_check;
            if !matches!(hc.interval.as_millis(), 10_000 | 30_000) {
                ctx.error(
                    codes::HEALTH_CHECK,
                    &format!("{gp}/healthCheck/interval"),
                    format!("Global Accelerator checks every 10s or 30s, not every {}", hc.interval),
                    "not 10s or 30s",
                    "set `interval: 10s` or `interval: 30s`",
                );
            }
            if !(1..=10).contains(&hc.threshold) {
                ctx.error(
                    codes::HEALTH_CHECK,
                    &format!("{gp}/healthCheck/threshold"),
                    format!("Global Accelerator's threshold is 1 to 10 consecutive checks, not {}", hc.threshold),
                    "outside 1..=10",
                    "choose a threshold from 1 to 10",
                );
            }
        }
    }
    for (li, lb) in p.edge.cloudflare_load_balancers.iter().enumerate() {
        let m = &lb.monitor;
        if m.timeout >= m.interval {
            let mp = format!("/edge/cloudflareLoadBalancers/{li}/monitor");
            timeout_conflict(ctx, &mp, m.timeout.to_string(), m.interval.to_string());
        }
    }
    for (ri, r) in p.regions.iter().enumerate() {
        let rp = format!("/regions/{ri}");
        for (li, lb) in r.load_balancers.iter().enumerate() {
            load_balancer_health(ctx, &format!("{rp}/loadBalancers/{li}/healthCheck"), lb);
        }
        for (vi, vpc) in r.vpcs.iter().enumerate() {
            for (gi, sg) in vpc.security_groups.iter().enumerate() {
                let gp = format!("{rp}/vpcs/{vi}/securityGroups/{gi}");
                port_ranges(ctx, &format!("{gp}/ingress"), security_ports(&sg.ingress));
                port_ranges(ctx, &format!("{gp}/egress"), security_ports(sg.egress.as_deref().unwrap_or_default()));
            }
            if let Some(acls) = &vpc.network_acls {
                port_ranges(ctx, &format!("{rp}/vpcs/{vi}/networkAcls/rules"), acls.rules.iter().map(|r| (r.from_port, r.to_port)));
            }
        }
        for (hi, h) in r.hosts.iter().enumerate() {
            port_ranges(ctx, &format!("{rp}/hosts/{hi}/ingress"), security_ports(&h.ingress));
        }
        for (ci, c) in r.clusters.iter().enumerate() {
            let cp = format!("{rp}/clusters/{ci}");
            if let Some(a) = &c.autoscaler {
                percent(ctx, &format!("{cp}/autoscaler/scaleUpUtilization"), "scale-up utilisation", f64::from(a.scale_up_utilization));
                percent(ctx, &format!("{cp}/autoscaler/scaleDownUtilization"), "scale-down utilisation", f64::from(a.scale_down_utilization));
            }
            for (wi, w) in c.workloads.iter().enumerate() {
                let wp = format!("{cp}/workloads/{wi}");
                if let Some(share) = w.traffic_share
                    && !(0.0..=1.0).contains(&share) {
                        ctx.error(codes::OUT_OF_RANGE, &format!("{wp}/trafficShare"), format!("`trafficShare` is {share}, outside 0 to 1"), "not a share", "write the share as a fraction, such as `0.25` for a quarter");
                    }
                let Some(pdb) = &w.disruption_budget else { continue };
                let Some(min_available) = pdb.min_available else { continue };
                let most = w.autoscaling.as_ref().map_or(w.replicas, |a| a.max.max(w.replicas));
                if min_available > most {
                    ctx.push(
                        Diagnostic::error(
                            codes::MIN_MAX,
                            format!("workload `{}` must keep {min_available} pod(s) available but never runs more than {most}", w.name),
                        )
                        .with_path(ctx.path(&format!("{wp}/disruptionBudget/minAvailable")))
                        .with_span(ctx.span(&format!("{wp}/disruptionBudget/minAvailable")), "minimum available")
                        .with_secondary(ctx.span(&format!("{wp}/replicas")), "replicas")
                        .with_help("lower `minAvailable` below the replica count, or every node drain blocks"),
                    );
                }
            }
        }
    }
    if let Some(slo) = p.traffic.as_ref().and_then(|t| t.availability_slo)
        && !(slo > 0.0 && slo <= 100.0) {
            ctx.error(codes::OUT_OF_RANGE, "/traffic/availabilitySlo", format!("`availabilitySlo` is {slo}, not a percentage"), "not a percentage", "write the objective in percent, such as `99.9`");
        }
    for (si, s) in p.scenarios.iter().enumerate() {
        let sp = format!("/scenarios/{si}");
        percent(ctx, &format!("{sp}/spotShare"), "spot share", f64::from(s.spot_share));
        if s.at >= s.horizon {
            ctx.push(
                Diagnostic::error(codes::OUT_OF_RANGE, format!("scenario `{}` starts at {}, after its horizon of {}", s.name, s.at, s.horizon))
                    .with_path(ctx.path(&format!("{sp}/at")))
                    .with_span(ctx.span(&format!("{sp}/at")), "starts here")
                    .with_secondary(ctx.span(&format!("{sp}/horizon")), "simulation ends here")
                    .with_help("start the failure before `horizon`, or simulate longer"),
            );
        }
    }
}

fn percent(ctx: &mut Ctx<'_>, pointer: &str, what: &str, value: f64) {
    if !(0.0..=100.0).contains(&value) {
        ctx.error(codes::OUT_OF_RANGE, pointer, format!("the {what} is {value}%, above 100%"), "above 100", "use a percentage from 0 to 100");
    }
}

fn timeout_conflict(ctx: &mut Ctx<'_>, pointer: &str, timeout: String, interval: String) {
    ctx.push(
        Diagnostic::error(codes::HEALTH_CHECK, format!("a check's timeout ({timeout}) must be shorter than the interval between checks ({interval})"))
            .with_path(ctx.path(&format!("{pointer}/timeout")))
            .with_span(ctx.span(&format!("{pointer}/timeout")), "timeout")
            .with_secondary(ctx.span(&format!("{pointer}/interval")), "interval")
            .with_help("lower `timeout` or raise `interval`"),
    );
}

/// Target group health checks: thresholds 2 to 10, a timeout shorter than the interval.
fn load_balancer_health(ctx: &mut Ctx<'_>, pointer: &str, lb: &LoadBalancer) {
    let hc = &lb.health_check;
    let timeout = hc.timeout.as_secs();
    if !(2..=120).contains(&timeout) {
        ctx.error(
            codes::HEALTH_CHECK,
            &format!("{pointer}/timeout"),
            format!("target group health check `timeout` is {timeout}s; AWS accepts 2 to 120 seconds"),
            "outside 2s..=120s",
            "choose a timeout from 2s to 120s, shorter than the interval",
        );
    }
    let protocol = lb.health_check_protocol();
    if hc.matcher.is_some() && !matches!(protocol, ListenerProtocol::Http | ListenerProtocol::Https) {
        ctx.error(
            codes::HEALTH_CHECK,
            &format!("{pointer}/matcher"),
            format!("a `matcher` needs an HTTP or HTTPS health check; this one is {}", format!("{protocol:?}").to_uppercase()),
            "AWS rejects a matcher on a TCP check",
            "drop `matcher`, or set `protocol: HTTP` (or `HTTPS`) with a `path`",
        );
    }
    for (field, value) in [("healthyThreshold", hc.healthy_threshold), ("unhealthyThreshold", hc.unhealthy_threshold)] {
        if !(2..=10).contains(&value) {
            ctx.error(
                codes::HEALTH_CHECK,
                &format!("{pointer}/{field}"),
                format!("target group `{field}` is {value}; AWS accepts 2 to 10"),
                "outside 2..=10",
                "choose a value from 2 to 10",
            );
        }
    }
    if hc.timeout >= hc.interval {
        timeout_conflict(ctx, pointer, hc.timeout.to_string(), hc.interval.to_string());
    }
}

/// The ports of security group rules, as [`port_ranges`] takes them.
fn security_ports(rules: &[SecurityRule]) -> impl Iterator<Item = (u16, Option<u16>)> + '_ {
    rules.iter().map(|r| (r.from_port, r.to_port))
}

/// Reports rules (`fromPort`, `toPort`, in list order) whose range runs backwards.
fn port_ranges(ctx: &mut Ctx<'_>, pointer: &str, rules: impl Iterator<Item = (u16, Option<u16>)>) {
    for (i, (from, to)) in rules.enumerate() {
        let Some(to) = to else { continue };
        if from > to {
            let rp = format!("{pointer}/{i}");
            ctx.push(
                Diagnostic::error(codes::MIN_MAX, format!("port range {from}-{to} runs backwards"))
                    .with_path(ctx.path(&format!("{rp}/fromPort")))
                    .with_span(ctx.span(&format!("{rp}/fromPort")), "first port")
                    .with_secondary(ctx.span(&format!("{rp}/toPort")), "last port")
                    .with_help("swap `fromPort` and `toPort`"),
            );
        }
    }
}
