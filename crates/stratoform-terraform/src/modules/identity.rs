//! `modules/identity`: one IAM role for pods — IRSA (web identity trust scoped by `StringEquals`,
//! or `StringLike` for wildcards, on the exact `system:serviceaccount:<ns>:<sa>` subjects and the
//! `sts.amazonaws.com` audience) or EKS Pod Identity (with its associations) — and its policies.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The IAM role name.", None),
        variable("binding", "string", "irsa or podIdentity.", Some(s("irsa"))),
        variable("cluster_name", "string", "The cluster whose pods assume the role.", None),
        variable("oidc_provider_arn", "string", "The cluster's OIDC provider (IRSA).", None),
        variable("oidc_issuer", "string", "The OIDC issuer without its scheme (IRSA).", None),
        variable("service_accounts", "list(string)", "Service accounts as `namespace:name`; `*` wildcards switch the subject condition to StringLike.", None),
        variable("managed_policy_arns", "map(string)", "Policies to attach (AWS managed or custom), by name.", Some(obj::<&str>([]))),
        variable("inline_policies", "map(string)", "Inline JSON policies by name (least-privilege grants).", Some(obj::<&str>([]))),
    ];
    let irsa = |op_sub: &str| {
        let sub = || (ex(r#""${var.oidc_issuer}:sub""#), ex("local.subjects"));
        let aud = || (ex(r#""${var.oidc_issuer}:aud""#), s("sts.amazonaws.com"));
        let condition = if op_sub == "StringEquals" {
            obj([("StringEquals", obj_expr_keys([sub(), aud()]))])
        } else {
            obj([("StringLike", obj_expr_keys([sub()])), ("StringEquals", obj_expr_keys([aud()]))])
        };
        call(
            "jsonencode",
            [obj([
                ("Version", s("2012-10-17")),
                (
                    "Statement",
                    list([obj([
                        ("Effect", s("Allow")),
                        ("Principal", obj([("Federated", ex("var.oidc_provider_arn"))])),
                        ("Action", s("sts:AssumeRoleWithWebIdentity")),
                        ("Condition", condition),
                    ])]),
                ),
            ])],
        )
    };
    let main = vec![
        block(
            "locals",
            &[],
            vec![
                attr("subjects", ex(r#"[for sa in var.service_accounts : "system:serviceaccount:${sa}"]"#)),
                attr("wildcard", ex(r#"anytrue([for sa in var.service_accounts : strcontains(sa, "*")])"#)),
                attr("irsa_exact", irsa("StringEquals")),
                attr("irsa_wildcard", irsa("StringLike")),
                attr(
                    "pod_identity",
                    jsonencode(&serde_json::json!({
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Effect": "Allow",
                            "Principal": { "Service": "pods.eks.amazonaws.com" },
                            "Action": ["sts:AssumeRole", "sts:TagSession"]
                        }]
                    })),
                ),
            ],
        ),
        block(
            "resource",
            &["aws_iam_role", "this"],
            vec![
                attr("name", ex("var.name")),
                attr(
                    "assume_role_policy",
                    ex(r#"var.binding == "podIdentity" ? local.pod_identity : (local.wildcard ? local.irsa_wildcard : local.irsa_exact)"#),
                ),
            ],
        ),
        block(
            "resource",
            &["aws_iam_role_policy_attachment", "this"],
            vec![attr("for_each", ex("var.managed_policy_arns")), attr("role", ex("aws_iam_role.this.name")), attr("policy_arn", ex("each.value"))],
        ),
        block(
            "resource",
            &["aws_iam_role_policy", "this"],
            vec![
                attr("for_each", ex("var.inline_policies")),
                attr("name", ex("each.key")),
                attr("role", ex("aws_iam_role.this.id")),
                attr("policy", ex("each.value")),
            ],
        ),
        block(
            "resource",
            &["aws_eks_pod_identity_association", "this"],
            vec![
                attr("for_each", ex(r#"var.binding == "podIdentity" ? toset(var.service_accounts) : toset([])"#)),
                attr("cluster_name", ex("var.cluster_name")),
                attr("namespace", ex(r#"split(":", each.key)[0]"#)),
                attr("service_account", ex(r#"split(":", each.key)[1]"#)),
                attr("role_arn", ex("aws_iam_role.this.arn")),
            ],
        ),
    ];
    let outputs = vec![
        output("arn", "The role's ARN.", ex("aws_iam_role.this.arn")),
        output("name", "The role's name.", ex("aws_iam_role.this.name")),
    ];
    Module { name: "identity", aliases: &[], variables, main, outputs }
}

