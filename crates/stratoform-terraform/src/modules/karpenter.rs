//! `modules/karpenter`: what Karpenter needs in AWS for one cluster — the node IAM role its
//! EC2NodeClass names (`<cluster>-karpenter-node`) with an `EC2_LINUX` access entry, the
//! controller policy scoped the way Karpenter's reference policy scopes it (request and resource
//! tags `kubernetes.io/cluster/<cluster> = owned`, `eks:eks-cluster-name`, `karpenter.sh/nodepool`,
//! `karpenter.k8s.aws/ec2nodeclass`, the region), and optionally the interruption queue with its
//! EventBridge rules.

use hcl::structure::Structure;

use crate::dsl::*;
use crate::modules::{service_trust, Module};
use crate::modules::eks::NODE_POLICIES;

/// The EventBridge rules that feed the interruption queue: key, source, detail type.
const INTERRUPTION_EVENTS: &[(&str, &str, &str)] = &[
    ("health", "aws.health", "AWS Health Event"),
    ("spot", "aws.ec2", "EC2 Spot Instance Interruption Warning"),
    ("rebalance", "aws.ec2", "EC2 Instance Rebalance Recommendation"),
    ("state", "aws.ec2", "EC2 Instance State-change Notification"),
];

/// One `condition { test, variable, values }` of a policy document statement.
fn condition(test: &str, variable: &str, values: &str) -> Structure {
    block("condition", &[], vec![attr("test", s(test)), attr("variable", ex(variable)), attr("values", ex(values))])
}

/// One `statement` of a policy document.
fn statement(sid: &str, actions: &[&str], resources: &str, conditions: Vec<Structure>) -> Structure {
    let mut body = vec![attr("sid", s(sid)), attr("actions", strs(actions.iter().copied())), attr("resources", ex(resources))];
    body.extend(conditions);
    block("statement", &[], body)
}

const CLUSTER_OWNED_REQUEST: &str = r#""aws:RequestTag/kubernetes.io/cluster/${var.cluster_name}""#;
const CLUSTER_OWNED_RESOURCE: &str = r#""ec2:ResourceTag/kubernetes.io/cluster/${var.cluster_name}""#;
const IAM_CLUSTER_OWNED_RESOURCE: &str = r#""aws:ResourceTag/kubernetes.io/cluster/${var.cluster_name}""#;

fn controller_policy() -> Structure {
    let tagged = r#"[for t in ["fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request"] : "${local.ec2}:*:${t}/*"]"#;
    let run = ["ec2:RunInstances", "ec2:CreateFleet"];
    let owned_request = || {
        vec![
            condition("StringEquals", CLUSTER_OWNED_REQUEST, r#"["owned"]"#),
            condition("StringEquals", r#""aws:RequestTag/eks:eks-cluster-name""#, "[var.cluster_name]"),
            condition("StringLike", r#""aws:RequestTag/karpenter.sh/nodepool""#, r#"["*"]"#),
        ]
    };
    let owned_resource = || {
        vec![
            condition("StringEquals", CLUSTER_OWNED_RESOURCE, r#"["owned"]"#),
            condition("StringLike", r#""ec2:ResourceTag/karpenter.sh/nodepool""#, r#"["*"]"#),
        ]
    };
    let profile_resource = || {
        vec![
            condition("StringEquals", IAM_CLUSTER_OWNED_RESOURCE, r#"["owned"]"#),
            condition("StringEquals", r#""aws:ResourceTag/topology.kubernetes.io/region""#, "[local.region]"),
            condition("StringLike", r#""aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass""#, r#"["*"]"#),
        ]
    };
    let profile_request = || {
        vec![
            condition("StringEquals", CLUSTER_OWNED_REQUEST, r#"["owned"]"#),
            condition("StringEquals", r#""aws:RequestTag/eks:eks-cluster-name""#, "[var.cluster_name]"),
            condition("StringEquals", r#""aws:RequestTag/topology.kubernetes.io/region""#, "[local.region]"),
            condition("StringLike", r#""aws:RequestTag/karpenter.k8s.aws/ec2nodeclass""#, r#"["*"]"#),
        ]
    };
    let mut creation_tagging = owned_request();
    creation_tagging.push(condition("StringEquals", r#""ec2:CreateAction""#, r#"["RunInstances", "CreateFleet", "CreateLaunchTemplate"]"#));
    let mut profile_tagging = profile_resource();
    profile_tagging.extend(profile_request());
    let statements = vec![
        statement(
            "AllowScopedEC2InstanceAccessActions",
            &run,
            r#"["${local.ec2}::image/*", "${local.ec2}::snapshot/*", "${local.ec2}:*:security-group/*", "${local.ec2}:*:subnet/*", "${local.ec2}:*:capacity-reservation/*"]"#,
            vec![],
        ),
        statement("AllowScopedEC2LaunchTemplateAccessActions", &run, r#"["${local.ec2}:*:launch-template/*"]"#, owned_resource()),
        statement("AllowScopedEC2InstanceActionsWithTags", &["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"], tagged, owned_request()),
        statement("AllowScopedResourceCreationTagging", &["ec2:CreateTags"], tagged, creation_tagging),
        statement("AllowScopedResourceTagging", &["ec2:CreateTags"], r#"["${local.ec2}:*:instance/*"]"#, {
            let mut c = owned_resource();
            c.push(condition("StringEqualsIfExists", r#""aws:RequestTag/eks:eks-cluster-name""#, "[var.cluster_name]"));
            c.push(condition("ForAllValues:StringEquals", r#""aws:TagKeys""#, r#"["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"]"#));
            c
        }),
        statement(
            "AllowScopedDeletion",
            &["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            r#"["${local.ec2}:*:instance/*", "${local.ec2}:*:launch-template/*"]"#,
            owned_resource(),
        ),
        statement(
            "AllowRegionalReadActions",
            &[
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeCapacityReservations",
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSpotPriceHistory",
                "ec2:DescribeSubnets",
            ],
            r#"["*"]"#,
            vec![condition("StringEquals", r#""aws:RequestedRegion""#, "[local.region]")],
        ),
        statement("AllowSSMReadActions", &["ssm:GetParameter"], r#"["arn:${local.partition}:ssm:${local.region}::parameter/aws/service/*"]"#, vec![]),
        statement("AllowPricingReadActions", &["pricing:GetProducts"], r#"["*"]"#, vec![]),
        statement(
            "AllowPassingInstanceRole",
            &["iam:PassRole"],
            "[aws_iam_role.node.arn]",
            vec![condition("StringEquals", r#""iam:PassedToService""#, r#"["ec2.amazonaws.com"]"#)],
        ),
        statement("AllowScopedInstanceProfileCreationActions", &["iam:CreateInstanceProfile"], "[local.instance_profiles]", profile_request()),
        statement("AllowScopedInstanceProfileTagActions", &["iam:TagInstanceProfile"], "[local.instance_profiles]", profile_tagging),
        statement(
            "AllowScopedInstanceProfileActions",
            &["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
            "[local.instance_profiles]",
            profile_resource(),
        ),
        statement("AllowInstanceProfileReadActions", &["iam:GetInstanceProfile", "iam:ListInstanceProfiles"], "[local.instance_profiles]", vec![]),
        statement("AllowAPIServerEndpointDiscovery", &["eks:DescribeCluster"], "[var.cluster_arn]", vec![]),
        block(
            "dynamic",
            &["statement"],
            vec![
                attr("for_each", ex("aws_sqs_queue.this")),
                block(
                    "content",
                    &[],
                    vec![
                        attr("sid", s("AllowInterruptionQueueActions")),
                        attr("actions", strs(["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"])),
                        attr("resources", ex("[statement.value.arn]")),
                    ],
                ),
            ],
        ),
    ];
    block("data", &["aws_iam_policy_document", "controller"], statements)
}

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("cluster_name", "string", "The EKS cluster; it names the node role, the queue and every tag condition.", None),
        variable("cluster_arn", "string", "The EKS cluster's ARN (the controller reads its endpoint).", None),
        variable("interruption_queue", "bool", "Whether to create the interruption queue and its EventBridge rules.", Some(false.into())),
    ];
    let events = obj(INTERRUPTION_EVENTS.iter().map(|(k, source, detail)| (*k, obj([("source", strs([*source])), ("detail-type", strs([*detail]))]))));
    let main = vec![
        block("data", &["aws_region", "current"], vec![]),
        block("data", &["aws_partition", "current"], vec![]),
        block("data", &["aws_caller_identity", "current"], vec![]),
        block(
            "locals",
            &[],
            vec![
                attr("region", ex("data.aws_region.current.name")),
                attr("partition", ex("data.aws_partition.current.partition")),
                attr("ec2", ex(r#""arn:${local.partition}:ec2:${local.region}""#)),
                attr("instance_profiles", ex(r#""arn:${local.partition}:iam::${data.aws_caller_identity.current.account_id}:instance-profile/*""#)),
                attr("events", ex("{ for k, v in local.interruption_events : k => v if var.interruption_queue }")),
                attr("interruption_events", events),
            ],
        ),
        // Nodes: the role the EC2NodeClass names; Karpenter creates the instance profile itself.
        block(
            "resource",
            &["aws_iam_role", "node"],
            vec![attr("name", ex(r#""${var.cluster_name}-karpenter-node""#)), attr("assume_role_policy", service_trust("ec2.amazonaws.com"))],
        ),
        block(
            "resource",
            &["aws_iam_role_policy_attachment", "node"],
            vec![
                attr("for_each", ex(&format!("toset([{}])", NODE_POLICIES.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(", ")))),
                attr("role", ex("aws_iam_role.node.name")),
                attr("policy_arn", ex("each.key")),
            ],
        ),
        // Nodes join the cluster through an access entry of type EC2_LINUX.
        block(
            "resource",
            &["aws_eks_access_entry", "this"],
            vec![
                attr("for_each", ex(r#"{ node = "EC2_LINUX" }"#)),
                attr("cluster_name", ex("var.cluster_name")),
                attr("principal_arn", ex("aws_iam_role.node.arn")),
                attr("type", ex("each.value")),
            ],
        ),
        // Interruption handling: EventBridge delivers the warnings to a queue the controller drains.
        block(
            "resource",
            &["aws_sqs_queue", "this"],
            vec![
                attr("for_each", ex(r#"var.interruption_queue ? toset(["interruption"]) : toset([])"#)),
                attr("name", ex("var.cluster_name")),
                attr("message_retention_seconds", n(300)),
                attr("sqs_managed_sse_enabled", true),
            ],
        ),
        block(
            "resource",
            &["aws_sqs_queue_policy", "this"],
            vec![
                attr("for_each", ex("aws_sqs_queue.this")),
                attr("queue_url", ex("each.value.url")),
                attr(
                    "policy",
                    call(
                        "jsonencode",
                        [obj([
                            ("Version", s("2012-10-17")),
                            (
                                "Statement",
                                list([
                                    obj([
                                        ("Sid", s("EventBridgeDelivers")),
                                        ("Effect", s("Allow")),
                                        ("Principal", obj([("Service", strs(["events.amazonaws.com", "sqs.amazonaws.com"]))])),
                                        ("Action", s("sqs:SendMessage")),
                                        ("Resource", ex("each.value.arn")),
                                    ]),
                                    obj([
                                        ("Sid", s("DenyInsecureTransport")),
                                        ("Effect", s("Deny")),
                                        ("Principal", s("*")),
                                        ("Action", s("sqs:*")),
                                        ("Resource", ex("each.value.arn")),
                                        ("Condition", obj([("Bool", obj([("aws:SecureTransport", s("false"))]))])),
                                    ]),
                                ]),
                            ),
                        ])],
                    ),
                ),
            ],
        ),
        block(
            "resource",
            &["aws_cloudwatch_event_rule", "this"],
            vec![
                attr("for_each", ex("local.events")),
                attr("name", ex(r#""${var.cluster_name}-karpenter-${each.key}""#)),
                attr("description", ex(r#""Karpenter interruption handling of ${var.cluster_name}: ${each.value["detail-type"][0]}""#)),
                attr("event_pattern", ex("jsonencode(each.value)")),
            ],
        ),
        block(
            "resource",
            &["aws_cloudwatch_event_target", "this"],
            vec![
                attr("for_each", ex("local.events")),
                attr("rule", ex("aws_cloudwatch_event_rule.this[each.key].name")),
                attr("target_id", s("karpenter-interruption-queue")),
                attr("arn", ex(r#"aws_sqs_queue.this["interruption"].arn"#)),
            ],
        ),
        controller_policy(),
        block(
            "resource",
            &["aws_iam_policy", "controller"],
            vec![
                attr("name", ex(r#""${var.cluster_name}-karpenter-controller""#)),
                attr("description", ex(r#""What the Karpenter controller of ${var.cluster_name} needs, scoped to its own nodes""#)),
                attr("policy", ex("data.aws_iam_policy_document.controller.json")),
            ],
        ),
    ];
    let outputs = vec![
        output("node_role_arn", "The node IAM role's ARN.", ex("aws_iam_role.node.arn")),
        output("node_role_name", "The node IAM role's name (the EC2NodeClass's `role`).", ex("aws_iam_role.node.name")),
        output("controller_policy_arn", "The controller policy, for the controller's role.", ex("aws_iam_policy.controller.arn")),
        output("interruption_queue", "The interruption queue's name (the chart's `settings.interruptionQueue`), or null.", ex(r#"var.interruption_queue ? aws_sqs_queue.this["interruption"].name : null"#)),
    ];
    Module { name: "karpenter", aliases: &[], variables, main, outputs }
}
