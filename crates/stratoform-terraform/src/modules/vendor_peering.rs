//! `modules/vendor-peering`: VPC peering requested to a SaaS vendor's VPC (Redis Cloud, MongoDB
//! Atlas), which the vendor accepts on its side, with routes from the named tiers to its block.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![variable(
        "peerings",
        "map(object({ vpc_id = string, route_table_ids = list(string), peer_vpc_id = string, peer_cidr = string, peer_account_id = optional(string), peer_region = string }))",
        "Peerings by name.",
        None,
    )];
    let main = vec![
        block(
            "locals",
            &[],
            vec![attr(
                "routes",
                ex(r#"merge([for p, v in var.peerings : { for i in range(length(v.route_table_ids)) : "${p}/${i}" => { peering = p, route_table_id = v.route_table_ids[i], cidr = v.peer_cidr } }]...)"#),
            )],
        ),
        block(
            "resource",
            &["aws_vpc_peering_connection", "this"],
            vec![
                attr("for_each", ex("var.peerings")),
                attr("vpc_id", ex("each.value.vpc_id")),
                attr("peer_vpc_id", ex("each.value.peer_vpc_id")),
                attr("peer_owner_id", ex("each.value.peer_account_id")),
                attr("peer_region", ex("each.value.peer_region")),
                attr("tags", obj([("Name", ex("each.key"))])),
            ],
        ),
        block(
            "resource",
            &["aws_route", "this"],
            vec![
                attr("for_each", ex("local.routes")),
                attr("route_table_id", ex("each.value.route_table_id")),
                attr("destination_cidr_block", ex("each.value.cidr")),
                attr("vpc_peering_connection_id", ex("aws_vpc_peering_connection.this[each.value.peering].id")),
            ],
        ),
    ];
    let outputs = vec![output("ids", "Peering connection IDs by name (the vendor accepts them).", ex("{ for k, v in aws_vpc_peering_connection.this : k => v.id }"))];
    Module { name: "vendor-peering", aliases: &[], variables, main, outputs }
}
