//! Sub-zones delegated across accounts, in the account stack: a sub-zone's account writes its
//! `NS` record into a parent zone that another account creates, through a role that account
//! lends, which may write only those records.

use hcl::Expression;
use stratoform_model::Model;

use super::StackBuilder;
use crate::dsl::*;

/// The provider alias of the account stack that acts in the account of a sub-zone's parent zone.
pub const ZONE_PARENT_ALIAS: &str = "zone_parent";

/// Sub-zones delegated across accounts. The parent zone's account lends a role that may write
/// only the sub-zones' `NS` records (`zone_delegation_role`); the sub-zone's account stack
/// assumes it through the `zone_parent` provider, finds the parent zone by name and writes the
/// record with the `dns` module (`zone_parent`). One directory serves every account, so each
/// side is off (null) in the accounts that have none.
pub fn render(models: &[&Model], b: &mut StackBuilder) {
    if models.iter().any(|m| !m.foreign_parents().is_empty()) {
        b.variables.push(variable(
            "zone_parent",
            "object({ account_id = string, role_arn = string, delegations = map(string) })",
            "The account of the parent zones of this account's sub-zones that another account creates, the role there that writes their NS records, and the sub-zones by domain with their parent zone; null for none.",
            Some(Expression::Null),
        ));
        b.extra_providers.push(block(
            "provider",
            &["aws"],
            vec![
                attr("alias", s(ZONE_PARENT_ALIAS)),
                attr("region", ex("var.region")),
                attr("allowed_account_ids", ex("var.zone_parent == null ? null : [var.zone_parent.account_id]")),
                block(
                    "dynamic",
                    &["assume_role"],
                    vec![
                        attr("for_each", ex("var.zone_parent == null ? [] : [var.zone_parent.role_arn]")),
                        block("content", &[], vec![attr("role_arn", ex("assume_role.value"))]),
                    ],
                ),
                block("default_tags", &[], vec![attr("tags", ex("var.default_tags"))]),
            ],
        ));
        b.main.push(block(
            "data",
            &["aws_route53_zone", "zone_parent"],
            vec![
                attr("provider", ex(&format!("aws.{ZONE_PARENT_ALIAS}"))),
                attr("for_each", ex("var.zone_parent == null ? toset([]) : toset(values(var.zone_parent.delegations))")),
                attr("name", ex("each.key")),
                attr("private_zone", false),
            ],
        ));
        b.module_with(
            "zone_parent",
            "dns",
            Some(obj([("aws", ex(&format!("aws.{ZONE_PARENT_ALIAS}")))])),
            vec![
                ("zone_ids", ex("{ for k, v in data.aws_route53_zone.zone_parent : k => v.zone_id }")),
                (
                    "records",
                    ex(r#"var.zone_parent == null ? {} : { for zone, parent in var.zone_parent.delegations : "${zone} NS" => { zone = parent, name = zone, type = "NS", ttl = 172800, values = module.dns.name_servers[zone], alias = null } }"#),
                ),
            ],
        );
    }
    if models.iter().any(|m| m.delegation_role().is_some()) {
        b.variables.push(variable(
            "zone_delegation_role",
            "object({ name = string, accounts = list(string), zones = map(list(string)) })",
            "The role this account lends to the accounts of sub-zones of its zones: its name, the accounts that assume it, and each zone of this account with the sub-zones whose NS records the role may write; null for none.",
            Some(Expression::Null),
        ));
        let each = r#"var.zone_delegation_role == null ? {} : { role = var.zone_delegation_role }"#;
        let zone_arn = r#"arn:${data.aws_partition.current.partition}:route53:::hostedzone/${module.dns.zone_ids["#;
        b.main.push(block("data", &["aws_partition", "current"], vec![]));
        b.main.push(block(
            "data",
            &["aws_iam_policy_document", "zone_delegation_trust"],
            vec![
                attr("for_each", ex(each)),
                block(
                    "statement",
                    &[],
                    vec![
                        attr("actions", strs(["sts:AssumeRole"])),
                        block(
                            "principals",
                            &[],
                            vec![
                                attr("type", s("AWS")),
                                attr("identifiers", ex(r#"[for a in each.value.accounts : "arn:${data.aws_partition.current.partition}:iam::${a}:root"]"#)),
                            ],
                        ),
                    ],
                ),
            ],
        ));
        let only = |var: &str, values: Expression| {
            block("condition", &[], vec![attr("test", s("ForAllValues:StringEquals")), attr("variable", s(var)), attr("values", values)])
        };
        b.main.push(block(
            "data",
            &["aws_iam_policy_document", "zone_delegation"],
            vec![
                attr("for_each", ex(each)),
                block(
                    "dynamic",
                    &["statement"],
                    vec![
                        attr("for_each", ex("each.value.zones")),
                        block(
                            "content",
                            &[],
                            vec![
                                attr("actions", strs(["route53:ChangeResourceRecordSets"])),
                                attr("resources", ex(&format!(r#"["{zone_arn}statement.key]}}"]"#))),
                                only("route53:ChangeResourceRecordSetsNormalizedRecordNames", ex("statement.value")),
                                only("route53:ChangeResourceRecordSetsRecordTypes", strs(["NS"])),
                            ],
                        ),
                    ],
                ),
                block(
                    "statement",
                    &[],
                    vec![
                        attr("sid", s("ReadTheZones")),
                        attr("actions", strs(["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"])),
                        attr("resources", ex(&format!(r#"[for z in keys(each.value.zones) : "{zone_arn}z]}}"]"#))),
                    ],
                ),
                block(
                    "statement",
                    &[],
                    vec![attr("sid", s("WaitForChanges")), attr("actions", strs(["route53:GetChange"])), attr("resources", ex(r#"["arn:${data.aws_partition.current.partition}:route53:::change/*"]"#))],
                ),
                // Finding a zone by name lists zones, which no resource narrows.
                block(
                    "statement",
                    &[],
                    vec![attr("sid", s("FindTheZones")), attr("actions", strs(["route53:ListHostedZones", "route53:ListHostedZonesByName"])), attr("resources", strs(["*"]))],
                ),
            ],
        ));
        b.main.push(block(
            "resource",
            &["aws_iam_role", "zone_delegation"],
            vec![
                attr("for_each", ex(each)),
                attr("name", ex("each.value.name")),
                attr("description", s("Lets the accounts of sub-zones write their NS records into this account's zones, and nothing else")),
                attr("assume_role_policy", ex("data.aws_iam_policy_document.zone_delegation_trust[each.key].json")),
            ],
        ));
        b.main.push(block(
            "resource",
            &["aws_iam_role_policy", "zone_delegation"],
            vec![
                attr("for_each", ex(each)),
                attr("name", s("ns-records")),
                attr("role", ex("aws_iam_role.zone_delegation[each.key].id")),
                attr("policy", ex("data.aws_iam_policy_document.zone_delegation[each.key].json")),
            ],
        ));
        b.outputs.push(output("zone_delegation_role_arn", "The role that writes the NS records of other accounts' sub-zones, or null.", ex("one([for r in aws_iam_role.zone_delegation : r.arn])")));
    }
}
