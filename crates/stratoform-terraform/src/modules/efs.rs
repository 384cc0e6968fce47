//! `modules/efs`: one encrypted EFS file system with a lifecycle policy, a mount target in each
//! subnet of its tier, an NFS security group admitting only the named sources, and access points
//! (root path, POSIX UID/GID and permissions).

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The file system's name.", None),
        variable("vpc_id", "string", "The VPC.", None),
        variable("subnet_ids", "list(string)", "One mount target per subnet.", None),
        variable("allowed_security_group_ids", "map(string)", "Security groups that may mount it (NFS, 2049), by name.", Some(obj::<&str>([]))),
        variable("allowed_cidrs", "list(string)", "Blocks that may mount it.", Some(list([]))),
        variable("kms_key_arn", "string", "The KMS key; null uses the AWS managed key.", Some(hcl::Expression::Null)),
        variable("throughput_mode", "string", "bursting or elastic.", Some(s("elastic"))),
        variable("transition_to_ia", "string", "When files move to Infrequent Access, such as AFTER_30_DAYS.", Some(s("AFTER_30_DAYS"))),
        variable(
            "access_points",
            "map(object({ path = string, uid = number, gid = number, permissions = string }))",
            "Access points by name.",
            Some(obj::<&str>([])),
        ),
    ];
    let main = vec![
        block(
            "resource",
            &["aws_efs_file_system", "this"],
            vec![
                attr("creation_token", ex("var.name")),
                attr("encrypted", true),
                attr("kms_key_id", ex("var.kms_key_arn")),
                attr("throughput_mode", ex("var.throughput_mode")),
                block("lifecycle_policy", &[], vec![attr("transition_to_ia", ex("var.transition_to_ia"))]),
                attr("tags", obj([("Name", ex("var.name"))])),
            ],
        ),
        block(
            "resource",
            &["aws_security_group", "this"],
            vec![
                attr("name", ex(r#""${var.name}-efs""#)),
                attr("description", ex(r#""NFS to ${var.name}""#)),
                attr("vpc_id", ex("var.vpc_id")),
                attr("tags", obj([("Name", ex(r#""${var.name}-efs""#))])),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "from_groups"],
            vec![
                attr("for_each", ex("var.allowed_security_group_ids")),
                attr("security_group_id", ex("aws_security_group.this.id")),
                attr("description", ex(r#""NFS from ${each.key}""#)),
                attr("ip_protocol", s("tcp")),
                attr("from_port", n(2049)),
                attr("to_port", n(2049)),
                attr("referenced_security_group_id", ex("each.value")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "from_cidrs"],
            vec![
                attr("for_each", ex("toset(var.allowed_cidrs)")),
                attr("security_group_id", ex("aws_security_group.this.id")),
                attr("description", ex(r#""NFS from ${each.key}""#)),
                attr("ip_protocol", s("tcp")),
                attr("from_port", n(2049)),
                attr("to_port", n(2049)),
                attr("cidr_ipv4", ex("each.key")),
            ],
        ),
        block(
            "resource",
            &["aws_efs_mount_target", "this"],
            vec![
                attr("count", ex("length(var.subnet_ids)")),
                attr("file_system_id", ex("aws_efs_file_system.this.id")),
                attr("subnet_id", ex("var.subnet_ids[count.index]")),
                attr("security_groups", ex("[aws_security_group.this.id]")),
            ],
        ),
        block(
            "resource",
            &["aws_efs_access_point", "this"],
            vec![
                attr("for_each", ex("var.access_points")),
                attr("file_system_id", ex("aws_efs_file_system.this.id")),
                block("posix_user", &[], vec![attr("uid", ex("each.value.uid")), attr("gid", ex("each.value.gid"))]),
                block(
                    "root_directory",
                    &[],
                    vec![
                        attr("path", ex("each.value.path")),
                        block(
                            "creation_info",
                            &[],
                            vec![
                                attr("owner_uid", ex("each.value.uid")),
                                attr("owner_gid", ex("each.value.gid")),
                                attr("permissions", ex("each.value.permissions")),
                            ],
                        ),
                    ],
                ),
                attr("tags", obj([("Name", ex(r#""${var.name}-${each.key}""#))])),
            ],
        ),
    ];
    let outputs = vec![
        output("id", "The file system's ID.", ex("aws_efs_file_system.this.id")),
        output("arn", "The file system's ARN.", ex("aws_efs_file_system.this.arn")),
        output("access_point_ids", "Access point IDs by name.", ex("{ for k, v in aws_efs_access_point.this : k => v.id }")),
    ];
    Module { name: "efs", aliases: &[], variables, main, outputs }
}
