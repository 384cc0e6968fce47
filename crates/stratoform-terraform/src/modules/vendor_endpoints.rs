//! `modules/vendor-endpoints`: interface VPC endpoints to SaaS vendors' endpoint services
//! (MongoDB Atlas over PrivateLink), each in the private subnets of its VPC with a security group
//! of its own that admits only the vendor's port range over TCP from the VPC's block.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![variable(
        "endpoints",
        "map(object({ vpc_id = string, vpc_cidr = string, subnet_ids = list(string), service_name = string, from_port = number, to_port = number }))",
        "Endpoints by name: the VPC and its block, the subnets of the endpoint's interfaces, the vendor's endpoint service and its TCP port range.",
        None,
    )];
    let main = vec![
        block(
            "resource",
            &["aws_security_group", "this"],
            vec![
                attr("for_each", ex("var.endpoints")),
                attr("name", ex(r#""${each.key}-endpoint""#)),
                attr("description", ex(r#""Interface endpoint ${each.key}: ports ${each.value.from_port}-${each.value.to_port} from the VPC""#)),
                attr("vpc_id", ex("each.value.vpc_id")),
                attr("tags", obj([("Name", ex(r#""${each.key}-endpoint""#))])),
            ],
        ),
        // The endpoint's interfaces only answer; they need no egress rule.
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "this"],
            vec![
                attr("for_each", ex("var.endpoints")),
                attr("security_group_id", ex("aws_security_group.this[each.key].id")),
                attr("description", s("The vendor's port range from inside the VPC")),
                attr("ip_protocol", s("tcp")),
                attr("from_port", ex("each.value.from_port")),
                attr("to_port", ex("each.value.to_port")),
                attr("cidr_ipv4", ex("each.value.vpc_cidr")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_endpoint", "this"],
            vec![
                attr("for_each", ex("var.endpoints")),
                attr("vpc_id", ex("each.value.vpc_id")),
                attr("service_name", ex("each.value.service_name")),
                attr("vpc_endpoint_type", s("Interface")),
                attr("subnet_ids", ex("each.value.subnet_ids")),
                attr("security_group_ids", ex("[aws_security_group.this[each.key].id]")),
                // The vendor's connection strings resolve to the endpoint's addresses; a vendor
                // service has no private DNS name of its own.
                attr("private_dns_enabled", false),
                attr("tags", obj([("Name", ex("each.key"))])),
            ],
        ),
    ];
    let outputs = vec![
        output("ids", "Endpoint IDs by name (the vendor registers them on its side).", ex("{ for k, v in aws_vpc_endpoint.this : k => v.id }")),
        output("dns_names", "The endpoints' regional DNS names by name.", ex("{ for k, v in aws_vpc_endpoint.this : k => v.dns_entry[0].dns_name }")),
        output("security_group_ids", "The endpoints' security groups by name.", ex("{ for k, v in aws_security_group.this : k => v.id }")),
    ];
    Module { name: "vendor-endpoints", aliases: &[], variables, main, outputs }
}
