//! The health checks of the target groups of Terraform-managed load balancers, with their
//! defaults applied and only the settings AWS accepts for the check's protocol.

use stratoform_spec::{ListenerProtocol, LoadBalancer};

/// The path of an HTTP(S) check the spec gives none for.
pub const DEFAULT_HEALTH_PATH: &str = "/healthz";
/// The codes of a healthy HTTP(S) answer the spec gives none for.
pub const DEFAULT_HEALTH_MATCHER: &str = "200";

/// A target group's `health_check` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetHealthCheck {
    /// `TCP`, `HTTP` or `HTTPS`.
    pub protocol: &'static str,
    /// The port, or `traffic-port`.
    pub port: String,
    /// The path (HTTP and HTTPS checks only).
    pub path: Option<String>,
    /// Seconds between checks.
    pub interval: u64,
    /// Seconds without an answer that fail a check.
    pub timeout: u64,
    /// Consecutive successes to be healthy.
    pub healthy_threshold: u32,
    /// Consecutive failures to be unhealthy.
    pub unhealthy_threshold: u32,
    /// The HTTP codes of a healthy answer (HTTP and HTTPS checks only: AWS rejects a matcher on
    /// a TCP check).
    pub matcher: Option<String>,
}

/// The health check of a load balancer's target groups.
pub fn target_health_check(lb: &LoadBalancer) -> TargetHealthCheck {
    let hc = &lb.health_check;
    let protocol = match lb.health_check_protocol() {
        ListenerProtocol::Https => "HTTPS",
        ListenerProtocol::Http => "HTTP",
        // AWS checks TLS and UDP targets over TCP.
        ListenerProtocol::Tcp | ListenerProtocol::Tls | ListenerProtocol::Udp => "TCP",
    };
    let http = protocol != "TCP";
    TargetHealthCheck {
        protocol,
        port: hc.port.map_or_else(|| "traffic-port".to_owned(), |p| p.to_string()),
        path: http.then(|| hc.path.clone().unwrap_or_else(|| DEFAULT_HEALTH_PATH.to_owned())),
        interval: hc.interval.as_secs(),
        timeout: hc.timeout.as_secs(),
        healthy_threshold: hc.healthy_threshold,
        unhealthy_threshold: hc.unhealthy_threshold,
        matcher: http.then(|| hc.matcher.clone().unwrap_or_else(|| DEFAULT_HEALTH_MATCHER.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lb(kind: &str, hc: serde_json::Value) -> LoadBalancer {
        serde_json::from_value(serde_json::json!({"name": "api", "type": kind, "listeners": [{"port": 443, "protocol": "TCP"}], "healthCheck": hc}))
            .expect("a load balancer")
    }

    #[test]
    fn http_checks_keep_their_timeout_and_matcher() {
        let got = target_health_check(&lb("alb", serde_json::json!({"protocol": "HTTP", "path": "/health", "interval": "30s", "timeout": "5s", "matcher": "200-299"})));
        assert_eq!((got.protocol, got.path.as_deref(), got.timeout, got.matcher.as_deref()), ("HTTP", Some("/health"), 5, Some("200-299")));
        let defaults = target_health_check(&lb("alb", serde_json::json!({})));
        assert_eq!((defaults.path.as_deref(), defaults.matcher.as_deref(), defaults.port.as_str()), (Some("/healthz"), Some("200"), "traffic-port"));
    }

    #[test]
    fn tcp_checks_keep_their_timeout_but_get_no_matcher_or_path() {
        let got = target_health_check(&lb("nlb", serde_json::json!({"port": 9506, "timeout": "5s"})));
        assert_eq!((got.protocol, got.port.as_str(), got.timeout), ("TCP", "9506", 5));
        assert_eq!((got.path, got.matcher), (None, None));
    }
}
