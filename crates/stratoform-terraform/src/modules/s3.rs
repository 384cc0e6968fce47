//! `modules/s3`: one S3 bucket with versioning, default encryption (SSE-KMS with a bucket key or
//! SSE-S3), a public access block, owner-enforced objects, a TLS-only policy, lifecycle rules,
//! server access logging and cross-region replication.

use hcl::structure::Structure;
use hcl::Expression;

use crate::dsl::*;
use crate::modules::{service_trust, Module};

/// A bucket policy that denies every request not sent over TLS, optionally also letting S3 server
/// access logging write into the bucket.
pub fn tls_only_policy(bucket_arn: &str) -> Expression {
    call("jsonencode", [obj([("Version", s("2012-10-17")), ("Statement", list([deny_insecure(bucket_arn)]))])])
}

/// The statement that refuses any request to a bucket (`bucket_arn`, an expression) over plain HTTP.
pub fn deny_insecure(bucket_arn: &str) -> Expression {
    obj([
        ("Sid", s("DenyInsecureTransport")),
        ("Effect", s("Deny")),
        ("Principal", s("*")),
        ("Action", s("s3:*")),
        ("Resource", list([ex(bucket_arn), ex(&format!(r#""${{{bucket_arn}}}/*""#))])),
        ("Condition", obj([("Bool", obj([("aws:SecureTransport", s("false"))]))])),
    ])
}

/// The ownership controls (the owner owns every object; ACLs are off) and the public access
/// block of bucket `aws_s3_bucket.<name>`.
pub fn private_bucket(name: &str) -> [Structure; 2] {
    let bucket = || attr("bucket", ex(&format!("aws_s3_bucket.{name}.id")));
    [
        block_owned(
            "resource",
            vec!["aws_s3_bucket_ownership_controls".into(), name.into()],
            vec![bucket(), block("rule", &[], vec![attr("object_ownership", s("BucketOwnerEnforced"))])],
        ),
        block_owned(
            "resource",
            vec!["aws_s3_bucket_public_access_block".into(), name.into()],
            vec![
                bucket(),
                attr("block_public_acls", true),
                attr("block_public_policy", true),
                attr("ignore_public_acls", true),
                attr("restrict_public_buckets", true),
            ],
        ),
    ]
}

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The bucket name.", None),
        variable("versioning", "bool", "Keep object versions.", Some(true.into())),
        variable("encryption", "string", "kms (SSE-KMS with a bucket key) or sseS3 (AES-256).", Some(s("kms"))),
        variable("kms_key_arn", "string", "The KMS key for kms encryption.", Some(Expression::Null)),
        variable(
            "lifecycle_rules",
            "list(object({ id = string, prefix = string, transitions = list(object({ days = number, storage_class = string })), expire_days = optional(number), noncurrent_expire_days = optional(number) }))",
            "Lifecycle rules: transitions, expiry of current and of noncurrent versions.",
            Some(list([])),
        ),
        variable("access_log_bucket", "string", "The bucket receiving server access logs; null for none.", Some(Expression::Null)),
        variable("accepts_access_logs", "bool", "Whether other buckets' server access logs are written here.", Some(false.into())),
        variable(
            "replication",
            "object({ destination_bucket_arn = string, delete_markers = bool, destination_kms_key_arn = optional(string) })",
            "Replication of every object to a bucket of another region; null for none.",
            Some(Expression::Null),
        ),
        variable("force_destroy", "bool", "Let destroy empty the bucket.", Some(false.into())),
        variable(
            "load_balancer_logs",
            "object({ prefixes = list(string), elb_account = bool })",
            "Load balancer access logs written here: the key prefixes, and whether the region's Elastic Load Balancing account writes them besides the log delivery service; null for none.",
            Some(Expression::Null),
        ),
    ];
    let logging_allow = obj([
        ("Sid", s("S3ServerAccessLogs")),
        ("Effect", s("Allow")),
        ("Principal", obj([("Service", s("logging.s3.amazonaws.com"))])),
        ("Action", s("s3:PutObject")),
        ("Resource", ex(r#""${aws_s3_bucket.this.arn}/*""#)),
    ]);
    // Elastic Load Balancing writes under `<prefix>/AWSLogs/<account>/`; in the regions where it
    // writes as an account of its own, that account is admitted besides the delivery service.
    let lb_logs_allow = obj([
        ("Sid", s("LoadBalancerAccessLogs")),
        ("Effect", s("Allow")),
        ("Principal", ex("local.lb_log_writers")),
        ("Action", s("s3:PutObject")),
        (
            "Resource",
            ex(r#"[for p in try(var.load_balancer_logs.prefixes, []) : "${aws_s3_bucket.this.arn}/${p}/AWSLogs/${one(data.aws_caller_identity.current[*].account_id)}/*"]"#),
        ),
    ]);
    let writers = format!(
        r#"{{ for k, v in {{ Service = "{}", AWS = try(var.load_balancer_logs.elb_account, false) ? one(data.aws_elb_service_account.this[*].arn) : null }} : k => v if v != null }}"#,
        stratoform_model::alb::LOG_DELIVERY_SERVICE
    );
    // Each statement is the bucket's when its flag holds: TLS only always, then the writers of
    // server access logs and of load balancer access logs.
    let statements = "[for i, st in [local.deny_insecure, local.server_access_logs, local.load_balancer_logs] : st if local.statement_on[i]]";
    let mut main = vec![
        block(
            "locals",
            &[],
            vec![
                attr("deny_insecure", deny_insecure("aws_s3_bucket.this.arn")),
                attr("server_access_logs", logging_allow),
                attr("lb_log_writers", ex(&writers)),
                attr("load_balancer_logs", lb_logs_allow),
                attr("statement_on", ex("[true, var.accepts_access_logs, var.load_balancer_logs != null]")),
                attr("policy", call("jsonencode", [obj([("Version", s("2012-10-17")), ("Statement", ex(statements))])])),
            ],
        ),
        block("data", &["aws_caller_identity", "current"], vec![attr("count", ex("var.load_balancer_logs == null ? 0 : 1"))]),
        block("data", &["aws_elb_service_account", "this"], vec![attr("count", ex("try(var.load_balancer_logs.elb_account, false) ? 1 : 0"))]),
        block("resource", &["aws_s3_bucket", "this"], vec![attr("bucket", ex("var.name")), attr("force_destroy", ex("var.force_destroy"))]),
    ];
    main.extend(private_bucket("this"));
    main.extend([
        block(
            "resource",
            &["aws_s3_bucket_policy", "this"],
            vec![
                attr("bucket", ex("aws_s3_bucket.this.id")),
                attr("policy", ex("local.policy")),
                attr("depends_on", ex("[aws_s3_bucket_public_access_block.this]")),
            ],
        ),
        block(
            "resource",
            &["aws_s3_bucket_versioning", "this"],
            vec![
                attr("bucket", ex("aws_s3_bucket.this.id")),
                block("versioning_configuration", &[], vec![attr("status", ex(r#"var.versioning ? "Enabled" : "Suspended""#))]),
            ],
        ),
        block(
            "resource",
            &["aws_s3_bucket_server_side_encryption_configuration", "this"],
            vec![
                attr("bucket", ex("aws_s3_bucket.this.id")),
                block(
                    "rule",
                    &[],
                    vec![
                        attr("bucket_key_enabled", ex(r#"var.encryption == "kms""#)),
                        block(
                            "apply_server_side_encryption_by_default",
                            &[],
                            vec![
                                attr("sse_algorithm", ex(r#"var.encryption == "kms" ? "aws:kms" : "AES256""#)),
                                attr("kms_master_key_id", ex(r#"var.encryption == "kms" ? var.kms_key_arn : null"#)),
                            ],
                        ),
                    ],
                ),
            ],
        ),
        block(
            "resource",
            &["aws_s3_bucket_lifecycle_configuration", "this"],
            vec![
                attr("count", ex("length(var.lifecycle_rules) > 0 ? 1 : 0")),
                attr("bucket", ex("aws_s3_bucket.this.id")),
                // Parts of uploads that never completed stop costing after a week, bucket-wide.
                block(
                    "rule",
                    &[],
                    vec![
                        attr("id", s("abort-incomplete-uploads")),
                        attr("status", s("Enabled")),
                        block("filter", &[], vec![attr("prefix", s(""))]),
                        block("abort_incomplete_multipart_upload", &[], vec![attr("days_after_initiation", n(7))]),
                    ],
                ),
                block(
                    "dynamic",
                    &["rule"],
                    vec![
                        attr("for_each", ex("var.lifecycle_rules")),
                        block(
                            "content",
                            &[],
                            vec![
                                attr("id", ex("rule.value.id")),
                                attr("status", s("Enabled")),
                                block("filter", &[], vec![attr("prefix", ex("rule.value.prefix"))]),
                                block(
                                    "dynamic",
                                    &["transition"],
                                    vec![
                                        attr("for_each", ex("rule.value.transitions")),
                                        block(
                                            "content",
                                            &[],
                                            vec![attr("days", ex("transition.value.days")), attr("storage_class", ex("transition.value.storage_class"))],
                                        ),
                                    ],
                                ),
                                block(
                                    "dynamic",
                                    &["expiration"],
                                    vec![
                                        attr("for_each", ex("rule.value.expire_days == null ? [] : [rule.value.expire_days]")),
                                        block("content", &[], vec![attr("days", ex("expiration.value"))]),
                                    ],
                                ),
                                block(
                                    "dynamic",
                                    &["noncurrent_version_expiration"],
                                    vec![
                                        attr("for_each", ex("rule.value.noncurrent_expire_days == null ? [] : [rule.value.noncurrent_expire_days]")),
                                        block("content", &[], vec![attr("noncurrent_days", ex("noncurrent_version_expiration.value"))]),
                                    ],
                                ),
                            ],
                        ),
                    ],
                ),
                attr("depends_on", ex("[aws_s3_bucket_versioning.this]")),
            ],
        ),
        block(
            "resource",
            &["aws_s3_bucket_logging", "this"],
            vec![
                attr("count", ex("var.access_log_bucket == null ? 0 : 1")),
                attr("bucket", ex("aws_s3_bucket.this.id")),
                attr("target_bucket", ex("var.access_log_bucket")),
                attr("target_prefix", ex(r#""${var.name}/""#)),
            ],
        ),
        block(
            "resource",
            &["aws_iam_role", "replication"],
            vec![
                attr("count", ex("var.replication == null ? 0 : 1")),
                attr("name", ex(r#""${var.name}-replication""#)),
                attr("assume_role_policy", service_trust("s3.amazonaws.com")),
            ],
        ),
        block(
            "resource",
            &["aws_iam_role_policy", "replication"],
            vec![
                attr("count", ex("var.replication == null ? 0 : 1")),
                attr("name", s("replication")),
                attr("role", ex("aws_iam_role.replication[0].id")),
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
                                        ("Effect", s("Allow")),
                                        ("Action", strs(["s3:GetReplicationConfiguration", "s3:ListBucket"])),
                                        ("Resource", ex("aws_s3_bucket.this.arn")),
                                    ]),
                                    obj([
                                        ("Effect", s("Allow")),
                                        ("Action", strs(["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"])),
                                        ("Resource", ex(r#""${aws_s3_bucket.this.arn}/*""#)),
                                    ]),
                                    obj([
                                        ("Effect", s("Allow")),
                                        ("Action", strs(["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"])),
                                        ("Resource", ex(r#""${var.replication.destination_bucket_arn}/*""#)),
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
            &["aws_s3_bucket_replication_configuration", "this"],
            vec![
                attr("count", ex("var.replication == null ? 0 : 1")),
                attr("bucket", ex("aws_s3_bucket.this.id")),
                attr("role", ex("aws_iam_role.replication[0].arn")),
                block(
                    "rule",
                    &[],
                    vec![
                        attr("id", s("replicate-everything")),
                        attr("status", s("Enabled")),
                        block("filter", &[], vec![attr("prefix", s(""))]),
                        block(
                            "delete_marker_replication",
                            &[],
                            vec![attr("status", ex(r#"var.replication.delete_markers ? "Enabled" : "Disabled""#))],
                        ),
                        block("destination", &[], vec![attr("bucket", ex("var.replication.destination_bucket_arn")), attr("storage_class", s("STANDARD"))]),
                    ],
                ),
                attr("depends_on", ex("[aws_s3_bucket_versioning.this]")),
            ],
        ),
    ]);
    let outputs = vec![
        output("arn", "The bucket's ARN.", ex("aws_s3_bucket.this.arn")),
        output("name", "The bucket's name.", ex("aws_s3_bucket.this.id")),
        output("regional_domain_name", "The bucket's regional domain name.", ex("aws_s3_bucket.this.bucket_regional_domain_name")),
    ];
    Module { name: "s3", aliases: &[], variables, main, outputs }
}
