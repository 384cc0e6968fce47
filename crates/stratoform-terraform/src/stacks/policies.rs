//! IAM policy documents: least-privilege statements from a role's `grants`, scoped to the named
//! buckets, keys, secrets and log groups, and the well-known policy templates.

use hcl::Expression;
use stratoform_spec::{AccessLevel, Grant, GrantService, PolicyTemplate};

use crate::dsl::*;

/// How a grant's named resources become ARNs in the calling stack.
pub trait Resolve {
    /// The ARN of a bucket by spec name.
    fn bucket_arn(&mut self, name: &str) -> Expression;
    /// The ARN of a KMS key by spec name.
    fn kms_arn(&mut self, name: &str) -> Expression;
    /// The ARN pattern of a secret by spec name (`None`: every secret of the environment).
    fn secret_arn(&mut self, name: Option<&str>) -> Expression;
    /// A log group ARN pattern (`None`: every group).
    fn log_group_arn(&mut self, name: Option<&str>) -> Expression;
}

fn actions(service: GrantService, access: AccessLevel) -> Vec<&'static str> {
    use AccessLevel::*;
    use GrantService::*;
    let (read, write): (&[&str], &[&str]) = match service {
        S3 => (&["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation"], &["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]),
        Kms => (&["kms:Decrypt", "kms:DescribeKey"], &["kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"]),
        SecretsManager => (&["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], &["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret", "secretsmanager:CreateSecret", "secretsmanager:TagResource"]),
        Ec2 => (&["ec2:Describe*"], &["ec2:CreateTags", "ec2:CreateVolume", "ec2:DeleteVolume", "ec2:AttachVolume", "ec2:DetachVolume", "ec2:CreateSnapshot", "ec2:DeleteSnapshot"]),
        Cloudwatch => (&["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics", "cloudwatch:DescribeAlarms"], &["cloudwatch:PutMetricData"]),
        Logs => (&["logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults"], &["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]),
        Autoscaling => (&["autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeTags"], &["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]),
        Elasticloadbalancing => (&["elasticloadbalancing:Describe*"], &["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]),
        Route53 => (&["route53:ListHostedZones", "route53:ListResourceRecordSets", "route53:GetChange"], &["route53:ChangeResourceRecordSets"]),
        Sqs => (&["sqs:ReceiveMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"], &["sqs:SendMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]),
    };
    let prefix = match service {
        S3 => "s3:*",
        Kms => "kms:*",
        SecretsManager => "secretsmanager:*",
        Ec2 => "ec2:*",
        Cloudwatch => "cloudwatch:*",
        Logs => "logs:*",
        Autoscaling => "autoscaling:*",
        Elasticloadbalancing => "elasticloadbalancing:*",
        Route53 => "route53:*",
        Sqs => "sqs:*",
    };
    match access {
        Read => read.to_vec(),
        Write => write.to_vec(),
        ReadWrite | EncryptDecrypt => read.iter().chain(write.iter()).copied().collect(),
        Full => vec![prefix],
    }
}

/// The statements of a role's grants, one per grant, in spec order.
pub fn grant_policy(grants: &[Grant], resolve: &mut dyn Resolve) -> Expression {
    let statements = grants
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let names: Vec<&str> = g.resources.iter().map(String::as_str).collect();
            let resources: Vec<Expression> = match g.service {
                GrantService::S3 if !names.is_empty() => names
                    .iter()
                    .flat_map(|n| {
                        let arn = resolve.bucket_arn(n);
                        let objects = call("format", [s("%s/*"), arn.clone()]);
                        [arn, objects]
                    })
                    .collect(),
                GrantService::Kms if !names.is_empty() => names.iter().map(|n| resolve.kms_arn(n)).collect(),
                GrantService::SecretsManager if !names.is_empty() => names.iter().map(|n| resolve.secret_arn(Some(n))).collect(),
                GrantService::SecretsManager => vec![resolve.secret_arn(None)],
                GrantService::Logs if !names.is_empty() => names.iter().map(|n| resolve.log_group_arn(Some(n))).collect(),
                _ => vec![s("*")],
            };
            obj([
                ("Sid", s(format!("Grant{}{}", i + 1, crate::stacks::serde_name(&g.service).replace('-', "")))),
                ("Effect", s("Allow")),
                ("Action", strs(actions(g.service, g.access))),
                ("Resource", list(resources)),
            ])
        })
        .collect::<Vec<_>>();
    policy_document(statements)
}

/// What the EBS CSI driver needs on a customer managed key to create, attach and read encrypted
/// volumes: grants for the EBS and EC2 services (only for AWS resources), and the data key calls.
pub fn ebs_csi_key_policy(keys: Vec<Expression>) -> Expression {
    policy_document([
        obj([
            ("Sid", s("EbsCsiGrants")),
            ("Effect", s("Allow")),
            ("Action", strs(["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"])),
            ("Resource", list(keys.clone())),
            ("Condition", obj([("Bool", obj([("kms:GrantIsForAWSResource", s("true"))]))])),
        ]),
        obj([
            ("Sid", s("EbsCsiDataKeys")),
            ("Effect", s("Allow")),
            ("Action", strs(["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"])),
            ("Resource", list(keys)),
        ]),
    ])
}

/// What the role of a cluster's registry credentials refresher needs: an ECR token
/// (`ecr:GetAuthorizationToken`, an action IAM scopes to no resource), and, since the token carries
/// the rights of the role that asked for it, pulling the charts Argo CD reads from the registries'
/// repositories, and no others.
pub fn registry_auth_policy(repository_arns: &[String]) -> Expression {
    policy_document([
        obj([("Sid", s("EcrToken")), ("Effect", s("Allow")), ("Action", strs(["ecr:GetAuthorizationToken"])), ("Resource", s("*"))]),
        obj([
            ("Sid", s("PullCharts")),
            ("Effect", s("Allow")),
            ("Action", strs(["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"])),
            ("Resource", strs(repository_arns.iter().cloned())),
        ]),
    ])
}

/// The statements of a well-known policy.
pub fn template_policy(template: PolicyTemplate) -> Option<serde_json::Value> {
    use serde_json::json;
    let statements = match template {
        PolicyTemplate::Custom => return None,
        PolicyTemplate::ClusterAutoscaler => json!([
            {
                "Sid": "Describe",
                "Effect": "Allow",
                "Action": ["autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements", "eks:DescribeNodegroup"],
                "Resource": "*"
            },
            {
                "Sid": "ScaleTaggedGroups",
                "Effect": "Allow",
                "Action": ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                "Resource": "*",
                "Condition": { "StringEquals": { "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true" } }
            }
        ]),
        PolicyTemplate::AwsLoadBalancerController => json!([
            {
                "Sid": "Describe",
                "Effect": "Allow",
                "Action": ["ec2:Describe*", "elasticloadbalancing:Describe*", "acm:ListCertificates", "acm:DescribeCertificate", "iam:ListServerCertificates", "iam:GetServerCertificate", "waf-regional:GetWebACLForResource", "wafv2:GetWebACLForResource", "shield:GetSubscriptionState", "cognito-idp:DescribeUserPoolClient"],
                "Resource": "*"
            },
            {
                "Sid": "ServiceLinkedRole",
                "Effect": "Allow",
                "Action": "iam:CreateServiceLinkedRole",
                "Resource": "*",
                "Condition": { "StringEquals": { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } }
            },
            {
                "Sid": "SecurityGroups",
                "Effect": "Allow",
                "Action": ["ec2:CreateSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
                "Resource": "*"
            },
            {
                "Sid": "LoadBalancers",
                "Effect": "Allow",
                "Action": ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:CreateListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:SetWebAcl"],
                "Resource": "*"
            }
        ]),
        PolicyTemplate::KarpenterController => json!([
            {
                "Sid": "Provision",
                "Effect": "Allow",
                "Action": ["ec2:CreateFleet", "ec2:CreateLaunchTemplate", "ec2:CreateTags", "ec2:RunInstances", "ec2:DeleteLaunchTemplate", "ec2:TerminateInstances", "ec2:Describe*", "pricing:GetProducts", "ssm:GetParameter", "iam:PassRole", "iam:GetInstanceProfile", "iam:CreateInstanceProfile", "iam:TagInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile", "eks:DescribeCluster", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueUrl"],
                "Resource": "*"
            }
        ]),
        PolicyTemplate::ExternalDns => json!([
            { "Sid": "ChangeRecords", "Effect": "Allow", "Action": ["route53:ChangeResourceRecordSets"], "Resource": "arn:aws:route53:::hostedzone/*" },
            { "Sid": "List", "Effect": "Allow", "Action": ["route53:ListHostedZones", "route53:ListResourceRecordSets", "route53:ListTagsForResource"], "Resource": "*" }
        ]),
        PolicyTemplate::CertManagerRoute53 => json!([
            { "Sid": "Change", "Effect": "Allow", "Action": "route53:GetChange", "Resource": "arn:aws:route53:::change/*" },
            { "Sid": "Records", "Effect": "Allow", "Action": ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"], "Resource": "arn:aws:route53:::hostedzone/*" },
            { "Sid": "Zones", "Effect": "Allow", "Action": "route53:ListHostedZonesByName", "Resource": "*" }
        ]),
    };
    Some(json!({ "Version": "2012-10-17", "Statement": statements }))
}
