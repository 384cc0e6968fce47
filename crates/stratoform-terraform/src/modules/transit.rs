//! `modules/transit`: a region's Transit Gateway with its VPC attachments (each in the subnets of
//! a named tier; they associate with and propagate to the default route table), and an AWS
//! Network Firewall per VPC that names one (a stateful domain allowlist for egress, its policy,
//! the firewall in its own tier, and the routes that send the VPC's internet traffic through its
//! endpoints). Peerings with other regions: `modules/transit-peering`.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The Transit Gateway's name; null for none.", Some(hcl::Expression::Null)),
        variable("amazon_side_asn", "number", "The private ASN for BGP.", Some(n(64512))),
        variable(
            "attachments",
            "map(object({ vpc_id = string, subnet_ids = list(string) }))",
            "VPC attachments by VPC name.",
            Some(obj::<&str>([])),
        ),
        variable(
            "firewalls",
            "map(object({ vpc_id = string, subnet_ids = list(string), allowed_domains = list(string), delete_protection = bool, kms_key_arn = string, log_retention_days = number, internet_gateway_id = string, public_subnets = map(object({ route_table_id = string, az = string, cidr = string })), firewall_subnets = map(object({ route_table_id = string, az = string })) }))",
            "Network Firewalls by name: the key that encrypts the firewall, its policy, its rules and its logs (it must admit CloudWatch Logs), the retention of its flow and alert logs, and the subnets it inspects: the public subnets (by key, with their route tables, zones and blocks), whose internet traffic goes through the endpoint of their zone, and its own subnets' route tables, which lead to the internet gateway.",
            Some(obj::<&str>([])),
        ),
    ];
    let main = vec![
        // Inspection routing: public subnets reach the internet through the firewall endpoint of
        // their zone, the firewall's subnets through the internet gateway, and the gateway's edge
        // route table returns each public subnet's traffic through the same endpoint, so both
        // directions of a flow pass one endpoint. The firewall sits between the public subnets
        // (NAT gateways, load balancers) and the internet: NAT hides the private subnets behind
        // addresses of the VPC, which the domain allowlist inspects as the VPC's own traffic, while
        // load balancers' traffic to the nodes stays inside the VPC.
        block(
            "locals",
            &[],
            vec![
                attr(
                    "firewall_endpoints",
                    ex("{ for k, fw in aws_networkfirewall_firewall.this : k => { for s in fw.firewall_status[0].sync_states : s.availability_zone => s.attachment[0].endpoint_id } }"),
                ),
                attr(
                    "firewall_routes",
                    ex(&[
                        r#"merge(concat([for k, fw in var.firewalls : { for sk, sn in fw.public_subnets : "${k}/${sk}" => { firewall = k, az = sn.az, route_table_id = sn.route_table_id, destination = "0.0.0.0/0", target = "endpoint" } }], "#,
                        r#"[for k, fw in var.firewalls : { for sk, sn in fw.firewall_subnets : "${k}/${sk}" => { firewall = k, az = sn.az, route_table_id = sn.route_table_id, destination = "0.0.0.0/0", target = "gateway" } }], "#,
                        r#"[for k, fw in var.firewalls : { for sk, sn in fw.public_subnets : "${k}/edge/${sk}" => { firewall = k, az = sn.az, route_table_id = aws_route_table.edge[k].id, destination = sn.cidr, target = "endpoint" } }])...)"#,
                    ]
                    .concat()),
                ),
            ],
        ),
        block(
            "resource",
            &["aws_ec2_transit_gateway", "this"],
            vec![
                attr("for_each", ex("var.name == null ? toset([]) : toset([var.name])")),
                attr("description", ex(r#""${each.key} connects the platform's VPCs""#)),
                attr("amazon_side_asn", ex("var.amazon_side_asn")),
                attr("default_route_table_association", s("enable")),
                attr("default_route_table_propagation", s("enable")),
                attr("tags", obj([("Name", ex("each.key"))])),
            ],
        ),
        block(
            "resource",
            &["aws_ec2_transit_gateway_vpc_attachment", "this"],
            vec![
                attr("for_each", ex("var.name == null ? {} : var.attachments")),
                attr("transit_gateway_id", ex("aws_ec2_transit_gateway.this[var.name].id")),
                attr("vpc_id", ex("each.value.vpc_id")),
                attr("subnet_ids", ex("each.value.subnet_ids")),
                attr("tags", obj([("Name", ex(r#""${var.name}-${each.key}""#))])),
            ],
        ),
        block(
            "resource",
            &["aws_networkfirewall_rule_group", "this"],
            vec![
                attr("for_each", ex("var.firewalls")),
                attr("name", ex(r#""${each.key}-egress-domains""#)),
                attr("type", s("STATEFUL")),
                attr("capacity", n(100)),
                block("encryption_configuration", &[], vec![attr("key_id", ex("each.value.kms_key_arn")), attr("type", s("CUSTOMER_KMS"))]),
                block(
                    "rule_group",
                    &[],
                    vec![block(
                        "rules_source",
                        &[],
                        vec![block(
                            "rules_source_list",
                            &[],
                            vec![
                                attr("generated_rules_type", s("ALLOWLIST")),
                                attr("target_types", strs(["TLS_SNI", "HTTP_HOST"])),
                                attr("targets", ex("each.value.allowed_domains")),
                            ],
                        )],
                    )],
                ),
            ],
        ),
        block(
            "resource",
            &["aws_networkfirewall_firewall_policy", "this"],
            vec![
                attr("for_each", ex("var.firewalls")),
                attr("name", ex("each.key")),
                block("encryption_configuration", &[], vec![attr("key_id", ex("each.value.kms_key_arn")), attr("type", s("CUSTOMER_KMS"))]),
                block(
                    "firewall_policy",
                    &[],
                    vec![
                        attr("stateless_default_actions", strs(["aws:forward_to_sfe"])),
                        attr("stateless_fragment_default_actions", strs(["aws:forward_to_sfe"])),
                        block(
                            "stateful_rule_group_reference",
                            &[],
                            vec![attr("resource_arn", ex("aws_networkfirewall_rule_group.this[each.key].arn"))],
                        ),
                    ],
                ),
            ],
        ),
        block(
            "resource",
            &["aws_networkfirewall_firewall", "this"],
            vec![
                attr("for_each", ex("var.firewalls")),
                attr("name", ex("each.key")),
                attr("vpc_id", ex("each.value.vpc_id")),
                attr("firewall_policy_arn", ex("aws_networkfirewall_firewall_policy.this[each.key].arn")),
                attr("delete_protection", ex("each.value.delete_protection")),
                block("encryption_configuration", &[], vec![attr("key_id", ex("each.value.kms_key_arn")), attr("type", s("CUSTOMER_KMS"))]),
                block(
                    "dynamic",
                    &["subnet_mapping"],
                    vec![attr("for_each", ex("each.value.subnet_ids")), block("content", &[], vec![attr("subnet_id", ex("subnet_mapping.value"))])],
                ),
            ],
        ),
        // The internet gateway's edge route table, for the return routes.
        block(
            "resource",
            &["aws_route_table", "edge"],
            vec![
                attr("for_each", ex("{ for k, fw in var.firewalls : k => fw if length(fw.public_subnets) > 0 }")),
                attr("vpc_id", ex("each.value.vpc_id")),
                attr("tags", obj([("Name", ex(r#""${each.key}-internet-edge""#))])),
            ],
        ),
        block(
            "resource",
            &["aws_route_table_association", "edge"],
            vec![
                attr("for_each", ex("aws_route_table.edge")),
                attr("gateway_id", ex("var.firewalls[each.key].internet_gateway_id")),
                attr("route_table_id", ex("each.value.id")),
            ],
        ),
        block(
            "resource",
            &["aws_route", "this"],
            vec![
                attr("for_each", ex("local.firewall_routes")),
                attr("route_table_id", ex("each.value.route_table_id")),
                attr("destination_cidr_block", ex("each.value.destination")),
                attr("gateway_id", ex(r#"each.value.target == "gateway" ? var.firewalls[each.value.firewall].internet_gateway_id : null"#)),
                attr("vpc_endpoint_id", ex(r#"each.value.target == "endpoint" ? local.firewall_endpoints[each.value.firewall][each.value.az] : null"#)),
            ],
        ),
        // Flow and alert logs of each firewall, in their own encrypted groups.
        block(
            "resource",
            &["aws_cloudwatch_log_group", "firewall"],
            vec![
                attr("for_each", ex(r#"{ for pair in setproduct(keys(var.firewalls), ["flow", "alert"]) : "${pair[0]}/${pair[1]}" => { firewall = pair[0], type = pair[1] } }"#)),
                attr("name", ex(r#""/aws/network-firewall/${each.value.firewall}/${each.value.type}""#)),
                attr("retention_in_days", ex("var.firewalls[each.value.firewall].log_retention_days")),
                attr("kms_key_id", ex("var.firewalls[each.value.firewall].kms_key_arn")),
            ],
        ),
        block(
            "resource",
            &["aws_networkfirewall_logging_configuration", "this"],
            vec![
                attr("for_each", ex("var.firewalls")),
                attr("firewall_arn", ex("aws_networkfirewall_firewall.this[each.key].arn")),
                block(
                    "logging_configuration",
                    &[],
                    vec![block(
                        "dynamic",
                        &["log_destination_config"],
                        vec![
                            attr("for_each", strs(["FLOW", "ALERT"])),
                            block(
                                "content",
                                &[],
                                vec![
                                    attr("log_destination_type", s("CloudWatchLogs")),
                                    attr("log_type", ex("log_destination_config.value")),
                                    attr(
                                        "log_destination",
                                        ex(r#"{ logGroup = aws_cloudwatch_log_group.firewall["${each.key}/${lower(log_destination_config.value)}"].name }"#),
                                    ),
                                ],
                            ),
                        ],
                    )],
                ),
            ],
        ),
    ];
    let outputs = vec![
        output("transit_gateway_id", "The Transit Gateway's ID.", ex("one([for v in aws_ec2_transit_gateway.this : v.id])")),
        output("route_table_id", "The Transit Gateway's default route table (attachments associate with and propagate to it).", ex("one([for v in aws_ec2_transit_gateway.this : v.association_default_route_table_id])")),
        output("firewall_arns", "Network Firewalls by name.", ex("{ for k, v in aws_networkfirewall_firewall.this : k => v.arn }")),
        output("firewall_endpoints", "Each Network Firewall's endpoint by zone.", ex("local.firewall_endpoints")),
    ];
    Module { name: "transit", aliases: &[], variables, main, outputs }
}
