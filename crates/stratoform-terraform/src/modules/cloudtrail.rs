//! `modules/cloudtrail`: an account's CloudTrail trail with what it writes into — a private,
//! versioned S3 bucket whose policy lets CloudTrail (this trail only) check the bucket's ACL and
//! put log files under `AWSLogs/<account>/` with the owner in full control, and a customer managed
//! KMS key whose policy lets CloudTrail (this trail only) encrypt them. The trail waits for both
//! policies: CloudTrail checks them when the trail is created.

use crate::dsl::*;
use crate::modules::s3::{deny_insecure, private_bucket};
use crate::modules::{key_policy, key_policy_data, Module};

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The trail's name.", None),
        variable("bucket", "string", "The name of the bucket of the log files.", None),
        variable("kms_alias", "string", "The alias of the key that encrypts the log files, with `alias/`.", None),
        variable("multi_region", "bool", "Whether the trail records every region, not only its own.", Some(true.into())),
        variable("log_file_validation", "bool", "Whether CloudTrail writes signed digest files.", Some(true.into())),
        variable("retention_days", "number", "Days the bucket keeps log files (and replaced versions of them).", Some(n(365))),
    ];
    let mut main = key_policy_data();
    main.push(block("data", &["aws_region", "current"], vec![]));
    let (account_statement, _) = key_policy(None);
    main.push(account_statement);
    let this_trail = || obj([("aws:SourceArn", ex("local.trail_arn"))]);
    main.push(block(
        "locals",
        &[],
        vec![
            // The trail's ARN is known before it exists, so the policies it needs can name it.
            attr("trail_arn", ex(r#""arn:${data.aws_partition.current.partition}:cloudtrail:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:trail/${var.name}""#)),
            attr("bucket_arn", ex(r#""arn:${data.aws_partition.current.partition}:s3:::${var.bucket}""#)),
            attr(
                "key_policy_cloudtrail",
                list([
                    cloudtrail_may(
                        "CloudTrailEncryptsLogFiles",
                        "kms:GenerateDataKey*",
                        s("*"),
                        Some(obj([
                            ("StringEquals", this_trail()),
                            (
                                "StringLike",
                                obj([(
                                    "kms:EncryptionContext:aws:cloudtrail:arn",
                                    ex(r#""arn:${data.aws_partition.current.partition}:cloudtrail:*:${data.aws_caller_identity.current.account_id}:trail/*""#),
                                )]),
                            ),
                        ])),
                    ),
                    cloudtrail_may("CloudTrailDescribesKey", "kms:DescribeKey", s("*"), None),
                ]),
            ),
        ],
    ));
    main.extend([
        block(
            "resource",
            &["aws_kms_key", "this"],
            vec![
                attr("description", ex(r#""Log files of CloudTrail trail ${var.name}""#)),
                attr("enable_key_rotation", true),
                attr("deletion_window_in_days", n(30)),
                attr("policy", ex(r#"jsonencode({ Version = "2012-10-17", Statement = concat([local.key_policy_account], local.key_policy_cloudtrail) })"#)),
                attr("tags", obj([("Name", ex("var.kms_alias"))])),
            ],
        ),
        block("resource", &["aws_kms_alias", "this"], vec![attr("name", ex("var.kms_alias")), attr("target_key_id", ex("aws_kms_key.this.key_id"))]),
        block(
            "resource",
            &["aws_s3_bucket", "this"],
            vec![attr("bucket", ex("var.bucket")), attr("tags", obj([("Name", ex("var.bucket"))]))],
        ),
    ]);
    main.extend(private_bucket("this"));
    main.extend([
        block(
            "resource",
            &["aws_s3_bucket_versioning", "this"],
            vec![attr("bucket", ex("aws_s3_bucket.this.id")), block("versioning_configuration", &[], vec![attr("status", s("Enabled"))])],
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
                        block(
                            "apply_server_side_encryption_by_default",
                            &[],
                            vec![attr("sse_algorithm", s("aws:kms")), attr("kms_master_key_id", ex("aws_kms_key.this.arn"))],
                        ),
                        attr("bucket_key_enabled", true),
                    ],
                ),
            ],
        ),
        block(
            "resource",
            &["aws_s3_bucket_lifecycle_configuration", "this"],
            vec![
                attr("bucket", ex("aws_s3_bucket.this.id")),
                block(
                    "rule",
                    &[],
                    vec![
                        attr("id", s("log-files")),
                        attr("status", s("Enabled")),
                        block("filter", &[], vec![]),
                        block("expiration", &[], vec![attr("days", ex("var.retention_days"))]),
                        block("noncurrent_version_expiration", &[], vec![attr("noncurrent_days", ex("var.retention_days"))]),
                        block("abort_incomplete_multipart_upload", &[], vec![attr("days_after_initiation", n(7))]),
                    ],
                ),
                attr("depends_on", ex("[aws_s3_bucket_versioning.this]")),
            ],
        ),
        block(
            "resource",
            &["aws_s3_bucket_policy", "this"],
            vec![
                attr("bucket", ex("aws_s3_bucket.this.id")),
                attr(
                    "policy",
                    policy_document([
                        cloudtrail_may("CloudTrailChecksBucketAcl", "s3:GetBucketAcl", ex("local.bucket_arn"), Some(obj([("StringEquals", this_trail())]))),
                        cloudtrail_may(
                            "CloudTrailWritesLogFiles",
                            "s3:PutObject",
                            ex(r#""${local.bucket_arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*""#),
                            Some(obj([("StringEquals", obj([("s3:x-amz-acl", s("bucket-owner-full-control")), ("aws:SourceArn", ex("local.trail_arn"))]))])),
                        ),
                        deny_insecure("local.bucket_arn"),
                    ]),
                ),
                attr("depends_on", ex("[aws_s3_bucket_public_access_block.this]")),
            ],
        ),
        block(
            "resource",
            &["aws_cloudtrail", "this"],
            vec![
                attr("name", ex("var.name")),
                attr("s3_bucket_name", ex("aws_s3_bucket.this.id")),
                attr("kms_key_id", ex("aws_kms_key.this.arn")),
                attr("is_multi_region_trail", ex("var.multi_region")),
                attr("include_global_service_events", true),
                attr("enable_log_file_validation", ex("var.log_file_validation")),
                attr("enable_logging", true),
                attr("tags", obj([("Name", ex("var.name"))])),
                attr("depends_on", ex("[aws_s3_bucket_policy.this, aws_s3_bucket_server_side_encryption_configuration.this]")),
            ],
        ),
    ]);
    let outputs = vec![
        output("arn", "The trail's ARN.", ex("aws_cloudtrail.this.arn")),
        output("bucket", "The bucket of the log files.", ex("aws_s3_bucket.this.id")),
        output("kms_key_arn", "The key that encrypts the log files.", ex("aws_kms_key.this.arn")),
    ];
    Module { name: "cloudtrail", aliases: &[], variables, main, outputs }
}

/// A policy statement that lets CloudTrail do `action` on `resource`, under `condition`.
fn cloudtrail_may(sid: &str, action: &str, resource: hcl::Expression, condition: Option<hcl::Expression>) -> hcl::Expression {
    let mut fields = vec![
        ("Sid", s(sid)),
        ("Effect", s("Allow")),
        ("Principal", obj([("Service", s("cloudtrail.amazonaws.com"))])),
        ("Action", s(action)),
        ("Resource", resource),
    ];
    fields.extend(condition.map(|c| ("Condition", c)));
    obj(fields)
}
