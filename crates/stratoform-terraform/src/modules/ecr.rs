//! `modules/ecr`: one ECR repository with immutable tags, scan on push, encryption and a
//! lifecycle policy that keeps the newest tagged images and expires untagged ones.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The repository name.", None),
        variable("immutable", "bool", "Immutable tags.", Some(true.into())),
        variable("scan_on_push", "bool", "Scan images on push.", Some(true.into())),
        variable("keep_tagged", "number", "How many tagged images to keep.", Some(n(30))),
        variable("untagged_expiry_days", "number", "Days after which untagged images expire.", Some(n(14))),
        variable("kms_key_arn", "string", "The KMS key; null encrypts with AES-256.", Some(hcl::Expression::Null)),
    ];
    let rule = |priority: i64, description: &str, selection: hcl::Expression| {
        obj([
            ("rulePriority", n(priority)),
            ("description", s(description)),
            ("selection", selection),
            ("action", obj([("type", s("expire"))])),
        ])
    };
    let main = vec![
        block(
            "resource",
            &["aws_ecr_repository", "this"],
            vec![
                attr("name", ex("var.name")),
                attr("image_tag_mutability", ex(r#"var.immutable ? "IMMUTABLE" : "MUTABLE""#)),
                block("image_scanning_configuration", &[], vec![attr("scan_on_push", ex("var.scan_on_push"))]),
                block(
                    "encryption_configuration",
                    &[],
                    vec![
                        attr("encryption_type", ex(r#"var.kms_key_arn == null ? "AES256" : "KMS""#)),
                        attr("kms_key", ex("var.kms_key_arn")),
                    ],
                ),
            ],
        ),
        block(
            "resource",
            &["aws_ecr_lifecycle_policy", "this"],
            vec![
                attr("repository", ex("aws_ecr_repository.this.name")),
                attr(
                    "policy",
                    call(
                        "jsonencode",
                        [obj([(
                            "rules",
                            list([
                                rule(
                                    1,
                                    "Expire untagged images",
                                    obj([
                                        ("tagStatus", s("untagged")),
                                        ("countType", s("sinceImagePushed")),
                                        ("countUnit", s("days")),
                                        ("countNumber", ex("var.untagged_expiry_days")),
                                    ]),
                                ),
                                rule(
                                    2,
                                    "Keep the newest tagged images",
                                    obj([
                                        ("tagStatus", s("tagged")),
                                        ("tagPatternList", strs(["*"])),
                                        ("countType", s("imageCountMoreThan")),
                                        ("countNumber", ex("var.keep_tagged")),
                                    ]),
                                ),
                            ]),
                        )])],
                    ),
                ),
            ],
        ),
    ];
    let outputs = vec![
        output("arn", "The repository's ARN.", ex("aws_ecr_repository.this.arn")),
        output("url", "The repository's URL.", ex("aws_ecr_repository.this.repository_url")),
    ];
    Module { name: "ecr", aliases: &[], variables, main, outputs }
}
