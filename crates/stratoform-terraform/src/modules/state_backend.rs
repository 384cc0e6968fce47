//! `modules/state-backend`: the S3 bucket that holds Terraform state (versioned, encrypted,
//! public access blocked, TLS only, old versions expired) and the DynamoDB lock table.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("bucket", "string", "The state bucket's name.", None),
        variable("lock_table", "string", "The DynamoDB lock table's name; null for no locking.", Some(hcl::Expression::Null)),
        variable("kms", "bool", "Encrypt state with a KMS key created here (else SSE-S3).", Some(true.into())),
        variable("noncurrent_version_days", "number", "Days noncurrent state versions are kept.", Some(n(90))),
    ];
    let mut main = crate::modules::key_policy_data();
    let (key_policy_locals, key_policy_value) = crate::modules::key_policy(None);
    main.push(key_policy_locals);
    main.extend(vec![
        block(
            "resource",
            &["aws_kms_key", "state"],
            vec![
                attr("count", ex("var.kms ? 1 : 0")),
                attr("description", ex(r#""Terraform state in ${var.bucket}""#)),
                attr("enable_key_rotation", true),
                attr("deletion_window_in_days", n(30)),
                attr("policy", key_policy_value.clone()),
            ],
        ),
        block(
            "resource",
            &["aws_kms_alias", "state"],
            vec![
                attr("count", ex("var.kms ? 1 : 0")),
                attr("name", ex(r#""alias/${var.bucket}""#)),
                attr("target_key_id", ex("aws_kms_key.state[0].key_id")),
            ],
        ),
        block(
            "resource",
            &["aws_s3_bucket", "state"],
            vec![attr("bucket", ex("var.bucket"))],
        ),
        block(
            "resource",
            &["aws_s3_bucket_versioning", "state"],
            vec![attr("bucket", ex("aws_s3_bucket.state.id")), block("versioning_configuration", &[], vec![attr("status", s("Enabled"))])],
        ),
        block(
            "resource",
            &["aws_s3_bucket_server_side_encryption_configuration", "state"],
            vec![
                attr("bucket", ex("aws_s3_bucket.state.id")),
                block(
                    "rule",
                    &[],
                    vec![
                        attr("bucket_key_enabled", ex("var.kms")),
                        block(
                            "apply_server_side_encryption_by_default",
                            &[],
                            vec![
                                attr("sse_algorithm", ex(r#"var.kms ? "aws:kms" : "AES256""#)),
                                attr("kms_master_key_id", ex("var.kms ? aws_kms_key.state[0].arn : null")),
                            ],
                        ),
                    ],
                ),
            ],
        ),
        block(
            "resource",
            &["aws_s3_bucket_public_access_block", "state"],
            vec![
                attr("bucket", ex("aws_s3_bucket.state.id")),
                attr("block_public_acls", true),
                attr("block_public_policy", true),
                attr("ignore_public_acls", true),
                attr("restrict_public_buckets", true),
            ],
        ),
        block(
            "resource",
            &["aws_s3_bucket_policy", "state"],
            vec![
                attr("bucket", ex("aws_s3_bucket.state.id")),
                attr("policy", super::s3::tls_only_policy("aws_s3_bucket.state.arn")),
                attr("depends_on", ex("[aws_s3_bucket_public_access_block.state]")),
            ],
        ),
        block(
            "resource",
            &["aws_s3_bucket_lifecycle_configuration", "state"],
            vec![
                attr("bucket", ex("aws_s3_bucket.state.id")),
                block(
                    "rule",
                    &[],
                    vec![
                        attr("id", s("expire-noncurrent-state")),
                        attr("status", s("Enabled")),
                        block("filter", &[], vec![attr("prefix", s(""))]),
                        block("noncurrent_version_expiration", &[], vec![attr("noncurrent_days", ex("var.noncurrent_version_days"))]),
                        block("abort_incomplete_multipart_upload", &[], vec![attr("days_after_initiation", n(7))]),
                    ],
                ),
                attr("depends_on", ex("[aws_s3_bucket_versioning.state]")),
            ],
        ),
        block(
            "resource",
            &["aws_dynamodb_table", "locks"],
            vec![
                attr("count", ex("var.lock_table == null ? 0 : 1")),
                attr("name", ex("var.lock_table")),
                attr("billing_mode", s("PAY_PER_REQUEST")),
                attr("hash_key", s("LockID")),
                block("attribute", &[], vec![attr("name", s("LockID")), attr("type", s("S"))]),
                block("server_side_encryption", &[], vec![attr("enabled", true)]),
                block("point_in_time_recovery", &[], vec![attr("enabled", true)]),
            ],
        ),
    ]);
    let outputs = vec![
        output("bucket", "The state bucket.", ex("aws_s3_bucket.state.id")),
        output("lock_table", "The lock table.", ex("one(aws_dynamodb_table.locks[*].name)")),
        output("kms_key_arn", "The key that encrypts state.", ex("one(aws_kms_key.state[*].arn)")),
    ];
    Module { name: "state-backend", aliases: &[], variables, main, outputs }
}
