//! `modules/load-balancing`: one NLB or ALB with its security group, listeners (TLS/HTTPS with
//! an ACM certificate and a TLS 1.3 policy) and IP target groups with health checks, plus the
//! ACM certificates of the region with DNS validation in Route 53.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The load balancer's name (32 characters at most).", None),
        variable("type", "string", "network or application.", None),
        variable("internal", "bool", "Internal (true) or internet-facing.", Some(true.into())),
        variable("vpc_id", "string", "The VPC.", None),
        variable("subnet_ids", "list(string)", "Subnets of the load balancer.", None),
        variable("allowed_cidrs", "list(string)", "Blocks allowed to reach the listeners.", None),
        variable("cross_zone", "bool", "Cross-zone load balancing.", Some(true.into())),
        variable("deletion_protection", "bool", "Deletion protection.", Some(false.into())),
        variable(
            "listeners",
            "map(object({ port = number, protocol = string, certificate_arn = optional(string), ssl_policy = optional(string), target_port = number }))",
            "Listeners by key, each forwarding to its own IP target group.",
            None,
        ),
        variable(
            "health_check",
            "object({ protocol = string, port = string, path = optional(string), interval = number, timeout = number, healthy_threshold = number, unhealthy_threshold = number, matcher = optional(string) })",
            "Target health checks; `path` and `matcher` only for HTTP and HTTPS checks (AWS rejects a matcher on a TCP check).",
            None,
        ),
    ];
    let main = vec![
        block(
            "locals",
            &[],
            vec![
                attr("target_protocols", obj([("TLS", s("TCP")), ("HTTPS", s("HTTP")), ("TCP", s("TCP")), ("UDP", s("UDP")), ("HTTP", s("HTTP"))])),
                attr("ingress", ex(r#"merge([for k, l in var.listeners : { for c in var.allowed_cidrs : "${k}/${c}" => { port = l.port, cidr = c, protocol = l.protocol == "UDP" ? "udp" : "tcp" } }]...)"#)),
            ],
        ),
        block(
            "resource",
            &["aws_security_group", "this"],
            vec![
                attr("name", ex(r#""${var.name}-lb""#)),
                attr("description", ex(r#""Listeners of ${var.name}""#)),
                attr("vpc_id", ex("var.vpc_id")),
                attr("tags", obj([("Name", ex(r#""${var.name}-lb""#))])),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "listeners"],
            vec![
                attr("for_each", ex("local.ingress")),
                attr("security_group_id", ex("aws_security_group.this.id")),
                attr("description", ex(r#""Listener ${each.value.port}""#)),
                attr("ip_protocol", ex("each.value.protocol")),
                attr("from_port", ex("each.value.port")),
                attr("to_port", ex("each.value.port")),
                attr("cidr_ipv4", ex("each.value.cidr")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_egress_rule", "targets"],
            vec![
                attr("security_group_id", ex("aws_security_group.this.id")),
                attr("description", s("To targets in the VPC")),
                attr("ip_protocol", s("-1")),
                attr("cidr_ipv4", ex("data.aws_vpc.this.cidr_block")),
            ],
        ),
        block("data", &["aws_vpc", "this"], vec![attr("id", ex("var.vpc_id"))]),
        block(
            "resource",
            &["aws_lb", "this"],
            vec![
                attr("name", ex("var.name")),
                attr("load_balancer_type", ex("var.type")),
                attr("internal", ex("var.internal")),
                attr("subnets", ex("var.subnet_ids")),
                attr("security_groups", ex("[aws_security_group.this.id]")),
                attr("enable_cross_zone_load_balancing", ex("var.cross_zone")),
                attr("enable_deletion_protection", ex("var.deletion_protection")),
                attr("drop_invalid_header_fields", ex(r#"var.type == "application" ? true : null"#)),
            ],
        ),
        block(
            "resource",
            &["aws_lb_target_group", "this"],
            vec![
                attr("for_each", ex("var.listeners")),
                attr("name", ex(r#"substr("${var.name}-${each.key}", 0, 32)"#)),
                attr("port", ex("each.value.target_port")),
                attr("protocol", ex("local.target_protocols[each.value.protocol]")),
                attr("target_type", s("ip")),
                attr("vpc_id", ex("var.vpc_id")),
                block(
                    "health_check",
                    &[],
                    vec![
                        attr("protocol", ex("var.health_check.protocol")),
                        attr("port", ex("var.health_check.port")),
                        attr("path", ex("var.health_check.path")),
                        attr("interval", ex("var.health_check.interval")),
                        attr("timeout", ex("var.health_check.timeout")),
                        attr("healthy_threshold", ex("var.health_check.healthy_threshold")),
                        attr("unhealthy_threshold", ex("var.health_check.unhealthy_threshold")),
                        attr("matcher", ex("var.health_check.matcher")),
                    ],
                ),
            ],
        ),
        block(
            "resource",
            &["aws_lb_listener", "this"],
            vec![
                attr("for_each", ex("var.listeners")),
                attr("load_balancer_arn", ex("aws_lb.this.arn")),
                attr("port", ex("each.value.port")),
                attr("protocol", ex("each.value.protocol")),
                attr("certificate_arn", ex("each.value.certificate_arn")),
                attr("ssl_policy", ex(r#"contains(["TLS", "HTTPS"], each.value.protocol) ? coalesce(each.value.ssl_policy, "ELBSecurityPolicy-TLS13-1-2-2021-06") : null"#)),
                block(
                    "default_action",
                    &[],
                    vec![attr("type", s("forward")), attr("target_group_arn", ex("aws_lb_target_group.this[each.key].arn"))],
                ),
            ],
        ),
    ];
    let outputs = vec![
        output("arn", "The load balancer's ARN.", ex("aws_lb.this.arn")),
        output("dns_name", "The load balancer's DNS name.", ex("aws_lb.this.dns_name")),
        output("zone_id", "The load balancer's hosted zone, for alias records.", ex("aws_lb.this.zone_id")),
        output("target_group_arns", "Target groups by listener key (for TargetGroupBindings).", ex("{ for k, v in aws_lb_target_group.this : k => v.arn }")),
    ];
    Module { name: "load-balancing", aliases: &[], variables, main, outputs }
}
