//! `modules/network`: one VPC with its subnets keyed by name, internet gateway, NAT gateways with
//! Elastic IPs (none, single or per zone), a route table per subnet, gateway and interface
//! endpoints, flow logs to CloudWatch Logs, network ACLs per tier and the spec's extra security
//! groups.

use crate::dsl::*;
use crate::modules::{name_tag, service_trust, Module};

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The VPC's name; prefixes every resource name.", None),
        variable("cidr", "string", "The VPC's IPv4 block.", None),
        variable(
            "subnets",
            "map(object({ cidr = string, az = string, tier = string, kind = string, tags = map(string), map_public_ip = optional(bool, false) }))",
            "Subnets keyed `<tier>-<zone>`: block, zone, tier name and kind (public, private, database or intra), and whether instances launched in it get a public IPv4 address.",
            None,
        ),
        variable("nat_mode", "string", "NAT gateways: none, single (in the first zone) or perAz.", Some(s("single"))),
        variable("internet_gateway", "bool", "Whether the VPC gets an internet gateway.", Some(true.into())),
        variable("gateway_endpoints", "list(string)", "Gateway endpoint services (s3, dynamodb), routed from every non-public subnet.", Some(list([]))),
        variable("interface_endpoints", "list(string)", "Interface endpoint service suffixes (ecr.api, ecr.dkr, sts, ...), with private DNS.", Some(list([]))),
        variable("endpoint_tier", "string", "The tier whose subnets hold the interface endpoints.", Some(s("private"))),
        variable(
            "flow_logs",
            "object({ enabled = bool, traffic = string, retention_days = number })",
            "Flow logs to CloudWatch Logs: traffic captured (ALL, ACCEPT or REJECT) and retention.",
            Some(obj([("enabled", true.into()), ("traffic", s("ALL")), ("retention_days", n(90))])),
        ),
        variable("flow_logs_kms_key_arn", "string", "The KMS key of the flow log group; null leaves it to CloudWatch Logs' own encryption.", Some(hcl::Expression::Null)),
        variable(
            "internet_via_firewall",
            "bool",
            "Whether a Network Firewall inspects the VPC's internet traffic: the public subnets' default route then goes through its endpoints (`modules/transit` writes it).",
            Some(false.into()),
        ),
        variable(
            "network_acls",
            "map(object({ name = string, ingress = list(object({ rule_no = number, action = string, protocol = string, cidr_block = string, from_port = number, to_port = number, icmp_type = optional(number), icmp_code = optional(number) })), egress = list(object({ rule_no = number, action = string, protocol = string, cidr_block = string, from_port = number, to_port = number, icmp_type = optional(number), icmp_code = optional(number) })) }))",
            "Network ACLs by tier, each associated with every subnet of its tier; a tier not listed keeps the VPC's default ACL.",
            Some(obj::<&str>([])),
        ),
        variable("security_groups", "map(string)", "Extra security groups by name, with their descriptions.", Some(obj::<&str>([]))),
        variable(
            "security_group_rules",
            "map(object({ group = string, direction = string, protocol = string, from_port = number, to_port = number, cidr = optional(string), source_group = optional(string), description = string }))",
            "Rules of the extra security groups, one per source: protocol `-1` means every protocol.",
            Some(obj::<&str>([])),
        ),
    ];

    let main = vec![
        block("data", &["aws_region", "current"], vec![]),
        block(
            "locals",
            &[],
            vec![
                attr("public_subnets", ex(r#"{ for k, v in var.subnets : k => v if v.kind == "public" }"#)),
                attr("private_subnets", ex(r#"{ for k, v in var.subnets : k => v if v.kind == "private" }"#)),
                attr("public_azs", ex("sort(distinct([for v in values(local.public_subnets) : v.az]))")),
                attr(
                    "nat_azs",
                    ex(r#"var.nat_mode == "none" || length(local.public_azs) == 0 ? [] : (var.nat_mode == "perAz" ? local.public_azs : slice(local.public_azs, 0, 1))"#),
                ),
                attr("nat_subnets", ex("{ for az in local.nat_azs : az => sort([for k, v in local.public_subnets : k if v.az == az])[0] }")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc", "this"],
            vec![
                attr("cidr_block", ex("var.cidr")),
                attr("enable_dns_support", true),
                attr("enable_dns_hostnames", true),
                name_tag("var.name"),
            ],
        ),
        // The VPC's default security group keeps no rules, so nothing falls back to it.
        block(
            "resource",
            &["aws_default_security_group", "this"],
            vec![attr("vpc_id", ex("aws_vpc.this.id")), attr("tags", obj([("Name", ex(r#""${var.name}-default-no-rules""#))]))],
        ),
        block(
            "resource",
            &["aws_internet_gateway", "this"],
            vec![attr("count", ex("var.internet_gateway ? 1 : 0")), attr("vpc_id", ex("aws_vpc.this.id")), name_tag("var.name")],
        ),
        block(
            "resource",
            &["aws_subnet", "this"],
            vec![
                attr("for_each", ex("var.subnets")),
                attr("vpc_id", ex("aws_vpc.this.id")),
                attr("cidr_block", ex("each.value.cidr")),
                attr("availability_zone", ex("each.value.az")),
                attr("map_public_ip_on_launch", ex("each.value.map_public_ip")),
                attr("tags", ex(r#"merge(each.value.tags, { Name = "${var.name}-${each.key}", Tier = each.value.tier })"#)),
            ],
        ),
        block(
            "resource",
            &["aws_eip", "nat"],
            vec![attr("for_each", ex("local.nat_subnets")), attr("domain", s("vpc")), name_tag(r#""${var.name}-nat-${each.key}""#)],
        ),
        block(
            "resource",
            &["aws_nat_gateway", "this"],
            vec![
                attr("for_each", ex("local.nat_subnets")),
                attr("allocation_id", ex("aws_eip.nat[each.key].id")),
                attr("subnet_id", ex("aws_subnet.this[each.value].id")),
                name_tag(r#""${var.name}-${each.key}""#),
                attr("depends_on", ex("[aws_internet_gateway.this]")),
            ],
        ),
        block(
            "resource",
            &["aws_route_table", "this"],
            vec![attr("for_each", ex("var.subnets")), attr("vpc_id", ex("aws_vpc.this.id")), name_tag(r#""${var.name}-${each.key}""#)],
        ),
        block(
            "resource",
            &["aws_route_table_association", "this"],
            vec![
                attr("for_each", ex("var.subnets")),
                attr("subnet_id", ex("aws_subnet.this[each.key].id")),
                attr("route_table_id", ex("aws_route_table.this[each.key].id")),
            ],
        ),
        block(
            "resource",
            &["aws_route", "internet"],
            vec![
                attr("for_each", ex("var.internet_gateway && !var.internet_via_firewall ? local.public_subnets : {}")),
                attr("route_table_id", ex("aws_route_table.this[each.key].id")),
                attr("destination_cidr_block", s("0.0.0.0/0")),
                attr("gateway_id", ex("aws_internet_gateway.this[0].id")),
            ],
        ),
        block(
            "resource",
            &["aws_route", "nat"],
            vec![
                attr("for_each", ex("length(local.nat_azs) == 0 ? {} : local.private_subnets")),
                attr("route_table_id", ex("aws_route_table.this[each.key].id")),
                attr("destination_cidr_block", s("0.0.0.0/0")),
                // Each zone's private subnets use their own zone's gateway when there is one.
                attr("nat_gateway_id", ex("aws_nat_gateway.this[contains(local.nat_azs, each.value.az) ? each.value.az : local.nat_azs[0]].id")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_endpoint", "gateway"],
            vec![
                attr("for_each", ex("toset(var.gateway_endpoints)")),
                attr("vpc_id", ex("aws_vpc.this.id")),
                attr("service_name", ex(r#""com.amazonaws.${data.aws_region.current.name}.${each.key}""#)),
                attr("vpc_endpoint_type", s("Gateway")),
                attr("route_table_ids", ex(r#"[for k, v in var.subnets : aws_route_table.this[k].id if v.kind != "public"]"#)),
                name_tag(r#""${var.name}-${each.key}""#),
            ],
        ),
        block(
            "resource",
            &["aws_security_group", "endpoints"],
            vec![
                attr("count", ex("length(var.interface_endpoints) > 0 ? 1 : 0")),
                attr("name", ex(r#""${var.name}-endpoints""#)),
                attr("description", s("HTTPS from the VPC to its interface endpoints")),
                attr("vpc_id", ex("aws_vpc.this.id")),
                name_tag(r#""${var.name}-endpoints""#),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "endpoints"],
            vec![
                attr("count", ex("length(var.interface_endpoints) > 0 ? 1 : 0")),
                attr("security_group_id", ex("aws_security_group.endpoints[0].id")),
                attr("description", s("HTTPS from the VPC")),
                attr("ip_protocol", s("tcp")),
                attr("from_port", n(443)),
                attr("to_port", n(443)),
                attr("cidr_ipv4", ex("var.cidr")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_endpoint", "interface"],
            vec![
                attr("for_each", ex("toset(var.interface_endpoints)")),
                attr("vpc_id", ex("aws_vpc.this.id")),
                attr("service_name", ex(r#""com.amazonaws.${data.aws_region.current.name}.${each.key}""#)),
                attr("vpc_endpoint_type", s("Interface")),
                attr("private_dns_enabled", true),
                attr("subnet_ids", ex("[for k, v in var.subnets : aws_subnet.this[k].id if v.tier == var.endpoint_tier]")),
                attr("security_group_ids", ex("[aws_security_group.endpoints[0].id]")),
                name_tag(r#""${var.name}-${each.key}""#),
            ],
        ),
        block(
            "resource",
            &["aws_cloudwatch_log_group", "flow_logs"],
            vec![
                attr("count", ex("var.flow_logs.enabled ? 1 : 0")),
                attr("name", ex(r#""/aws/vpc/${var.name}/flow-logs""#)),
                attr("retention_in_days", ex("var.flow_logs.retention_days")),
                attr("kms_key_id", ex("var.flow_logs_kms_key_arn")),
            ],
        ),
        block(
            "resource",
            &["aws_iam_role", "flow_logs"],
            vec![
                attr("count", ex("var.flow_logs.enabled ? 1 : 0")),
                // IAM names are global: the region keeps two regions' VPCs of one name apart.
                attr("name", ex(r#""${var.name}-${data.aws_region.current.name}-flow-logs""#)),
                attr("assume_role_policy", service_trust("vpc-flow-logs.amazonaws.com")),
            ],
        ),
        block(
            "resource",
            &["aws_iam_role_policy", "flow_logs"],
            vec![
                attr("count", ex("var.flow_logs.enabled ? 1 : 0")),
                attr("name", s("flow-logs")),
                attr("role", ex("aws_iam_role.flow_logs[0].id")),
                attr(
                    "policy",
                    call(
                        "jsonencode",
                        [obj([
                            ("Version", s("2012-10-17")),
                            (
                                "Statement",
                                list([obj([
                                    ("Effect", s("Allow")),
                                    ("Action", strs(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"])),
                                    ("Resource", ex(r#""${aws_cloudwatch_log_group.flow_logs[0].arn}:*""#)),
                                ])]),
                            ),
                        ])],
                    ),
                ),
            ],
        ),
        block(
            "resource",
            &["aws_flow_log", "this"],
            vec![
                attr("count", ex("var.flow_logs.enabled ? 1 : 0")),
                attr("vpc_id", ex("aws_vpc.this.id")),
                attr("traffic_type", ex("var.flow_logs.traffic")),
                attr("log_destination_type", s("cloud-watch-logs")),
                attr("log_destination", ex("aws_cloudwatch_log_group.flow_logs[0].arn")),
                attr("iam_role_arn", ex("aws_iam_role.flow_logs[0].arn")),
                name_tag(r#""${var.name}-flow-logs""#),
            ],
        ),
        block(
            "resource",
            &["aws_network_acl", "this"],
            vec![
                attr("for_each", ex("var.network_acls")),
                attr("vpc_id", ex("aws_vpc.this.id")),
                acl_rules("ingress"),
                acl_rules("egress"),
                name_tag("each.value.name"),
            ],
        ),
        block(
            "resource",
            &["aws_network_acl_association", "this"],
            vec![
                attr("for_each", ex("{ for k, v in var.subnets : k => v if contains(keys(var.network_acls), v.tier) }")),
                attr("network_acl_id", ex("aws_network_acl.this[each.value.tier].id")),
                attr("subnet_id", ex("aws_subnet.this[each.key].id")),
            ],
        ),
        block(
            "resource",
            &["aws_security_group", "extra"],
            vec![
                attr("for_each", ex("var.security_groups")),
                attr("name", ex(r#""${var.name}-${each.key}""#)),
                attr("description", ex("each.value")),
                attr("vpc_id", ex("aws_vpc.this.id")),
                name_tag(r#""${var.name}-${each.key}""#),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "extra"],
            rule_body("ingress"),
        ),
        block(
            "resource",
            &["aws_vpc_security_group_egress_rule", "extra"],
            rule_body("egress"),
        ),
    ];

    let outputs = vec![
        output("vpc_id", "The VPC's ID.", ex("aws_vpc.this.id")),
        output("vpc_cidr", "The VPC's block.", ex("aws_vpc.this.cidr_block")),
        output("subnet_ids", "Subnet IDs by key (`<tier>-<zone>`).", ex("{ for k, v in aws_subnet.this : k => v.id }")),
        output(
            "tier_subnet_ids",
            "Subnet IDs by tier, in zone order.",
            ex("{ for tier in distinct([for v in values(var.subnets) : v.tier]) : tier => [for k, v in var.subnets : aws_subnet.this[k].id if v.tier == tier] }"),
        ),
        output(
            "tier_route_table_ids",
            "Route table IDs by tier.",
            ex("{ for tier in distinct([for v in values(var.subnets) : v.tier]) : tier => [for k, v in var.subnets : aws_route_table.this[k].id if v.tier == tier] }"),
        ),
        output("route_table_ids", "Route table IDs by subnet key (`<tier>-<zone>`).", ex("{ for k, v in aws_route_table.this : k => v.id }")),
        output("internet_gateway_id", "The internet gateway's ID, or null.", ex("one(aws_internet_gateway.this[*].id)")),
        output("nat_public_ips", "The NAT gateways' public addresses by zone.", ex("{ for k, v in aws_eip.nat : k => v.public_ip }")),
        output("network_acl_ids", "Network ACL IDs by tier.", ex("{ for k, v in aws_network_acl.this : k => v.id }")),
        output("security_group_ids", "The extra security groups' IDs by name.", ex("{ for k, v in aws_security_group.extra : k => v.id }")),
    ];
    Module { name: "network", aliases: &[], variables, main, outputs }
}

/// The `ingress` or `egress` rules of a tier's ACL, one block per rule.
fn acl_rules(direction: &str) -> hcl::structure::Structure {
    let field = |k: &str| attr(k, ex(&format!("{direction}.value.{k}")));
    block(
        "dynamic",
        &[direction],
        vec![
            attr("for_each", ex(&format!("each.value.{direction}"))),
            block(
                "content",
                &[],
                ["rule_no", "action", "protocol", "cidr_block", "from_port", "to_port", "icmp_type", "icmp_code"].into_iter().map(field).collect(),
            ),
        ],
    )
}

fn rule_body(direction: &str) -> Vec<hcl::structure::Structure> {
    vec![
        attr("for_each", ex(&format!(r#"{{ for k, v in var.security_group_rules : k => v if v.direction == "{direction}" }}"#))),
        attr("security_group_id", ex("aws_security_group.extra[each.value.group].id")),
        attr("description", ex("each.value.description")),
        attr("ip_protocol", ex("each.value.protocol")),
        attr("from_port", ex(r#"each.value.protocol == "-1" ? null : each.value.from_port"#)),
        attr("to_port", ex(r#"each.value.protocol == "-1" ? null : each.value.to_port"#)),
        attr("cidr_ipv4", ex("each.value.cidr")),
        attr("referenced_security_group_id", ex("each.value.source_group == null ? null : aws_security_group.extra[each.value.source_group].id")),
    ]
}
