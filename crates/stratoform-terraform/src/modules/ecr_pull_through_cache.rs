//! `modules/ecr-pull-through-cache`: one ECR pull-through cache rule, and for an upstream that
//! needs credentials the Secrets Manager secret ECR signs in with (named `ecr-pullthroughcache/...`,
//! in the rule's account and region, as ECR requires). The secret's value comes from the
//! `credentials` input, which the stack takes from its sensitive input set by the pipeline; a
//! rule that needs credentials and gets none fails at plan with the variable to set.

use hcl::Expression;

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("prefix", "string", "The repository prefix images are pulled under (`<registry>/<prefix>/...`).", None),
        variable("upstream_registry_url", "string", "The upstream registry's host, such as `quay.io`.", None),
        variable(
            "credential_secret_name",
            "string",
            "The secret holding the upstream's credentials (`ecr-pullthroughcache/...`); null for an upstream that needs none.",
            Some(Expression::Null),
        ),
        block(
            "variable",
            &["credentials"],
            vec![
                attr("type", ex("object({ username = string, access_token = string })")),
                attr("description", s("The upstream's user name and access token, written into the secret; null when it needs none.")),
                attr("default", Expression::Null),
                attr("sensitive", true),
            ],
        ),
    ];
    let with_secret = || attr("count", ex("var.credential_secret_name == null ? 0 : 1"));
    let main = vec![
        block(
            "resource",
            &["aws_secretsmanager_secret", "credentials"],
            vec![
                with_secret(),
                attr("name", ex("var.credential_secret_name")),
                attr("description", ex(r#""Credentials ECR signs in to ${var.upstream_registry_url} with, for the pull-through cache ${var.prefix}/""#)),
            ],
        ),
        block(
            "resource",
            &["aws_secretsmanager_secret_version", "credentials"],
            vec![
                with_secret(),
                attr("secret_id", ex("aws_secretsmanager_secret.credentials[0].id")),
                attr(
                    "secret_string",
                    ex("jsonencode({ username = var.credentials.username, accessToken = var.credentials.access_token })"),
                ),
                block(
                    "lifecycle",
                    &[],
                    vec![block(
                        "precondition",
                        &[],
                        vec![
                            attr("condition", ex("var.credentials != null")),
                            attr(
                                "error_message",
                                ex(r#""The pull-through cache ${var.prefix}/ reads ${var.upstream_registry_url} with the credentials in ${var.credential_secret_name}: set them under the key ${var.prefix} of the stack's input pull_through_cache_credentials (TF_VAR_pull_through_cache_credentials).""#),
                            ),
                        ],
                    )],
                ),
            ],
        ),
        block(
            "resource",
            &["aws_ecr_pull_through_cache_rule", "this"],
            vec![
                attr("ecr_repository_prefix", ex("var.prefix")),
                attr("upstream_registry_url", ex("var.upstream_registry_url")),
                attr("credential_arn", ex("var.credential_secret_name == null ? null : aws_secretsmanager_secret_version.credentials[0].arn")),
            ],
        ),
    ];
    // No outputs: images name the prefix itself, and nothing reads the rule back.
    let outputs = Vec::new();
    Module { name: "ecr-pull-through-cache", aliases: &[], variables, main, outputs }
}
