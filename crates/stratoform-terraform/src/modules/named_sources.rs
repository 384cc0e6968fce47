//! The security group of a data store module that admits one port only from the sources each
//! item names: for every item of the module's map variable, a group `<key>-<suffix>` and one
//! ingress rule per named security group (`allowed_security_group_ids`) and per block
//! (`allowed_cidrs`), keyed `<item>/<source>` through the `group_rules` and `cidr_rules` locals.

use hcl::structure::Structure;

use crate::dsl::{attr, block, ex, n, obj, s};

/// One module's named-source ingress.
pub struct NamedSources<'a> {
    /// The map variable (`clusters`, `domains`).
    pub map: &'a str,
    /// What one item is (`cluster`, `domain`): the field of a rule that names its item.
    pub item: &'a str,
    /// The suffix of the group's name (`docdb`, `search`).
    pub suffix: &'a str,
    /// The port.
    pub port: u16,
    /// The group's description, an HCL template over `each.key`.
    pub description: &'a str,
    /// The description of a rule from a named group.
    pub from_group: &'a str,
    /// The description of a rule from a block.
    pub from_cidr: &'a str,
}

impl NamedSources<'_> {
    /// The `group_rules` and `cidr_rules` attributes of the module's `locals` block.
    pub fn locals(&self) -> [Structure; 2] {
        let (map, item) = (self.map, self.item);
        let v = &item[..1];
        [
            attr("group_rules", ex(&format!(r#"merge([for {v}, v in var.{map} : {{ for g, id in v.allowed_security_group_ids : "${{{v}}}/${{g}}" => {{ {item} = {v}, group = id }} }}]...)"#))),
            attr("cidr_rules", ex(&format!(r#"merge([for {v}, v in var.{map} : {{ for cidr in v.allowed_cidrs : "${{{v}}}/${{cidr}}" => {{ {item} = {v}, cidr = cidr }} }}]...)"#))),
        ]
    }

    /// The group and its two rule resources.
    pub fn resources(&self) -> [Structure; 3] {
        let name = format!(r#""${{each.key}}-{}""#, self.suffix);
        let group = format!("aws_security_group.this[each.value.{}].id", self.item);
        let rule = |label: &str, for_each: &str, description: &str, source: Structure| {
            block(
                "resource",
                &["aws_vpc_security_group_ingress_rule", label],
                vec![
                    attr("for_each", ex(for_each)),
                    attr("security_group_id", ex(&group)),
                    attr("description", s(description)),
                    attr("ip_protocol", s("tcp")),
                    attr("from_port", n(i64::from(self.port))),
                    attr("to_port", n(i64::from(self.port))),
                    source,
                ],
            )
        };
        [
            block(
                "resource",
                &["aws_security_group", "this"],
                vec![
                    attr("for_each", ex(&format!("var.{}", self.map))),
                    attr("name", ex(&name)),
                    attr("description", ex(&format!("{:?}", self.description))),
                    attr("vpc_id", ex("each.value.vpc_id")),
                    attr("tags", obj([("Name", ex(&name))])),
                ],
            ),
            rule("from_groups", "local.group_rules", self.from_group, attr("referenced_security_group_id", ex("each.value.group"))),
            rule("from_cidrs", "local.cidr_rules", self.from_cidr, attr("cidr_ipv4", ex("each.value.cidr"))),
        ]
    }
}
