//! The checkov checks the rendered Terraform fails on purpose, each with its reason, written into
//! the resource block as checkov's inline suppression `#checkov:skip=<ID>:<reason>` so that a plain
//! `checkov -d terraform/` shows the reason next to the resource and fails on nothing else. This
//! file is the only place the reasons live.
//!
//! A skip is attached in one of three ways:
//! - [`annotate`] gives the resources of a module the skips of [`MODULE_RESOURCES`] (modules do not
//!   depend on the spec, so neither do these reasons) and, in modules and stacks alike, the skips of
//!   [`RULES`] that a resource's own attributes call for;
//! - a stack writes [`markers`] of a skip that depends on the spec into the resource or module call
//!   it renders (a module call's skip applies to the resources of that call only);
//! - [`template_policy_skips`] and the `*_skip` functions give those reasons.

use hcl::expr::Expression;
use hcl::structure::{Block, Structure};
use stratoform_spec::PolicyTemplate;

/// The key of the marker attribute the printer writes as a skip comment.
pub const MARKER: &str = "__checkov_skip__";

/// One skipped check and why it does not apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    /// The checkov check ID, such as `CKV_AWS_338`.
    pub check: &'static str,
    /// Why; one line.
    pub reason: String,
}

impl Skip {
    fn new(check: &'static str, reason: &str) -> Self {
        Skip { check, reason: reason.to_owned() }
    }
}

/// The skips of one module resource: module directory, resource type, resource name, and
/// (check ID, reason) pairs.
pub struct ResourceSkips {
    /// The module directory under `modules/`.
    pub module: &'static str,
    /// The resource type.
    pub ty: &'static str,
    /// The resource name.
    pub name: &'static str,
    /// (check ID, reason).
    pub skips: &'static [(&'static str, &'static str)],
}

const DELETION_PROTECTION: &str = "deletion protection is `var.deletion_protection`, on by default in production and off in development environments, which are destroyed and rebuilt; rule REL008 fails a production data store or load balancer without it";

const LOG_RETENTION: &str = "retention is a spec setting (`clusters[].logRetention`, `vpcs[].flowLogs.retention`, `logGroups[].retention`), 90 days by default to bound cost; a platform with a compliance requirement states a longer one";

const NO_AUTO_MINOR: &str = "engine versions are pinned in the spec (`databases[].version`) and changed in reviewed commits; automatic minor upgrades would make the running version drift from the spec and from `terraform plan`";

const NO_PERFORMANCE_INSIGHTS: &str = "Performance Insights is off: its availability depends on engine, version and instance class (the small burstable classes have none), and the designs alarm on the standard RDS metrics and exported logs; query-level tuning is done on demand, not kept running";

const NO_ENHANCED_MONITORING: &str = "enhanced monitoring needs a monitoring role and writes OS metrics per instance into CloudWatch Logs at extra cost; the designs alarm on the standard one-minute RDS metrics (CPU, memory, storage, connections), which need neither";

const NO_QUERY_LOGGING: &str = "statement logging writes every query with its parameters, which may hold personal data, to CloudWatch Logs; the database exports its error and slow query logs instead, and statement logging is a per-database parameter group decision";

const NO_EVENT_NOTIFICATIONS: &str = "nothing in these platforms consumes bucket events; the check asks for a notification configuration whether or not anything listens to it";

const NO_SECRET_ROTATION: &str = "the value is set by the team that owns the credential (vendor API keys, SaaS database users, an upstream registry token), outside AWS, so a rotation Lambda has nothing to rotate it with";

const DEDICATED_MASTERS: &str = "dedicated masters are `searchDomains[].dedicatedMasters` (3 or 5, validated), set on production domains and left off small development ones, where the data nodes elect a master among themselves; checkov does not read the `for_each` map";

const IAM_AUTHORISED_SEARCH: &str = "requests are authorised by IAM: the domain's access policy admits only the account's principals, each of which needs `es:ESHttp*` on the domain, and the domain answers only HTTPS from the security groups in `allowedFrom`; fine-grained access control would add a second user store (an internal database or SAML) that the designs do not run";

/// Skips of module resources, by module, type and name.
pub const MODULE_RESOURCES: &[ResourceSkips] = &[
    ResourceSkips {
        module: "cache",
        ty: "aws_elasticache_replication_group",
        name: "this",
        skips: &[("CKV2_AWS_50", "failover and Multi-AZ are `replicas > 0`, which checkov does not evaluate; rule REL003 requires a replica for a production cache, and a development cache may run on one node")],
    },
    ResourceSkips {
        module: "cache",
        ty: "aws_secretsmanager_secret",
        name: "auth",
        skips: &[("CKV2_AWS_57", "the AUTH token is set on the replication group by Terraform; a new token must reach the group with `auth_token_update_strategy` ROTATE while clients move over, which a rotation Lambda cannot coordinate with the group")],
    },
    ResourceSkips {
        module: "cloudtrail",
        ty: "aws_cloudtrail",
        name: "this",
        skips: &[
            ("CKV_AWS_252", "nothing reads a notice per delivered log file; log file validation (the trail's digest files) is what proves the record unaltered"),
            ("CKV2_AWS_10", "the audit record is the trail's versioned, KMS-encrypted S3 bucket; a copy of every event in CloudWatch Logs needs a role and a log group and doubles its storage, for alarms on API calls that no design states"),
        ],
    },
    ResourceSkips {
        module: "cloudtrail",
        ty: "aws_s3_bucket",
        name: "this",
        skips: &[
            ("CKV2_AWS_62", NO_EVENT_NOTIFICATIONS),
            ("CKV_AWS_144", "the trail already records every region's events into this one versioned bucket; a replica in another region would be a second copy of the account's audit record"),
            ("CKV_AWS_18", "server access logs of the audit bucket would need a second bucket, which would need its own; this one admits writes from its trail only, blocks public access and denies insecure transport"),
        ],
    },
    ResourceSkips {
        module: "database",
        ty: "aws_db_instance",
        name: "this",
        skips: &[
            ("CKV2_AWS_30", NO_QUERY_LOGGING),
            ("CKV_AWS_118", NO_ENHANCED_MONITORING),
            ("CKV_AWS_157", "Multi-AZ is `var.multi_az`, on by default in production and off in development; rule REL003 fails a production database without a standby"),
            ("CKV_AWS_226", NO_AUTO_MINOR),
            ("CKV_AWS_293", DELETION_PROTECTION),
            ("CKV_AWS_353", NO_PERFORMANCE_INSIGHTS),
        ],
    },
    ResourceSkips {
        module: "database",
        ty: "aws_rds_cluster",
        name: "this",
        skips: &[
            ("CKV2_AWS_27", NO_QUERY_LOGGING),
            ("CKV2_AWS_8", "RDS automated backups with point-in-time recovery are kept for `databases[].backupRetention` (7 days by default); an AWS Backup plan is a second mechanism none of the designs calls for"),
            ("CKV_AWS_139", DELETION_PROTECTION),
            ("CKV_AWS_162", "applications connect as database users whose passwords live in Secrets Manager; IAM database authentication caps new connections per second, which pooled services with many replicas exceed"),
        ],
    },
    ResourceSkips {
        module: "database",
        ty: "aws_rds_cluster_instance",
        name: "this",
        skips: &[("CKV_AWS_118", NO_ENHANCED_MONITORING), ("CKV_AWS_226", NO_AUTO_MINOR), ("CKV_AWS_353", NO_PERFORMANCE_INSIGHTS)],
    },
    ResourceSkips {
        module: "dns",
        ty: "aws_route53_zone",
        name: "this",
        skips: &[
            ("CKV2_AWS_38", "DNSSEC signing needs an asymmetric KMS key in us-east-1 and a DS record at the parent zone's registrar, which is outside Terraform here; a private zone cannot be signed at all, and signing without the DS record protects nothing"),
            ("CKV2_AWS_39", "query logs of a public zone name the resolvers that ask, not the clients, and must be written to a log group in us-east-1; nothing in these designs reads them, and client traffic is logged where it lands (load balancers, ingress)"),
        ],
    },
    ResourceSkips {
        module: "ecr-pull-through-cache",
        ty: "aws_secretsmanager_secret",
        name: "credentials",
        skips: &[
            ("CKV2_AWS_57", NO_SECRET_ROTATION),
            ("CKV_AWS_149", "ECR reads this secret through its pull-through service-linked role, whose AWS managed policy allows secretsmanager:GetSecretValue on `ecr-pullthroughcache/*` but no kms:Decrypt, so a secret under a customer managed key could not be read at the first pull; the AWS managed key can"),
        ],
    },
    ResourceSkips {
        module: "ecr",
        ty: "aws_ecr_repository",
        name: "this",
        skips: &[("CKV_AWS_163", "`scan_on_push = var.scan_on_push` comes from `ecr.repositories[].scanOnPush`, true by default; checkov does not follow the module variable")],
    },
    ResourceSkips {
        module: "edge",
        ty: "aws_globalaccelerator_accelerator",
        name: "this",
        skips: &[("CKV_AWS_75", "the accelerator passes TCP through to network load balancers with client IP preservation, so the services behind them see and log every client; accelerator flow logs would need an S3 bucket per accelerator that none of the designs calls for")],
    },
    ResourceSkips {
        module: "search-domain",
        ty: "aws_opensearch_domain",
        name: "this",
        skips: &[
            ("CKV_AWS_318", DEDICATED_MASTERS),
            ("CKV2_AWS_59", DEDICATED_MASTERS),
            ("CKV_AWS_228", "the TLS policy is `searchDomains[].tlsPolicy` through the `for_each` map, `Policy-Min-TLS-1-2-PFS-2023-10` (TLS 1.2 and later, forward secrecy only) unless the spec names an older one; checkov does not read the map"),
            ("CKV2_AWS_52", IAM_AUTHORISED_SEARCH),
            ("CKV_AWS_317", "audit logs are a feature of fine-grained access control, which these domains leave off: requests are authorised by IAM (see CKV2_AWS_52), the slow logs and the application log are published, and CloudTrail records every configuration call"),
        ],
    },
    ResourceSkips { module: "eks", ty: "aws_cloudwatch_log_group", name: "cluster", skips: &[("CKV_AWS_338", LOG_RETENTION)] },
    ResourceSkips {
        module: "eks",
        ty: "aws_security_group",
        name: "nodes",
        skips: &[("CKV2_AWS_5", "the node group module's launch templates attach this group to every node (`security_group_ids`), and Karpenter finds it by its discovery tag; checkov does not follow the group across module calls")],
    },
    ResourceSkips {
        module: "hosts",
        ty: "aws_ebs_volume",
        name: "this",
        skips: &[
            ("CKV2_AWS_2", "encryption comes through the `for_each` map (`encrypted = each.value.encrypted`) that checkov does not resolve; rule SEC002 fails any host volume the spec leaves unencrypted"),
            ("CKV_AWS_189", "host volumes are encrypted (rule SEC002) with the account's EBS key; they are never shared across accounts, the case a customer managed key exists for, and the spec offers no key for host volumes"),
            ("CKV_AWS_3", "`encrypted = each.value.encrypted` comes from `hosts[].volumes[].encrypted`, true by default; checkov does not resolve the `for_each` map, and rule SEC002 fails any volume the spec leaves unencrypted"),
        ],
    },
    ResourceSkips {
        module: "hosts",
        ty: "aws_instance",
        name: "this",
        skips: &[
            ("CKV_AWS_126", "one-minute EC2 metrics are billed per instance; the hosts' alarms evaluate five-minute periods, which basic monitoring provides"),
            ("CKV_AWS_135", "every instance family in stratoform's catalog (m5, m6i, c5, r5, t3, t4g and later) is EBS-optimized by default; the `ebs_optimized` argument does not change them"),
        ],
    },
    ResourceSkips {
        module: "kms",
        ty: "aws_kms_key",
        name: "this",
        skips: &[("CKV_AWS_7", "`enable_key_rotation = var.rotation` comes from `identity.kmsKeys[].rotation`, true by default (stack keys always rotate); checkov does not follow the module variable")],
    },
    ResourceSkips {
        module: "load-balancing",
        ty: "aws_lb",
        name: "this",
        skips: &[
            ("CKV_AWS_131", "`drop_invalid_header_fields` is true for every application load balancer through an expression on `var.type`, which checkov does not evaluate; the attribute does not exist for network load balancers"),
            ("CKV_AWS_150", DELETION_PROTECTION),
            ("CKV_AWS_91", "requests are logged behind the load balancer, by the ingress or service it forwards to; ELB access logs need a bucket whose policy admits the region's ELB log delivery, which none of the designs asks for"),
        ],
    },
    ResourceSkips {
        module: "load-balancing",
        ty: "aws_lb_listener",
        name: "this",
        skips: &[
            ("CKV_AWS_103", "the policy is `coalesce(<listener sslPolicy>, \"ELBSecurityPolicy-TLS13-1-2-2021-06\")`, which checkov does not evaluate; rule SEC005 fails any listener policy that allows TLS below 1.2"),
            ("CKV_AWS_2", "the protocol is the spec's (`loadBalancers[].listeners[].protocol`): HTTPS or TLS for web traffic with a certificate, TCP or UDP where the service speaks its own protocol; checkov reads the `for_each` value only through a stack"),
        ],
    },
    ResourceSkips { module: "network", ty: "aws_cloudwatch_log_group", name: "flow_logs", skips: &[("CKV_AWS_338", LOG_RETENTION)] },
    ResourceSkips {
        module: "network",
        ty: "aws_network_acl",
        name: "this",
        skips: &[
            ("CKV2_AWS_1", "each tier's ACL is attached to the tier's subnets by `aws_network_acl_association` (`for_each` over the subnets), which checkov does not connect to the ACL"),
            ("CKV_AWS_231", "the only rule that covers 3389 from anywhere is the stateless return path, TCP 1024-65535, for replies to the tier's own outbound connections (through NAT too); a new connection to 3389 still needs a security group that admits it"),
        ],
    },
    ResourceSkips {
        module: "network",
        ty: "aws_security_group",
        name: "extra",
        skips: &[("CKV2_AWS_5", "a group of `vpcs[].securityGroups` exists to be joined by members stratoform does not create (named in rules and `allowedFrom`); checkov scores the `for_each` block even when the map is empty, as it is in every example")],
    },
    ResourceSkips {
        module: "node-group",
        ty: "aws_launch_template",
        name: "this",
        skips: &[("CKV_AWS_341", "IMDSv2 is required on every node (rule SEC001); the hop limit is `metadata.hopLimit`, 2 by default as in EKS's own launch templates, so that node agents in containers (the VPC CNI, the EBS CSI node plugin) reach instance metadata; a group that runs none sets 1")],
    },
    ResourceSkips { module: "observability", ty: "aws_cloudwatch_log_group", name: "this", skips: &[("CKV_AWS_338", LOG_RETENTION)] },
    ResourceSkips {
        module: "s3",
        ty: "aws_s3_bucket",
        name: "this",
        skips: &[
            ("CKV2_AWS_62", NO_EVENT_NOTIFICATIONS),
            ("CKV_AWS_145", "the default is SSE-KMS; only a bucket the spec sets to `encryption: sseS3` uses AES-256, and stratoform's rule SEC003 reports each of those"),
        ],
    },
    ResourceSkips { module: "secrets", ty: "aws_secretsmanager_secret", name: "this", skips: &[("CKV2_AWS_57", NO_SECRET_ROTATION)] },
    ResourceSkips {
        module: "state-backend",
        ty: "aws_dynamodb_table",
        name: "locks",
        skips: &[("CKV_AWS_119", "the lock table holds lock IDs, state digests and the lock holder's name, never state or secrets; DynamoDB's default encryption at rest covers it")],
    },
    ResourceSkips {
        module: "state-backend",
        ty: "aws_s3_bucket",
        name: "state",
        skips: &[
            ("CKV2_AWS_62", NO_EVENT_NOTIFICATIONS),
            ("CKV_AWS_144", "the state bucket is versioned and KMS-encrypted; a replica in another region would be a second copy of every secret in state, and a lost region's stacks are recreated from code"),
            ("CKV_AWS_18", "access to state is recorded by CloudTrail (every read and write goes through the Terraform role's API calls); server access logs would need a second bucket per account for the same record"),
        ],
    },
    ResourceSkips {
        module: "transit",
        ty: "aws_networkfirewall_firewall",
        name: "this",
        skips: &[("CKV_AWS_344", "`delete_protection = each.value.delete_protection` comes from `networkFirewall.deleteProtection`, true by default in production; checkov does not resolve the `for_each` map")],
    },
];

/// A skip that follows from a resource's own attributes, wherever it is rendered.
pub struct Rule {
    /// The resource type.
    pub ty: &'static str,
    /// The check.
    pub check: &'static str,
    /// Whether the resource block needs the skip.
    pub applies: fn(&Block) -> bool,
    /// Why.
    pub reason: &'static str,
}

const FROM_GROUP: &str = "the source is a security group (`referenced_security_group_id`), not an address range; checkov reads only `source_security_group_id` and counts this rule as open to the world";

/// Skips that follow from attributes: a rule from a security group whose port range covers a
/// port checkov watches (it reads the source of `aws_security_group_rule`, not of this type).
pub const RULES: &[Rule] = &[
    Rule { ty: "aws_vpc_security_group_ingress_rule", check: "CKV_AWS_24", applies: |b| from_group_covering(b, 22), reason: FROM_GROUP },
    Rule { ty: "aws_vpc_security_group_ingress_rule", check: "CKV_AWS_25", applies: |b| from_group_covering(b, 3389), reason: FROM_GROUP },
    Rule { ty: "aws_vpc_security_group_ingress_rule", check: "CKV_AWS_260", applies: |b| from_group_covering(b, 80), reason: FROM_GROUP },
];

fn number(b: &Block, key: &str) -> Option<i64> {
    b.body().attributes().find(|a| a.key() == key).and_then(|a| match a.expr() {
        Expression::Number(n) => n.as_i64(),
        _ => None,
    })
}

fn from_group_covering(b: &Block, port: i64) -> bool {
    let grouped = b.body().attributes().any(|a| a.key() == "referenced_security_group_id");
    match (number(b, "from_port"), number(b, "to_port")) {
        (Some(from), Some(to)) => grouped && from <= port && port <= to,
        _ => false,
    }
}

/// The skips of a well-known policy: what remains unconditioned in it and why.
pub fn template_policy_skips(template: PolicyTemplate) -> Vec<Skip> {
    match template {
        PolicyTemplate::AwsLoadBalancerController => {
            let why = "the statements left on `*` are those the controller's published policy (v2.14.1, the chart 1.14.1 the examples pin) leaves without a condition, kept as published so that the controller works as its authors test it: creating security groups and adding ingress rules (also to the node groups' groups it does not own), listener and rule changes, and certificate, WAF and Shield calls; everything that deletes or reconfigures a load balancer, target group or security group requires the `elbv2.k8s.aws/cluster` tag";
            vec![Skip::new("CKV_AWS_290", why), Skip::new("CKV_AWS_355", why)]
        }
        PolicyTemplate::ExternalDns => {
            let why = "Route 53 takes no resource for `ListHostedZones`, and external-dns lists the zones and their records to find the ones its domain filter names; record changes are limited to hosted zones";
            vec![Skip::new("CKV_AWS_355", why)]
        }
        _ => Vec::new(),
    }
}

/// The skip of a load balancer module call without a web ACL, when it needs none: a network load
/// balancer (WAF attaches to application load balancers only) or the origin of a proxied
/// Cloudflare load balancer (requests are filtered at Cloudflare before they reach AWS).
pub fn load_balancer_waf_skip(name: &str, network: bool, proxied_by: Option<&str>) -> Option<Skip> {
    let reason = if network {
        format!("`{name}` is a network load balancer; AWS WAF attaches only to application load balancers, and checkov does not see the type through the module variable")
    } else {
        format!("`{name}` is the origin of the proxied Cloudflare load balancer `{}`: requests are filtered at Cloudflare before they reach AWS", proxied_by?)
    };
    Some(Skip { check: "CKV2_AWS_28", reason })
}

/// The skip of a certificate module call for a wildcard domain the spec names.
pub fn wildcard_certificate_skip(name: &str, domain: &str) -> Option<Skip> {
    domain.starts_with("*.").then(|| Skip {
        check: "CKV2_AWS_71",
        reason: format!("the spec issues `{name}` for `{domain}` (`certificates[].domain`): one certificate for the hosts behind a shared ingress, validated through DNS"),
    })
}

/// The marker attributes of skips, first in a block body.
pub fn markers(skips: &[Skip]) -> Vec<Structure> {
    skips
        .iter()
        .map(|skip| {
            assert!(!skip.reason.trim().is_empty() && !skip.reason.contains('\n'), "{}: a skip reason is one non-empty line", skip.check);
            crate::dsl::attr(MARKER, Expression::Array(vec![crate::dsl::s(skip.check), crate::dsl::s(skip.reason.clone())]))
        })
        .collect()
}

/// The comment a marker prints as.
pub fn comment(marker: &Expression) -> String {
    match marker {
        Expression::Array(items) => match items.as_slice() {
            [Expression::String(check), Expression::String(reason)] => format!("#checkov:skip={check}:{reason}"),
            _ => unreachable!("a checkov marker holds a check and a reason"),
        },
        _ => unreachable!("a checkov marker holds a check and a reason"),
    }
}

/// Where a body is rendered: a module's `main.tf` or a root stack.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    /// The module of this directory name.
    Module(&'a str),
    /// A root stack.
    Stack,
}

/// Gives every top-level `resource` block its skips: those of [`MODULE_RESOURCES`] in a module,
/// and those of [`RULES`] everywhere. Skips already written into a block are kept.
pub fn annotate(scope: Scope<'_>, structures: &mut [Structure]) {
    for st in structures.iter_mut() {
        let Structure::Block(block) = st else { continue };
        if block.identifier() != "resource" {
            continue;
        }
        let (Some(ty), Some(name)) = (block.labels().first().map(|l| l.as_str().to_owned()), block.labels().get(1).map(|l| l.as_str().to_owned())) else {
            continue;
        };
        let mut skips: Vec<Skip> = Vec::new();
        if let Scope::Module(module) = scope {
            for r in MODULE_RESOURCES.iter().filter(|r| r.module == module && r.ty == ty && r.name == name) {
                skips.extend(r.skips.iter().map(|(c, why)| Skip::new(c, why)));
            }
        }
        let view: &Block = block;
        for rule in RULES.iter().filter(|r| r.ty == ty && (r.applies)(view)) {
            skips.push(Skip::new(rule.check, rule.reason));
        }
        let present: Vec<String> = block.body().attributes().filter(|a| a.key() == MARKER).map(|a| comment(a.expr())).collect();
        skips.retain(|s| !present.iter().any(|p| p.starts_with(&format!("#checkov:skip={}:", s.check))));
        if skips.is_empty() {
            continue;
        }
        let mut body = markers(&skips);
        body.append(&mut block.body.0);
        block.body.0 = body;
    }
}
