//! `modules/peering`: one VPC peering connection requested from this region's VPC and accepted
//! in the peer's region (provider `aws.peer`), with routes on both sides. The accepter carries the
//! requester's tags so both sides describe one connection the same way.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The connection's name.", None),
        variable("vpc_id", "string", "The requester VPC.", None),
        variable("vpc_cidr", "string", "The requester VPC's block.", None),
        variable("route_table_ids", "list(string)", "Requester route tables that get a route to the peer.", None),
        variable("peer_vpc_id", "string", "The accepter VPC.", None),
        variable("peer_cidr", "string", "The accepter VPC's block.", None),
        variable("peer_region", "string", "The accepter's region.", None),
        variable("peer_account_id", "string", "The accepter's account, for a vendor's VPC; null for this account.", Some(hcl::Expression::Null)),
        variable("peer_route_table_ids", "list(string)", "Accepter route tables that get a route back (this platform's VPCs only).", Some(list([]))),
        variable("accept", "bool", "Accept the request here (false for a vendor's VPC, which accepts on its side).", Some(true.into())),
    ];
    let main = vec![
        block("locals", &[], vec![attr("tags", obj([("Name", ex("var.name"))]))]),
        block(
            "resource",
            &["aws_vpc_peering_connection", "this"],
            vec![
                attr("vpc_id", ex("var.vpc_id")),
                attr("peer_vpc_id", ex("var.peer_vpc_id")),
                attr("peer_region", ex("var.peer_region")),
                attr("peer_owner_id", ex("var.peer_account_id")),
                attr("tags", ex("local.tags")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_peering_connection_accepter", "this"],
            vec![
                attr("count", ex("var.accept ? 1 : 0")),
                attr("provider", ex("aws.peer")),
                attr("vpc_peering_connection_id", ex("aws_vpc_peering_connection.this.id")),
                attr("auto_accept", true),
                attr("tags", ex("local.tags")),
            ],
        ),
        block(
            "resource",
            &["aws_route", "to_peer"],
            vec![
                attr("count", ex("length(var.route_table_ids)")),
                attr("route_table_id", ex("var.route_table_ids[count.index]")),
                attr("destination_cidr_block", ex("var.peer_cidr")),
                attr("vpc_peering_connection_id", ex("aws_vpc_peering_connection.this.id")),
            ],
        ),
        block(
            "resource",
            &["aws_route", "from_peer"],
            vec![
                attr("count", ex("length(var.peer_route_table_ids)")),
                attr("provider", ex("aws.peer")),
                attr("route_table_id", ex("var.peer_route_table_ids[count.index]")),
                attr("destination_cidr_block", ex("var.vpc_cidr")),
                attr("vpc_peering_connection_id", ex("aws_vpc_peering_connection.this.id")),
                attr("depends_on", ex("[aws_vpc_peering_connection_accepter.this]")),
            ],
        ),
    ];
    let outputs = vec![output("id", "The peering connection's ID.", ex("aws_vpc_peering_connection.this.id"))];
    Module { name: "peering", aliases: &["peer"], variables, main, outputs }
}
