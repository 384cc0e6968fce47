//! `modules/edge`: AWS Global Accelerators in front of the regions' load balancers — listeners,
//! one endpoint group per region with its traffic dial, health checks and weighted endpoints.
//! The Global Accelerator API lives in us-west-2; the calling stack passes that provider.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable(
            "accelerators",
            "map(object({ ip_address_type = string, listeners = map(object({ protocol = string, ports = list(number), client_affinity = string })), endpoint_groups = map(object({ region = string, traffic_dial = number, health_check_protocol = string, health_check_port = number, health_check_path = optional(string), health_check_interval = number, threshold = number, endpoints = list(object({ arn = string, weight = number, client_ip_preservation = bool })) })) }))",
            "Accelerators by name; endpoint groups are keyed `<listener>/<region>`.",
            Some(obj::<&str>([])),
        ),
    ];
    let main = vec![
        block(
            "locals",
            &[],
            vec![
                attr("listeners", ex(r#"merge([for a, v in var.accelerators : { for l, lv in v.listeners : "${a}/${l}" => merge(lv, { accelerator = a }) }]...)"#)),
                attr("groups", ex(r#"merge([for a, v in var.accelerators : { for g, gv in v.endpoint_groups : "${a}/${g}" => merge(gv, { listener = "${a}/${split("/", g)[0]}" }) }]...)"#)),
            ],
        ),
        block(
            "resource",
            &["aws_globalaccelerator_accelerator", "this"],
            vec![
                attr("for_each", ex("var.accelerators")),
                attr("name", ex("each.key")),
                attr("ip_address_type", ex("each.value.ip_address_type")),
                attr("enabled", true),
            ],
        ),
        block(
            "resource",
            &["aws_globalaccelerator_listener", "this"],
            vec![
                attr("for_each", ex("local.listeners")),
                attr("accelerator_arn", ex("aws_globalaccelerator_accelerator.this[each.value.accelerator].id")),
                attr("protocol", ex("each.value.protocol")),
                attr("client_affinity", ex("each.value.client_affinity")),
                block(
                    "dynamic",
                    &["port_range"],
                    vec![
                        attr("for_each", ex("each.value.ports")),
                        block("content", &[], vec![attr("from_port", ex("port_range.value")), attr("to_port", ex("port_range.value"))]),
                    ],
                ),
            ],
        ),
        block(
            "resource",
            &["aws_globalaccelerator_endpoint_group", "this"],
            vec![
                attr("for_each", ex("local.groups")),
                attr("listener_arn", ex("aws_globalaccelerator_listener.this[each.value.listener].id")),
                attr("endpoint_group_region", ex("each.value.region")),
                attr("traffic_dial_percentage", ex("each.value.traffic_dial")),
                attr("health_check_protocol", ex("each.value.health_check_protocol")),
                attr("health_check_port", ex("each.value.health_check_port")),
                attr("health_check_path", ex("each.value.health_check_path")),
                attr("health_check_interval_seconds", ex("each.value.health_check_interval")),
                attr("threshold_count", ex("each.value.threshold")),
                block(
                    "dynamic",
                    &["endpoint_configuration"],
                    vec![
                        attr("for_each", ex("each.value.endpoints")),
                        block(
                            "content",
                            &[],
                            vec![
                                attr("endpoint_id", ex("endpoint_configuration.value.arn")),
                                attr("weight", ex("endpoint_configuration.value.weight")),
                                attr("client_ip_preservation_enabled", ex("endpoint_configuration.value.client_ip_preservation")),
                            ],
                        ),
                    ],
                ),
            ],
        ),
    ];
    let outputs = vec![
        output("dns_names", "Accelerator DNS names by name.", ex("{ for k, v in aws_globalaccelerator_accelerator.this : k => v.dns_name }")),
        output("ip_addresses", "Static addresses by accelerator.", ex("{ for k, v in aws_globalaccelerator_accelerator.this : k => flatten(v.ip_sets[*].ip_addresses) }")),
    ];
    Module { name: "edge", aliases: &[], variables, main, outputs }
}
