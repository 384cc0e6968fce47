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
    /// The ARN pattern `arn:aws:<service>:<region>:<account>:<resource>` in the stack's region and account.
    fn regional_arn(&mut self, service: &str, resource: &str) -> Expression;
    /// For a grant resource naming a cache's AUTH token (`cache:<name>`): the ARN pattern of its
    /// secret, and the cache's region.
    fn cache_token(&mut self, resource: &str) -> Option<(Expression, String)>;
    /// The ARN pattern of every KMS key of the account in a region.
    fn keys_in(&mut self, region: &str) -> Expression;
    /// The ARN pattern of the HTTP paths of a search domain by spec name.
    fn search_domain_arn(&mut self, name: &str) -> Expression;
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
        Opensearch => (&["es:ESHttpGet", "es:ESHttpHead"], &["es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete", "es:ESHttpPatch"]),
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
        Opensearch => "es:*",
    };
    match access {
        Read => read.to_vec(),
        Write => write.to_vec(),
        ReadWrite | EncryptDecrypt => read.iter().chain(write.iter()).copied().collect(),
        Full => vec![prefix],
    }
}

/// Actions of a service that IAM scopes to a resource type of the account (log groups, alarms),
/// with that type's ARN pattern in the stack's region: a grant that names no resources gets them
/// on every such resource of the account in the region rather than on `*`.
fn account_scoped(service: GrantService) -> Option<(&'static [&'static str], &'static str, &'static str)> {
    match service {
        GrantService::Logs => Some((
            &["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "logs",
            "log-group:*",
        )),
        GrantService::Cloudwatch => Some((&["cloudwatch:DescribeAlarms"], "cloudwatch", "alarm:*")),
        _ => None,
    }
}

/// The statements of a role's grants, in spec order: one per grant, or two for a grant that names
/// no resources and holds actions IAM scopes to the account's resources.
pub fn grant_policy(grants: &[Grant], resolve: &mut dyn Resolve) -> Expression {
    let mut statements = Vec::new();
    for (i, g) in grants.iter().enumerate() {
        let sid = format!("Grant{}{}", i + 1, serde_name(&g.service).replace('-', ""));
        let names: Vec<&str> = g.resources.iter().map(String::as_str).collect();
        let mut allowed = actions(g.service, g.access);
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
            GrantService::SecretsManager if !names.is_empty() => names
                .iter()
                .map(|n| match resolve.cache_token(n) {
                    Some((arn, _)) => arn,
                    None => resolve.secret_arn(Some(n)),
                })
                .collect(),
            GrantService::SecretsManager => vec![resolve.secret_arn(None)],
            GrantService::Logs if !names.is_empty() => names.iter().map(|n| resolve.log_group_arn(Some(n))).collect(),
            GrantService::Opensearch if !names.is_empty() => names.iter().map(|n| resolve.search_domain_arn(n)).collect(),
            _ => vec![s("*")],
        };
        if names.is_empty()
            && let Some((scoped, service, resource)) = account_scoped(g.service)
            && allowed.iter().any(|a| scoped.contains(a))
        {
            let (inside, rest): (Vec<&str>, Vec<&str>) = allowed.iter().copied().partition(|a| scoped.contains(a));
            statements.push(obj([
                ("Sid", s(format!("{sid}InAccount"))),
                ("Effect", s("Allow")),
                ("Action", strs(inside)),
                ("Resource", list([resolve.regional_arn(service, resource)])),
            ]));
            allowed = rest;
            if allowed.is_empty() {
                continue;
            }
        }
        // A cache's AUTH token is encrypted by a key the spec may not name (the stack's key for
        // caches without one): reading it brings decryption through Secrets Manager, for that
        // secret only.
        let tokens: Vec<(Expression, String)> = if g.service == GrantService::SecretsManager && allowed.contains(&"secretsmanager:GetSecretValue") {
            names.iter().filter_map(|n| resolve.cache_token(n)).collect()
        } else {
            Vec::new()
        };
        let decrypt_sid = format!("{sid}TokenKeys");
        statements.push(obj([("Sid", s(sid)), ("Effect", s("Allow")), ("Action", strs(allowed)), ("Resource", list(resources))]));
        for (j, (arn, region)) in tokens.into_iter().enumerate() {
            statements.push(obj([
                ("Sid", s(format!("{decrypt_sid}{}", j + 1))),
                ("Effect", s("Allow")),
                ("Action", strs(["kms:Decrypt"])),
                ("Resource", list([resolve.keys_in(&region)])),
                (
                    "Condition",
                    obj([
                        ("StringEquals", obj([("kms:ViaService", s(format!("secretsmanager.{region}.amazonaws.com")))])),
                        ("StringLike", obj([("kms:EncryptionContext:SecretARN", arn)])),
                    ]),
                ),
            ]));
        }
    }
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
                "Action": ["autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements"],
                "Resource": "*"
            },
            {
                "Sid": "DescribeNodeGroups",
                "Effect": "Allow",
                "Action": ["eks:DescribeNodegroup"],
                "Resource": "arn:aws:eks:*:*:nodegroup/*/*/*"
            },
            {
                "Sid": "ScaleTaggedGroups",
                "Effect": "Allow",
                "Action": ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                "Resource": "*",
                "Condition": { "StringEquals": { "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true" } }
            }
        ]),
        // The controller's published policy at the version the examples pin (chart 1.14.1, app
        // v2.14.1): what it creates carries the `elbv2.k8s.aws/cluster` tag at creation
        // (`aws:RequestTag`), and it changes or deletes only what carries it (`aws:ResourceTag`).
        PolicyTemplate::AwsLoadBalancerController => {
            let tagged_on_create = json!({ "Null": { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } });
            let tagged = json!({ "Null": { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } });
            let retag = json!({ "Null": { "aws:RequestTag/elbv2.k8s.aws/cluster": "true", "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } });
            let security_groups = "arn:aws:ec2:*:*:security-group/*";
            let balancers = ["arn:aws:elasticloadbalancing:*:*:targetgroup/*/*", "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*", "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*"];
            json!([
                {
                    "Sid": "ServiceLinkedRole",
                    "Effect": "Allow",
                    "Action": "iam:CreateServiceLinkedRole",
                    "Resource": "*",
                    "Condition": { "StringEquals": { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } }
                },
                {
                    "Sid": "Describe",
                    "Effect": "Allow",
                    "Action": ["ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways", "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:GetCoipPoolUsage", "ec2:DescribeCoipPools", "ec2:GetSecurityGroupsForVpc", "ec2:DescribeIpamPools", "ec2:DescribeRouteTables", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates", "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeCapacityReservation"],
                    "Resource": "*"
                },
                {
                    "Sid": "CertificatesAndFirewalls",
                    "Effect": "Allow",
                    "Action": ["cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate", "iam:ListServerCertificates", "iam:GetServerCertificate", "waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL", "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection"],
                    "Resource": "*"
                },
                {
                    "Sid": "IngressOfAnyGroup",
                    "Effect": "Allow",
                    "Action": ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
                    "Resource": "*"
                },
                { "Sid": "CreateSecurityGroups", "Effect": "Allow", "Action": "ec2:CreateSecurityGroup", "Resource": "*" },
                {
                    "Sid": "TagSecurityGroupsOnCreate",
                    "Effect": "Allow",
                    "Action": "ec2:CreateTags",
                    "Resource": security_groups,
                    "Condition": { "StringEquals": { "ec2:CreateAction": "CreateSecurityGroup" }, "Null": { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } }
                },
                {
                    "Sid": "RetagOwnSecurityGroups",
                    "Effect": "Allow",
                    "Action": ["ec2:CreateTags", "ec2:DeleteTags"],
                    "Resource": security_groups,
                    "Condition": retag
                },
                {
                    "Sid": "ChangeOwnSecurityGroups",
                    "Effect": "Allow",
                    "Action": ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
                    "Resource": "*",
                    "Condition": tagged
                },
                {
                    "Sid": "CreateTaggedLoadBalancers",
                    "Effect": "Allow",
                    "Action": ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
                    "Resource": "*",
                    "Condition": tagged_on_create
                },
                {
                    "Sid": "ListenersAndRules",
                    "Effect": "Allow",
                    "Action": ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"],
                    "Resource": "*"
                },
                {
                    "Sid": "RetagOwnLoadBalancers",
                    "Effect": "Allow",
                    "Action": ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
                    "Resource": balancers,
                    "Condition": retag
                },
                {
                    "Sid": "TagListenersAndRules",
                    "Effect": "Allow",
                    "Action": ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
                    "Resource": ["arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*", "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*", "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*", "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*"]
                },
                {
                    "Sid": "ChangeOwnLoadBalancers",
                    "Effect": "Allow",
                    "Action": ["elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools"],
                    "Resource": "*",
                    "Condition": tagged
                },
                {
                    "Sid": "TagLoadBalancersOnCreate",
                    "Effect": "Allow",
                    "Action": "elasticloadbalancing:AddTags",
                    "Resource": balancers,
                    "Condition": { "StringEquals": { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, "Null": { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } }
                },
                {
                    "Sid": "Targets",
                    "Effect": "Allow",
                    "Action": ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
                    "Resource": "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*"
                },
                {
                    "Sid": "ListenerSettings",
                    "Effect": "Allow",
                    "Action": ["elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities"],
                    "Resource": "*"
                }
            ])
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::inline_pub;

    /// Names ARNs after their inputs, with one cache `main` in us-west-2.
    struct Names;

    impl Resolve for Names {
        fn bucket_arn(&mut self, name: &str) -> Expression {
            s(format!("bucket/{name}"))
        }
        fn kms_arn(&mut self, name: &str) -> Expression {
            s(format!("key/{name}"))
        }
        fn secret_arn(&mut self, name: Option<&str>) -> Expression {
            s(format!("secret/{}", name.unwrap_or("*")))
        }
        fn log_group_arn(&mut self, name: Option<&str>) -> Expression {
            s(format!("log-group/{}", name.unwrap_or("*")))
        }
        fn regional_arn(&mut self, service: &str, resource: &str) -> Expression {
            s(format!("{service}/here/{resource}"))
        }
        fn cache_token(&mut self, resource: &str) -> Option<(Expression, String)> {
            (resource == "cache:main").then(|| (s("secret/redis/main/auth-token-*"), "us-west-2".to_owned()))
        }
        fn keys_in(&mut self, region: &str) -> Expression {
            s(format!("key/{region}/*"))
        }
        fn search_domain_arn(&mut self, name: &str) -> Expression {
            s(format!("domain/{name}/*"))
        }
    }

    fn grant(service: GrantService, resources: &[&str], access: AccessLevel) -> Grant {
        Grant { service, resources: resources.iter().map(|r| r.to_string()).collect(), access }
    }

    #[test]
    fn a_cache_token_grant_reads_its_secret_and_decrypts_through_secrets_manager_only() {
        let doc = inline_pub(&grant_policy(&[grant(GrantService::SecretsManager, &["cache:main", "db"], AccessLevel::Read)], &mut Names));
        assert!(doc.contains(r#"Resource = ["secret/redis/main/auth-token-*", "secret/db"]"#), "{doc}");
        assert!(
            doc.contains(r#"Action = ["kms:Decrypt"], Resource = ["key/us-west-2/*"], Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.us-west-2.amazonaws.com" }, StringLike = { "kms:EncryptionContext:SecretARN" = "secret/redis/main/auth-token-*" } }"#),
            "{doc}"
        );
    }

    #[test]
    fn a_search_grant_names_the_domains_http_paths_and_reads_with_get_and_head() {
        let doc = inline_pub(&grant_policy(&[grant(GrantService::Opensearch, &["events"], AccessLevel::Read), grant(GrantService::Opensearch, &["events"], AccessLevel::ReadWrite)], &mut Names));
        assert!(doc.contains(r#"Sid = "Grant1opensearch", Effect = "Allow", Action = ["es:ESHttpGet", "es:ESHttpHead"], Resource = ["domain/events/*"]"#), "{doc}");
        assert!(doc.contains(r#"Action = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete", "es:ESHttpPatch"], Resource = ["domain/events/*"]"#), "{doc}");
    }

    #[test]
    fn an_unnamed_logs_grant_scopes_what_iam_can_to_the_account_log_groups() {
        let doc = inline_pub(&grant_policy(&[grant(GrantService::Logs, &[], AccessLevel::Read), grant(GrantService::Ec2, &[], AccessLevel::Read)], &mut Names));
        assert!(doc.contains(r#"Sid = "Grant1logsInAccount", Effect = "Allow", Action = ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults"], Resource = ["logs/here/log-group:*"]"#), "{doc}");
        assert!(doc.contains(r#"Sid = "Grant1logs", Effect = "Allow", Action = ["logs:DescribeLogGroups"], Resource = ["*"]"#), "{doc}");
        assert!(doc.contains(r#"Sid = "Grant2ec2", Effect = "Allow", Action = ["ec2:Describe*"], Resource = ["*"]"#), "{doc}");
    }

    #[test]
    fn the_load_balancer_controller_creates_tagged_and_deletes_only_what_it_tagged() {
        let doc = template_policy(PolicyTemplate::AwsLoadBalancerController).unwrap();
        let statements = doc["Statement"].as_array().unwrap();
        let conditioned = |action: &str, key: &str| {
            let holding: Vec<&serde_json::Value> = statements
                .iter()
                .filter(|st| match &st["Action"] {
                    serde_json::Value::String(a) => a == action,
                    v => v.as_array().unwrap().iter().any(|a| a == action),
                })
                .collect();
            assert!(!holding.is_empty(), "{action} is granted");
            holding.iter().all(|st| st["Condition"]["Null"][key] == "false")
        };
        for action in ["ec2:DeleteSecurityGroup", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyLoadBalancerAttributes"] {
            assert!(conditioned(action, "aws:ResourceTag/elbv2.k8s.aws/cluster"), "{action} needs the cluster tag on the resource");
        }
        for action in ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"] {
            assert!(conditioned(action, "aws:RequestTag/elbv2.k8s.aws/cluster"), "{action} needs the cluster tag in the request");
        }
    }
}
