//! `modules/dns`: Route 53 zones (public, or private with their VPC associations), records
//! (literal or aliases of load balancers), the NS records that delegate sub-zones, and HTTPS
//! health checks.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("zones", "map(object({ comment = string }))", "Public hosted zones by domain.", Some(obj::<&str>([]))),
        variable(
            "private_zones",
            "map(object({ comment = string, vpc_id = string, vpc_region = string }))",
            "Private hosted zones by domain, each created with one VPC.",
            Some(obj::<&str>([])),
        ),
        variable(
            "associations",
            "map(object({ zone = string, vpc_id = string, vpc_region = string }))",
            "More VPCs of private zones, by key.",
            Some(obj::<&str>([])),
        ),
        variable("zone_ids", "map(string)", "IDs of zones managed elsewhere (another stack), by domain.", Some(obj::<&str>([]))),
        variable(
            "records",
            "map(object({ zone = string, name = string, type = string, ttl = number, values = list(string), alias = optional(object({ name = string, zone_id = string })) }))",
            "Records by key: literal values, or an alias of a load balancer.",
            Some(obj::<&str>([])),
        ),
        variable("delegations", "map(string)", "Sub-zones created here by domain, each with the zone (its parent) that gets their NS record.", Some(obj::<&str>([]))),
        variable("health_checks", "map(object({ fqdn = string, port = number, path = string }))", "HTTPS health checks by name.", Some(obj::<&str>([]))),
    ];
    let main = vec![
        block(
            "locals",
            &[],
            vec![
                attr("private_zone_ids", ex("{ for k, v in aws_route53_zone.private : k => v.zone_id }")),
                attr("zone_ids", ex("merge(var.zone_ids, { for k, v in aws_route53_zone.this : k => v.zone_id }, local.private_zone_ids)")),
            ],
        ),
        block(
            "resource",
            &["aws_route53_zone", "this"],
            vec![attr("for_each", ex("var.zones")), attr("name", ex("each.key")), attr("comment", ex("each.value.comment"))],
        ),
        // A private zone is created with one VPC; the others are associations, which the zone's own
        // `vpc` blocks would undo, hence `ignore_changes`.
        block(
            "resource",
            &["aws_route53_zone", "private"],
            vec![
                attr("for_each", ex("var.private_zones")),
                attr("name", ex("each.key")),
                attr("comment", ex("each.value.comment")),
                block("vpc", &[], vec![attr("vpc_id", ex("each.value.vpc_id")), attr("vpc_region", ex("each.value.vpc_region"))]),
                block("lifecycle", &[], vec![attr("ignore_changes", ex("[vpc]"))]),
            ],
        ),
        block(
            "resource",
            &["aws_route53_zone_association", "this"],
            vec![
                attr("for_each", ex("var.associations")),
                // Only private zones are associated: naming them alone keeps public zones
                // unconnected to an association (which scanners read as a private zone).
                attr("zone_id", ex("merge(var.zone_ids, local.private_zone_ids)[each.value.zone]")),
                attr("vpc_id", ex("each.value.vpc_id")),
                attr("vpc_region", ex("each.value.vpc_region")),
            ],
        ),
        block(
            "resource",
            &["aws_route53_record", "this"],
            vec![
                attr("for_each", ex("var.records")),
                attr("zone_id", ex("local.zone_ids[each.value.zone]")),
                attr("name", ex("each.value.name")),
                attr("type", ex("each.value.type")),
                attr("ttl", ex("each.value.alias == null ? each.value.ttl : null")),
                attr("records", ex("each.value.alias == null ? each.value.values : null")),
                block(
                    "dynamic",
                    &["alias"],
                    vec![
                        attr("for_each", ex("each.value.alias == null ? [] : [each.value.alias]")),
                        block(
                            "content",
                            &[],
                            vec![
                                attr("name", ex("alias.value.name")),
                                attr("zone_id", ex("alias.value.zone_id")),
                                attr("evaluate_target_health", true),
                            ],
                        ),
                    ],
                ),
            ],
        ),
        // A sub-zone's name servers, in its parent: what makes resolvers find it.
        block(
            "resource",
            &["aws_route53_record", "delegation"],
            vec![
                attr("for_each", ex("var.delegations")),
                attr("zone_id", ex("local.zone_ids[each.value]")),
                attr("name", ex("each.key")),
                attr("type", s("NS")),
                attr("ttl", n(172_800)),
                attr("records", ex("aws_route53_zone.this[each.key].name_servers")),
            ],
        ),
        block(
            "resource",
            &["aws_route53_health_check", "this"],
            vec![
                attr("for_each", ex("var.health_checks")),
                attr("fqdn", ex("each.value.fqdn")),
                attr("port", ex("each.value.port")),
                attr("type", s("HTTPS")),
                attr("resource_path", ex("each.value.path")),
                attr("failure_threshold", n(3)),
                attr("request_interval", n(30)),
                attr("tags", obj([("Name", ex("each.key"))])),
            ],
        ),
    ];
    let outputs = vec![
        output("zone_ids", "IDs of the zones created here, by domain.", ex("merge({ for k, v in aws_route53_zone.this : k => v.zone_id }, { for k, v in aws_route53_zone.private : k => v.zone_id })")),
        output("name_servers", "Name servers by domain, for the registrar.", ex("{ for k, v in aws_route53_zone.this : k => v.name_servers }")),
    ];
    Module { name: "dns", aliases: &[], variables, main, outputs }
}
