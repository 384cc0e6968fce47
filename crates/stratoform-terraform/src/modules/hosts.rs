//! `modules/hosts`: one EC2 host outside the clusters (a VPN gateway, a SQL Server host): the
//! AMI from the OS vendor's public SSM parameter, IMDSv2, encrypted gp3 volumes, a security group
//! with only the named ports, an instance role with SSM access, and an optional Elastic IP.

use crate::dsl::*;
use crate::modules::{service_trust, Module};

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The host's name.", None),
        variable("ami_ssm_parameter", "string", "The public SSM parameter holding the OS image's ID.", None),
        variable("instance_type", "string", "The instance type.", None),
        variable("vpc_id", "string", "The VPC.", None),
        variable("subnet_id", "string", "The subnet.", None),
        variable("public_ip", "bool", "Attach an Elastic IP.", Some(false.into())),
        variable("source_dest_check", "bool", "false for a host that routes traffic (a VPN gateway).", Some(true.into())),
        variable(
            "root_volume",
            "object({ size_gib = number, type = string, encrypted = bool, iops = optional(number), throughput = optional(number) })",
            "The root volume.",
            Some(obj([("size_gib", n(50)), ("type", s("gp3")), ("encrypted", true.into())])),
        ),
        variable(
            "volumes",
            "map(object({ device = string, size_gib = number, type = string, iops = optional(number), throughput = optional(number), encrypted = bool }))",
            "Extra EBS volumes by name.",
            Some(obj::<&str>([])),
        ),
        variable(
            "ingress",
            "map(object({ protocol = string, from_port = number, to_port = number, cidr = string, description = string }))",
            "Inbound rules by key, one per source block.",
            Some(obj::<&str>([])),
        ),
        variable("imdsv2_required", "bool", "Require IMDSv2 session tokens.", Some(true.into())),
        variable("metadata_hop_limit", "number", "The IMDS hop limit.", Some(n(2))),
        variable("managed_policy_arns", "list(string)", "Managed policies of the instance role.", None),
        variable("user_data", "string", "A first-boot script.", Some(hcl::Expression::Null)),
        variable("snapshot_tags", "map(string)", "Tags that enrol the volumes in a snapshot schedule.", Some(obj::<&str>([]))),
    ];
    let main = vec![
        block("data", &["aws_ssm_parameter", "ami"], vec![attr("name", ex("var.ami_ssm_parameter"))]),
        block(
            "resource",
            &["aws_security_group", "this"],
            vec![
                attr("name", ex(r#""${var.name}-host""#)),
                attr("description", ex(r#""Inbound ports of ${var.name}""#)),
                attr("vpc_id", ex("var.vpc_id")),
                attr("tags", obj([("Name", ex(r#""${var.name}-host""#))])),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "this"],
            vec![
                attr("for_each", ex("var.ingress")),
                attr("security_group_id", ex("aws_security_group.this.id")),
                attr("description", ex("each.value.description")),
                attr("ip_protocol", ex("each.value.protocol")),
                attr("from_port", ex(r#"each.value.protocol == "-1" ? null : each.value.from_port"#)),
                attr("to_port", ex(r#"each.value.protocol == "-1" ? null : each.value.to_port"#)),
                attr("cidr_ipv4", ex("each.value.cidr")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_egress_rule", "this"],
            vec![
                attr("security_group_id", ex("aws_security_group.this.id")),
                attr("description", s("Updates and outbound connections")),
                attr("ip_protocol", s("-1")),
                attr("cidr_ipv4", s("0.0.0.0/0")),
            ],
        ),
        block(
            "resource",
            &["aws_iam_role", "this"],
            vec![attr("name", ex(r#""${var.name}-host""#)), attr("assume_role_policy", service_trust("ec2.amazonaws.com"))],
        ),
        block(
            "resource",
            &["aws_iam_role_policy_attachment", "this"],
            vec![attr("for_each", ex("toset(var.managed_policy_arns)")), attr("role", ex("aws_iam_role.this.name")), attr("policy_arn", ex("each.key"))],
        ),
        block(
            "resource",
            &["aws_iam_instance_profile", "this"],
            vec![attr("name", ex(r#""${var.name}-host""#)), attr("role", ex("aws_iam_role.this.name"))],
        ),
        block(
            "resource",
            &["aws_instance", "this"],
            vec![
                attr("ami", ex("data.aws_ssm_parameter.ami.insecure_value")),
                attr("instance_type", ex("var.instance_type")),
                attr("subnet_id", ex("var.subnet_id")),
                attr("vpc_security_group_ids", ex("[aws_security_group.this.id]")),
                attr("iam_instance_profile", ex("aws_iam_instance_profile.this.name")),
                attr("source_dest_check", ex("var.source_dest_check")),
                attr("user_data", ex("var.user_data")),
                block(
                    "metadata_options",
                    &[],
                    vec![
                        attr("http_endpoint", s("enabled")),
                        attr("http_tokens", ex(r#"var.imdsv2_required ? "required" : "optional""#)),
                        attr("http_put_response_hop_limit", ex("var.metadata_hop_limit")),
                    ],
                ),
                block(
                    "root_block_device",
                    &[],
                    vec![
                        attr("volume_size", ex("var.root_volume.size_gib")),
                        attr("volume_type", ex("var.root_volume.type")),
                        attr("encrypted", ex("var.root_volume.encrypted")),
                        attr("iops", ex("var.root_volume.iops")),
                        attr("throughput", ex("var.root_volume.throughput")),
                        attr("tags", ex(r#"merge(var.snapshot_tags, { Name = "${var.name}-root" })"#)),
                    ],
                ),
                attr("tags", obj([("Name", ex("var.name"))])),
                // A new image in the parameter must not replace a running host.
                block("lifecycle", &[], vec![attr("ignore_changes", ex("[ami]"))]),
            ],
        ),
        block(
            "resource",
            &["aws_ebs_volume", "this"],
            vec![
                attr("for_each", ex("var.volumes")),
                attr("availability_zone", ex("aws_instance.this.availability_zone")),
                attr("size", ex("each.value.size_gib")),
                attr("type", ex("each.value.type")),
                attr("iops", ex("each.value.iops")),
                attr("throughput", ex("each.value.throughput")),
                attr("encrypted", ex("each.value.encrypted")),
                attr("tags", ex(r#"merge(var.snapshot_tags, { Name = "${var.name}-${each.key}" })"#)),
            ],
        ),
        block(
            "resource",
            &["aws_volume_attachment", "this"],
            vec![
                attr("for_each", ex("var.volumes")),
                attr("device_name", ex("each.value.device")),
                attr("volume_id", ex("aws_ebs_volume.this[each.key].id")),
                attr("instance_id", ex("aws_instance.this.id")),
            ],
        ),
        block(
            "resource",
            &["aws_eip", "this"],
            vec![
                attr("count", ex("var.public_ip ? 1 : 0")),
                attr("domain", s("vpc")),
                attr("instance", ex("aws_instance.this.id")),
                attr("tags", obj([("Name", ex("var.name"))])),
            ],
        ),
    ];
    let outputs = vec![
        output("instance_id", "The instance's ID.", ex("aws_instance.this.id")),
        output("private_ip", "The private address.", ex("aws_instance.this.private_ip")),
        output("public_ip", "The Elastic IP, when attached.", ex("one(aws_eip.this[*].public_ip)")),
        output("security_group_id", "The host's security group.", ex("aws_security_group.this.id")),
    ];
    Module { name: "hosts", aliases: &[], variables, main, outputs }
}
