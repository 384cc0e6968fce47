//! `modules/node-group`: one node group of a cluster, managed (an EKS managed node group) or
//! self-managed (an Auto Scaling group), on a launch template with IMDSv2, an encrypted root
//! volume and the cluster autoscaler's ownership tags. Self-managed nodes boot the EKS image of
//! their AMI family from its public SSM parameter and join with the family's bootstrap user data
//! (nodeadm `NodeConfig`, Bottlerocket TOML settings, or AL2's bootstrap script).

use crate::dsl::*;
use crate::modules::Module;

/// What the launch template tags at launch, each with the same tags: the instance, its volumes
/// and its network interfaces.
const LAUNCH_TAGGED: &[&str] = &["instance", "volume", "network-interface"];

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("cluster_name", "string", "The EKS cluster the nodes join.", None),
        variable("name", "string", "The node group's name within the cluster.", None),
        variable("management", "string", "managed (EKS managed node group) or selfManaged (Auto Scaling group).", Some(s("managed"))),
        variable("ami_type", "string", "The EKS AMI type, such as BOTTLEROCKET_x86_64.", None),
        variable("release_version", "string", "Managed groups: the AMI release, such as 1.33.0-20250704; null takes the latest at creation.", Some(hcl::Expression::Null)),
        variable("ami_ssm_parameter", "string", "The public SSM parameter holding the family's EKS image for the cluster's version (self-managed groups).", None),
        variable("bootstrap", "string", "How the AMI family joins the cluster: nodeadm (AL2023), bottlerocket or script (AL2).", None),
        variable("instance_types", "list(string)", "Instance types, the first preferred.", None),
        variable("capacity_type", "string", "ON_DEMAND or SPOT.", Some(s("ON_DEMAND"))),
        variable("min_size", "number", "Minimum node count.", None),
        variable("max_size", "number", "Maximum node count.", None),
        variable("desired_size", "number", "Node count at creation; the autoscaler owns it afterwards.", None),
        variable("subnet_ids", "list(string)", "Subnets of the nodes.", None),
        variable("security_group_ids", "list(string)", "Security groups of the nodes.", None),
        variable("node_role_arn", "string", "The node IAM role.", None),
        variable("instance_profile", "string", "The node instance profile (self-managed groups).", None),
        variable("cluster_endpoint", "string", "The API server endpoint (self-managed nodes).", None),
        variable("cluster_certificate_authority", "string", "The cluster CA, base64-encoded (self-managed nodes).", None),
        variable("cluster_service_cidr", "string", "The cluster's Kubernetes services block (self-managed nodes find the cluster DNS in it).", None),
        variable(
            "root_volume",
            "object({ size_gib = number, type = string, encrypted = bool, iops = optional(number), throughput = optional(number) })",
            "The root (Bottlerocket: data) volume.",
            Some(obj([("size_gib", n(50)), ("type", s("gp3")), ("encrypted", true.into())])),
        ),
        variable("imdsv2_required", "bool", "Require IMDSv2 session tokens.", Some(true.into())),
        variable("metadata_hop_limit", "number", "The IMDS hop limit.", Some(n(2))),
        variable("labels", "map(string)", "Kubernetes labels of the nodes.", Some(obj::<&str>([]))),
        variable("taints", "list(object({ key = string, value = optional(string), effect = string }))", "Taints of the nodes (NO_SCHEDULE, PREFER_NO_SCHEDULE, NO_EXECUTE).", Some(list([]))),
        variable("autoscaler", "bool", "Whether the cluster autoscaler may scale the group (adds its ownership tags).", Some(true.into())),
        variable("bottlerocket_admin_container", "bool", "Bottlerocket: enable the admin container.", Some(false.into())),
        variable("bottlerocket_control_container", "bool", "Bottlerocket: enable the control (SSM) container.", Some(true.into())),
    ];

    let main = vec![
        // Self-managed nodes boot the family's EKS image for the cluster's version; managed groups
        // get it from EKS through `ami_type`.
        block("data", &["aws_ssm_parameter", "ami"], vec![attr("count", ex("local.managed ? 0 : 1")), attr("name", ex("var.ami_ssm_parameter"))]),
        block(
            "locals",
            &[],
            vec![
                attr("managed", ex(r#"var.management == "managed""#)),
                attr("bottlerocket", ex(r#"var.bootstrap == "bottlerocket""#)),
                attr(
                    "autoscaler_tags",
                    ex(r#"var.autoscaler ? { "k8s.io/cluster-autoscaler/enabled" = "true", "k8s.io/cluster-autoscaler/${var.cluster_name}" = "owned" } : {}"#),
                ),
                attr("taint_effects", obj([("NO_SCHEDULE", s("NoSchedule")), ("PREFER_NO_SCHEDULE", s("PreferNoSchedule")), ("NO_EXECUTE", s("NoExecute"))])),
                // The cluster DNS Service takes the tenth address of the services block.
                attr("cluster_dns_ip", ex("cidrhost(var.cluster_service_cidr, 10)")),
                // Self-managed nodes register their own labels and taints through kubelet flags.
                attr(
                    "kubelet_flags",
                    ex(r#"concat(length(var.labels) == 0 ? [] : [format("--node-labels=%s", join(",", [for k, v in var.labels : "${k}=${v}"]))], length(var.taints) == 0 ? [] : [format("--register-with-taints=%s", join(",", [for t in var.taints : "${t.key}=${t.value == null ? "" : t.value}:${local.taint_effects[t.effect]}"]))])"#),
                ),
                // Bottlerocket reads TOML settings as user data. EKS adds the cluster settings for
                // managed groups; self-managed nodes need them, with their labels and taints.
                attr(
                    "bottlerocket_cluster",
                    ex(r#"local.managed ? [] : concat(["[settings.kubernetes]", format("cluster-name = %q", var.cluster_name), format("api-server = %q", var.cluster_endpoint), format("cluster-certificate = %q", var.cluster_certificate_authority), format("cluster-dns-ip = %q", local.cluster_dns_ip), ""], length(var.labels) == 0 ? [] : concat(["[settings.kubernetes.node-labels]"], [for k, v in var.labels : format("%q = %q", k, v)], [""]), length(var.taints) == 0 ? [] : concat(["[settings.kubernetes.node-taints]"], [for t in var.taints : format("%q = [%q]", t.key, "${t.value == null ? "" : t.value}:${local.taint_effects[t.effect]}")], [""]))"#),
                ),
                attr(
                    "bottlerocket_settings",
                    ex(r#"join("\n", concat(local.bottlerocket_cluster, ["[settings.host-containers.admin]", "enabled = ${var.bottlerocket_admin_container}", "", "[settings.host-containers.control]", "enabled = ${var.bottlerocket_control_container}", ""]))"#),
                ),
                // Amazon Linux 2023: nodeadm reads a NodeConfig part of a MIME multipart document.
                attr(
                    "nodeadm_config",
                    ex(r#"yamlencode({ apiVersion = "node.eks.aws/v1alpha1", kind = "NodeConfig", spec = { cluster = { name = var.cluster_name, apiServerEndpoint = var.cluster_endpoint, certificateAuthority = var.cluster_certificate_authority, cidr = var.cluster_service_cidr }, kubelet = { flags = local.kubelet_flags } } })"#),
                ),
                attr(
                    "nodeadm_user_data",
                    ex(r#"join("\n", ["MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"//\"", "", "--//", "Content-Type: application/node.eks.aws", "", local.nodeadm_config, "--//--", ""])"#),
                ),
                // Amazon Linux 2: the image's bootstrap script joins the node.
                attr(
                    "script_user_data",
                    ex(r##"join("\n", ["#!/bin/bash", "set -o errexit", format("/etc/eks/bootstrap.sh %s --apiserver-endpoint %s --b64-cluster-ca %s --dns-cluster-ip %s --kubelet-extra-args '%s'", var.cluster_name, var.cluster_endpoint, var.cluster_certificate_authority, local.cluster_dns_ip, join(" ", local.kubelet_flags)), ""])"##),
                ),
                // Managed groups: EKS writes the cluster settings (Bottlerocket keeps its host
                // container settings); self-managed nodes carry the whole bootstrap of their family.
                attr(
                    "self_managed_user_data",
                    obj([("nodeadm", ex("local.nodeadm_user_data")), ("bottlerocket", ex("local.bottlerocket_settings")), ("script", ex("local.script_user_data"))]),
                ),
                attr("user_data", ex("local.managed ? (local.bottlerocket ? local.bottlerocket_settings : null) : local.self_managed_user_data[var.bootstrap]")),
                // Bottlerocket keeps images and containers on its second volume.
                attr("root_device", ex(r#"local.bottlerocket ? "/dev/xvdb" : "/dev/xvda""#)),
            ],
        ),
        block(
            "resource",
            &["aws_launch_template", "this"],
            [
                attr("name", ex(r#""${var.cluster_name}-${var.name}""#)),
                attr("description", ex(r#""Nodes of ${var.cluster_name}/${var.name}""#)),
                attr("update_default_version", true),
                attr("image_id", ex("local.managed ? null : data.aws_ssm_parameter.ami[0].insecure_value")),
                attr("instance_type", ex("local.managed ? null : var.instance_types[0]")),
                attr("vpc_security_group_ids", ex("var.security_group_ids")),
                attr("user_data", ex("local.user_data == null ? null : base64encode(local.user_data)")),
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
                    "block_device_mappings",
                    &[],
                    vec![
                        attr("device_name", ex("local.root_device")),
                        block(
                            "ebs",
                            &[],
                            vec![
                                attr("volume_size", ex("var.root_volume.size_gib")),
                                attr("volume_type", ex("var.root_volume.type")),
                                attr("encrypted", ex("var.root_volume.encrypted")),
                                attr("iops", ex("var.root_volume.iops")),
                                attr("throughput", ex("var.root_volume.throughput")),
                                attr("delete_on_termination", true),
                            ],
                        ),
                    ],
                ),
                block(
                    "dynamic",
                    &["iam_instance_profile"],
                    vec![
                        attr("for_each", ex("local.managed ? [] : [var.instance_profile]")),
                        block("content", &[], vec![attr("name", ex("iam_instance_profile.value"))]),
                    ],
                ),
            ]
            .into_iter()
            .chain(LAUNCH_TAGGED.iter().map(|r| {
                block("tag_specifications", &[], vec![attr("resource_type", s(*r)), attr("tags", obj([("Name", ex(r#""${var.cluster_name}-${var.name}""#))]))])
            }))
            .collect(),
        ),
        block(
            "resource",
            &["aws_eks_node_group", "this"],
            vec![
                attr("count", ex("local.managed ? 1 : 0")),
                attr("cluster_name", ex("var.cluster_name")),
                attr("node_group_name", ex("var.name")),
                attr("node_role_arn", ex("var.node_role_arn")),
                attr("subnet_ids", ex("var.subnet_ids")),
                attr("ami_type", ex("var.ami_type")),
                attr("release_version", ex("var.release_version")),
                attr("instance_types", ex("var.instance_types")),
                attr("capacity_type", ex("var.capacity_type")),
                attr("labels", ex("var.labels")),
                attr("tags", ex("local.autoscaler_tags")),
                block(
                    "scaling_config",
                    &[],
                    vec![
                        attr("min_size", ex("var.min_size")),
                        attr("max_size", ex("var.max_size")),
                        attr("desired_size", ex("var.desired_size")),
                    ],
                ),
                block("update_config", &[], vec![attr("max_unavailable", n(1))]),
                block(
                    "launch_template",
                    &[],
                    vec![attr("id", ex("aws_launch_template.this.id")), attr("version", ex("aws_launch_template.this.latest_version"))],
                ),
                block(
                    "dynamic",
                    &["taint"],
                    vec![
                        attr("for_each", ex("var.taints")),
                        block(
                            "content",
                            &[],
                            vec![attr("key", ex("taint.value.key")), attr("value", ex("taint.value.value")), attr("effect", ex("taint.value.effect"))],
                        ),
                    ],
                ),
                block(
                    "lifecycle",
                    &[],
                    // The cluster autoscaler owns the desired size once the group exists.
                    vec![attr("ignore_changes", ex("[scaling_config[0].desired_size]"))],
                ),
            ],
        ),
        block(
            "resource",
            &["aws_autoscaling_group", "this"],
            vec![
                attr("count", ex("local.managed ? 0 : 1")),
                attr("name", ex(r#""${var.cluster_name}-${var.name}""#)),
                attr("min_size", ex("var.min_size")),
                attr("max_size", ex("var.max_size")),
                attr("desired_capacity", ex("var.desired_size")),
                attr("vpc_zone_identifier", ex("var.subnet_ids")),
                block(
                    "launch_template",
                    &[],
                    vec![attr("id", ex("aws_launch_template.this.id")), attr("version", ex("aws_launch_template.this.latest_version"))],
                ),
                block(
                    "dynamic",
                    &["tag"],
                    vec![
                        attr(
                            "for_each",
                            ex(r#"merge(local.autoscaler_tags, { Name = "${var.cluster_name}-${var.name}", "kubernetes.io/cluster/${var.cluster_name}" = "owned" })"#),
                        ),
                        block(
                            "content",
                            &[],
                            vec![attr("key", ex("tag.key")), attr("value", ex("tag.value")), attr("propagate_at_launch", true)],
                        ),
                    ],
                ),
                block("lifecycle", &[], vec![attr("ignore_changes", ex("[desired_capacity]"))]),
            ],
        ),
    ];

    let outputs = vec![
        output("launch_template_id", "The launch template's ID.", ex("aws_launch_template.this.id")),
        output("node_group_arn", "The managed node group's ARN (null for self-managed groups).", ex("one(aws_eks_node_group.this[*].arn)")),
        output("autoscaling_group_name", "The Auto Scaling group's name (null for managed groups).", ex("one(aws_autoscaling_group.this[*].name)")),
    ];
    Module { name: "node-group", aliases: &[], variables, main, outputs }
}
