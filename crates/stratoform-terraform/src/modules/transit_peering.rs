//! `modules/transit-peering`: a Transit Gateway peering across regions of the platform — the
//! peering attachment requested from one gateway (provider `aws`), accepted on the other
//! (provider `aws.peer`), a static route on each gateway's route table to the other region's
//! blocks (peering attachments do not propagate routes), and routes from each side's VPC route
//! tables to the other side's blocks through their own gateway.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let side = |who: &str| {
        vec![
            variable(&format!("{who}transit_gateway_id"), "string", &format!("The {} Transit Gateway.", if who.is_empty() { "requesting" } else { "accepting" }), None),
            variable(&format!("{who}route_table_id"), "string", "Its route table that the attached VPCs use.", None),
            variable(&format!("{who}cidrs"), "list(string)", "The blocks of the VPCs attached to it.", None),
            variable(&format!("{who}vpc_route_table_ids"), "list(string)", "Route tables of those VPCs that get routes to the other side.", None),
        ]
    };
    let mut variables = vec![
        variable("name", "string", "The peering's name.", None),
        variable("peer_region", "string", "The accepting gateway's region.", None),
    ];
    variables.extend(side(""));
    variables.extend(side("peer_"));
    let routes = |provider: Option<&str>, label: &str, rt: &str, cidrs: &str, tgw: &str| {
        let mut body = Vec::new();
        if let Some(p) = provider {
            body.push(attr("provider", ex(p)));
        }
        body.push(attr(
            "for_each",
            ex(&format!(r#"{{ for pair in setproduct(range(length(var.{rt})), var.{cidrs}) : "${{pair[0]}}/${{pair[1]}}" => {{ route_table_id = var.{rt}[pair[0]], cidr = pair[1] }} }}"#)),
        ));
        body.push(attr("route_table_id", ex("each.value.route_table_id")));
        body.push(attr("destination_cidr_block", ex("each.value.cidr")));
        body.push(attr("transit_gateway_id", ex(&format!("var.{tgw}"))));
        body.push(attr("depends_on", ex("[aws_ec2_transit_gateway_peering_attachment_accepter.this]")));
        block_owned("resource", vec!["aws_route".into(), label.into()], body)
    };
    let main = vec![
        block(
            "resource",
            &["aws_ec2_transit_gateway_peering_attachment", "this"],
            vec![
                attr("transit_gateway_id", ex("var.transit_gateway_id")),
                attr("peer_transit_gateway_id", ex("var.peer_transit_gateway_id")),
                attr("peer_region", ex("var.peer_region")),
                attr("tags", obj([("Name", ex("var.name"))])),
            ],
        ),
        block(
            "resource",
            &["aws_ec2_transit_gateway_peering_attachment_accepter", "this"],
            vec![
                attr("provider", ex("aws.peer")),
                attr("transit_gateway_attachment_id", ex("aws_ec2_transit_gateway_peering_attachment.this.id")),
                // The same tags on both sides: they describe one attachment.
                attr("tags", obj([("Name", ex("var.name"))])),
            ],
        ),
        block(
            "resource",
            &["aws_ec2_transit_gateway_route", "this"],
            vec![
                attr("for_each", ex("toset(var.peer_cidrs)")),
                attr("destination_cidr_block", ex("each.key")),
                attr("transit_gateway_attachment_id", ex("aws_ec2_transit_gateway_peering_attachment_accepter.this.transit_gateway_attachment_id")),
                attr("transit_gateway_route_table_id", ex("var.route_table_id")),
            ],
        ),
        block(
            "resource",
            &["aws_ec2_transit_gateway_route", "peer"],
            vec![
                attr("provider", ex("aws.peer")),
                attr("for_each", ex("toset(var.cidrs)")),
                attr("destination_cidr_block", ex("each.key")),
                attr("transit_gateway_attachment_id", ex("aws_ec2_transit_gateway_peering_attachment_accepter.this.transit_gateway_attachment_id")),
                attr("transit_gateway_route_table_id", ex("var.peer_route_table_id")),
            ],
        ),
        routes(None, "this", "vpc_route_table_ids", "peer_cidrs", "transit_gateway_id"),
        routes(Some("aws.peer"), "peer", "peer_vpc_route_table_ids", "cidrs", "peer_transit_gateway_id"),
    ];
    let outputs = vec![output("attachment_id", "The peering attachment's ID.", ex("aws_ec2_transit_gateway_peering_attachment_accepter.this.transit_gateway_attachment_id"))];
    Module { name: "transit-peering", aliases: &["peer"], variables, main, outputs }
}
