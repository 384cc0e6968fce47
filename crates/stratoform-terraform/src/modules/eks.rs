//! `modules/eks`: one EKS control plane with its IAM role and managed policies, the
//! `/aws/eks/<name>/cluster` log group, KMS envelope encryption of secrets, the node security
//! group, the node IAM role shared by the cluster's node groups (with its access entry when
//! self-managed nodes use it), and the cluster's OIDC provider.

use crate::dsl::*;
use crate::modules::{service_trust, Module};

/// The AWS managed policies every node role carries.
pub const NODE_POLICIES: &[&str] = &[
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
];

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The EKS cluster name.", None),
        variable("kubernetes_version", "string", "The Kubernetes version, such as 1.35.", None),
        variable("vpc_id", "string", "The VPC the cluster runs in.", None),
        variable("subnet_ids", "list(string)", "Subnets of the control plane's interfaces.", None),
        variable("endpoint_private", "bool", "Whether the API server is reachable from inside the VPC.", Some(true.into())),
        variable("endpoint_public", "bool", "Whether the API server is reachable from the internet.", Some(false.into())),
        variable("public_access_cidrs", "list(string)", "Blocks allowed to reach a public endpoint.", Some(list([]))),
        variable("log_types", "list(string)", "Control plane log types sent to CloudWatch Logs.", Some(strs(["api", "audit", "authenticator", "controllerManager", "scheduler"]))),
        variable("log_retention_days", "number", "Retention of `/aws/eks/<name>/cluster`.", Some(n(90))),
        variable("secrets_encryption", "bool", "Whether Kubernetes secrets are envelope-encrypted with KMS.", Some(true.into())),
        variable("secrets_kms_key_arn", "string", "The KMS key for secrets; null creates one for the cluster.", Some(hcl::Expression::Null)),
        variable("service_ipv4_cidr", "string", "The Kubernetes services block; null lets EKS choose.", Some(hcl::Expression::Null)),
        variable("cluster_role_policy_arns", "list(string)", "Managed policies of the cluster IAM role.", None),
        variable("log_kms_key_arn", "string", "The KMS key of `/aws/eks/<name>/cluster`; null leaves it to CloudWatch Logs' own encryption.", Some(hcl::Expression::Null)),
        variable(
            "node_access_entry_type",
            "string",
            "The access entry type (EC2_LINUX) that lets self-managed nodes of the node role join; null when only managed groups use the role (EKS adds their entry).",
            Some(hcl::Expression::Null),
        ),
        variable(
            "node_role_policy_arns",
            "list(string)",
            "Managed policies of the node IAM role besides the worker, CNI, ECR and SSM ones every node role carries, for node-level agents that use the role.",
            Some(list([])),
        ),
        variable(
            "nodes_use_cluster_security_group",
            "bool",
            "Whether the nodes use only the cluster security group EKS creates instead of the dedicated node group.",
            Some(false.into()),
        ),
        variable(
            "authentication_mode",
            "string",
            "How EKS authenticates IAM principals: API, API_AND_CONFIG_MAP or CONFIG_MAP (no access entries then).",
            Some(s("API_AND_CONFIG_MAP")),
        ),
        variable("node_security_group_tags", "map(string)", "Extra tags of the node security group (Karpenter's discovery tag).", Some(obj::<&str>([]))),
    ];

    let mut main = crate::modules::key_policy_data();
    let (key_policy_locals, key_policy_value) = crate::modules::key_policy(None);
    main.push(key_policy_locals);
    main.extend(vec![
        block(
            "locals",
            &[],
            vec![
                attr("create_key", ex("var.secrets_encryption && var.secrets_kms_key_arn == null")),
                attr("secrets_key_arn", ex("local.create_key ? aws_kms_key.secrets[0].arn : var.secrets_kms_key_arn")),
            ],
        ),
        block(
            "resource",
            &["aws_iam_role", "cluster"],
            vec![attr("name", ex(r#""${var.name}-cluster""#)), attr("assume_role_policy", service_trust("eks.amazonaws.com"))],
        ),
        block(
            "resource",
            &["aws_iam_role_policy_attachment", "cluster"],
            vec![
                attr("for_each", ex("toset(var.cluster_role_policy_arns)")),
                attr("role", ex("aws_iam_role.cluster.name")),
                attr("policy_arn", ex("each.key")),
            ],
        ),
        block(
            "resource",
            &["aws_kms_key", "secrets"],
            vec![
                attr("count", ex("local.create_key ? 1 : 0")),
                attr("description", ex(r#""Envelope encryption of Kubernetes secrets in ${var.name}""#)),
                attr("enable_key_rotation", true),
                attr("deletion_window_in_days", n(30)),
                attr("policy", key_policy_value.clone()),
            ],
        ),
        block(
            "resource",
            &["aws_kms_alias", "secrets"],
            vec![
                attr("count", ex("local.create_key ? 1 : 0")),
                attr("name", ex(r#""alias/${var.name}-secrets""#)),
                attr("target_key_id", ex("aws_kms_key.secrets[0].key_id")),
            ],
        ),
        block(
            "resource",
            &["aws_cloudwatch_log_group", "cluster"],
            vec![
                // EKS writes to exactly this name; creating it first sets its retention.
                attr("name", ex(r#""/aws/eks/${var.name}/cluster""#)),
                attr("retention_in_days", ex("var.log_retention_days")),
                attr("kms_key_id", ex("var.log_kms_key_arn")),
            ],
        ),
        block(
            "resource",
            &["aws_security_group", "nodes"],
            vec![
                attr("name", ex(r#""${var.name}-nodes""#)),
                attr("description", ex(r#""Nodes of ${var.name}""#)),
                attr("vpc_id", ex("var.vpc_id")),
                attr("tags", ex(r#"merge(var.node_security_group_tags, { Name = "${var.name}-nodes" })"#)),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "nodes_self"],
            vec![
                attr("security_group_id", ex("aws_security_group.nodes.id")),
                attr("description", s("Node to node, every protocol")),
                attr("ip_protocol", s("-1")),
                attr("referenced_security_group_id", ex("aws_security_group.nodes.id")),
            ],
        ),
        block(
            "resource",
            &["aws_security_group", "control_plane"],
            vec![
                attr("name", ex(r#""${var.name}-control-plane""#)),
                attr("description", ex(r#""Control plane interfaces of ${var.name}""#)),
                attr("vpc_id", ex("var.vpc_id")),
                attr("tags", obj([("Name", ex(r#""${var.name}-control-plane""#))])),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "control_plane_from_nodes"],
            vec![
                attr("security_group_id", ex("aws_security_group.control_plane.id")),
                attr("description", s("Nodes to the API server")),
                attr("ip_protocol", s("tcp")),
                attr("from_port", n(443)),
                attr("to_port", n(443)),
                attr("referenced_security_group_id", ex("aws_security_group.nodes.id")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_egress_rule", "control_plane_to_nodes"],
            vec![
                attr("security_group_id", ex("aws_security_group.control_plane.id")),
                attr("description", s("API server to kubelets and webhooks")),
                attr("ip_protocol", s("tcp")),
                attr("from_port", n(443)),
                attr("to_port", n(10250)),
                attr("referenced_security_group_id", ex("aws_security_group.nodes.id")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "nodes_from_control_plane"],
            vec![
                attr("security_group_id", ex("aws_security_group.nodes.id")),
                attr("description", s("API server to kubelets and webhooks")),
                attr("ip_protocol", s("tcp")),
                attr("from_port", n(443)),
                attr("to_port", n(10250)),
                attr("referenced_security_group_id", ex("aws_security_group.control_plane.id")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_egress_rule", "nodes"],
            vec![
                attr("security_group_id", ex("aws_security_group.nodes.id")),
                attr("description", s("Nodes reach the API, registries and AWS APIs")),
                attr("ip_protocol", s("-1")),
                attr("cidr_ipv4", s("0.0.0.0/0")),
            ],
        ),
        block(
            "resource",
            &["aws_eks_cluster", "this"],
            vec![
                attr("name", ex("var.name")),
                attr("version", ex("var.kubernetes_version")),
                attr("role_arn", ex("aws_iam_role.cluster.arn")),
                attr("enabled_cluster_log_types", ex("var.log_types")),
                block(
                    "vpc_config",
                    &[],
                    vec![
                        attr("subnet_ids", ex("var.subnet_ids")),
                        attr("security_group_ids", ex("[aws_security_group.control_plane.id]")),
                        attr("endpoint_private_access", ex("var.endpoint_private")),
                        attr("endpoint_public_access", ex("var.endpoint_public")),
                        attr("public_access_cidrs", ex("var.endpoint_public ? var.public_access_cidrs : null")),
                    ],
                ),
                block(
                    "access_config",
                    &[],
                    vec![
                        attr("authentication_mode", ex("var.authentication_mode")),
                        attr("bootstrap_cluster_creator_admin_permissions", true),
                    ],
                ),
                block("kubernetes_network_config", &[], vec![attr("service_ipv4_cidr", ex("var.service_ipv4_cidr"))]),
                block(
                    "dynamic",
                    &["encryption_config"],
                    vec![
                        attr("for_each", ex("var.secrets_encryption ? [local.secrets_key_arn] : []")),
                        block(
                            "content",
                            &[],
                            vec![
                                attr("resources", strs(["secrets"])),
                                block("provider", &[], vec![attr("key_arn", ex("encryption_config.value"))]),
                            ],
                        ),
                    ],
                ),
                attr("depends_on", ex("[aws_iam_role_policy_attachment.cluster, aws_cloudwatch_log_group.cluster]")),
            ],
        ),
        block(
            "resource",
            &["aws_iam_openid_connect_provider", "this"],
            vec![
                attr("url", ex("aws_eks_cluster.this.identity[0].oidc[0].issuer")),
                attr("client_id_list", strs(["sts.amazonaws.com"])),
                attr("tags", obj([("Name", ex(r#""${var.name}-irsa""#))])),
            ],
        ),
        block(
            "resource",
            &["aws_iam_role", "nodes"],
            vec![attr("name", ex(r#""${var.name}-nodes""#)), attr("assume_role_policy", service_trust("ec2.amazonaws.com"))],
        ),
        block(
            "resource",
            &["aws_iam_role_policy_attachment", "nodes"],
            vec![
                attr("for_each", ex(&format!("toset(concat([{}], var.node_role_policy_arns))", NODE_POLICIES.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(", ")))),
                attr("role", ex("aws_iam_role.nodes.name")),
                attr("policy_arn", ex("each.key")),
            ],
        ),
        block(
            "resource",
            &["aws_iam_instance_profile", "nodes"],
            vec![attr("name", ex(r#""${var.name}-nodes""#)), attr("role", ex("aws_iam_role.nodes.name"))],
        ),
        // Self-managed nodes join through an access entry of the node role. One per cluster: the
        // role is shared by every node group of the cluster.
        block(
            "resource",
            &["aws_eks_access_entry", "this"],
            vec![
                attr("for_each", ex("var.node_access_entry_type == null ? {} : { nodes = var.node_access_entry_type }")),
                attr("cluster_name", ex("aws_eks_cluster.this.name")),
                attr("principal_arn", ex("aws_iam_role.nodes.arn")),
                attr("type", ex("each.value")),
            ],
        ),
    ]);

    let outputs = vec![
        output("name", "The cluster name.", ex("aws_eks_cluster.this.name")),
        output("arn", "The cluster ARN.", ex("aws_eks_cluster.this.arn")),
        output("endpoint", "The API server endpoint.", ex("aws_eks_cluster.this.endpoint")),
        output("certificate_authority", "The cluster CA, base64-encoded.", ex("aws_eks_cluster.this.certificate_authority[0].data")),
        output("control_plane_security_group_id", "The control plane's security group.", ex("aws_security_group.control_plane.id")),
        output(
            "node_security_group_id",
            "The nodes' security group: the dedicated one, or the cluster security group EKS creates.",
            ex("var.nodes_use_cluster_security_group ? aws_eks_cluster.this.vpc_config[0].cluster_security_group_id : aws_security_group.nodes.id"),
        ),
        output("oidc_provider_arn", "The IRSA OIDC provider's ARN.", ex("aws_iam_openid_connect_provider.this.arn")),
        output("oidc_issuer", "The OIDC issuer without its scheme, as trust conditions name it.", ex(r#"trimprefix(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://")"#)),
        // Node groups read the role after its access entry exists: a managed group created first
        // would have EKS create the same entry, and ours would then fail.
        block(
            "output",
            &["node_role_arn"],
            vec![
                attr("description", s("The node IAM role's ARN.")),
                attr("value", ex("aws_iam_role.nodes.arn")),
                attr("depends_on", ex("[aws_eks_access_entry.this]")),
            ],
        ),
        output("service_cidr", "The Kubernetes services block.", ex("aws_eks_cluster.this.kubernetes_network_config[0].service_ipv4_cidr")),
        output("node_instance_profile", "The node instance profile (self-managed groups).", ex("aws_iam_instance_profile.nodes.name")),
        output("secrets_kms_key_arn", "The key that encrypts secrets.", ex("var.secrets_encryption ? local.secrets_key_arn : null")),
    ];
    Module { name: "eks", aliases: &[], variables, main, outputs }
}
