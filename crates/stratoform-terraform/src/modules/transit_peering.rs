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
    // Everything after the acceptance iterates over the accepter, so routes exist only once the
    // peering is accepted.
    let accepted = "keys(aws_ec2_transit_gateway_peering_attachment_accepter.this)";
    let routes = |provider: Option<&str>, label: &str, rt: &str, cidrs: &str, tgw: &str| {
        let mut body = Vec::new();
        if let Some(p) = provider {
            body.push(attr("provider", ex(p)));
        }
        body.push(attr(
            "for_each",
            ex(&format!(
                r#"{{ for t in setproduct({accepted}, range(length(var.{rt})), var.{cidrs}) : "${{t[1]}}/${{t[2]}}" => {{ route_table_id = var.{rt}[t[1]], cidr = t[2] }} }}"#
            )),
        ));
        body.push(attr("route_table_id", ex("each.value.route_table_id")));
        body.push(attr("destination_cidr_block", ex("each.value.cidr")));
        body.push(attr("transit_gateway_id", ex(&format!("var.{tgw}"))));
        block_owned("resource", vec!["aws_route".into(), label.into()], body)
    };
    let gateway_routes = |provider: Option<&str>, label: &str, cidrs: &str, table: &str| {
        let mut body = Vec::new();
        if let Some(p) = provider {
            body.push(attr("provider", ex(p)));
        }
        body.push(attr(
            "for_each",
            ex(&format!(r#"{{ for t in setproduct({accepted}, var.{cidrs}) : t[1] => aws_ec2_transit_gateway_peering_attachment_accepter.this[t[0]].transit_gateway_attachment_id }}"#)),
        ));
        body.push(attr("destination_cidr_block", ex("each.key")));
        body.push(attr("transit_gateway_attachment_id", ex("each.value")));
        body.push(attr("transit_gateway_route_table_id", ex(&format!("var.{table}"))));
        block_owned("resource", vec!["aws_ec2_transit_gateway_route".into(), label.into()], body)
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
                attr("for_each", ex("{ peering = aws_ec2_transit_gateway_peering_attachment.this.id }")),
                attr("transit_gateway_attachment_id", ex("each.value")),
                // The same tags on both sides: they describe one attachment.
                attr("tags", obj([("Name", ex("var.name"))])),
            ],
        ),
        gateway_routes(None, "this", "peer_cidrs", "route_table_id"),
        gateway_routes(Some("aws.peer"), "peer", "cidrs", "peer_route_table_id"),
        routes(None, "this", "vpc_route_table_ids", "peer_cidrs", "transit_gateway_id"),
        routes(Some("aws.peer"), "peer", "peer_vpc_route_table_ids", "cidrs", "peer_transit_gateway_id"),
    ];
    let outputs = vec![output("attachment_id", "The peering attachment's ID.", ex("aws_ec2_transit_gateway_peering_attachment.this.id"))];
    Module { name: "transit-peering", aliases: &["peer"], variables, main, outputs }
}
