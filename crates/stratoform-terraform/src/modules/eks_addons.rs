//! `modules/eks-addons`: a cluster's EKS managed add-ons at pinned versions (each with the IRSA
//! role of its service account) and its access entries. Kept apart from `eks` because the
//! add-ons' roles trust the cluster's OIDC provider, which exists only once the cluster does.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("cluster_name", "string", "The EKS cluster.", None),
        variable(
            "addons",
            "map(object({ version = string, service_account_role_arn = optional(string), configuration = optional(string) }))",
            "Managed add-ons by EKS name, with pinned versions, the IRSA role and JSON configuration values.",
            Some(obj::<&str>([])),
        ),
        variable(
            "access_entries",
            "map(object({ principal_arn = string, policy_arn = string, namespaces = list(string) }))",
            "Access entries by name: the principal, the EKS access policy and the namespaces it is limited to (empty: the cluster).",
            Some(obj::<&str>([])),
        ),
    ];
    let main = vec![
        block(
            "resource",
            &["aws_eks_addon", "this"],
            vec![
                attr("for_each", ex("var.addons")),
                attr("cluster_name", ex("var.cluster_name")),
                attr("addon_name", ex("each.key")),
                attr("addon_version", ex("each.value.version")),
                attr("service_account_role_arn", ex("each.value.service_account_role_arn")),
                attr("configuration_values", ex("each.value.configuration")),
                attr("resolve_conflicts_on_create", s("OVERWRITE")),
                attr("resolve_conflicts_on_update", s("PRESERVE")),
            ],
        ),
        block(
            "resource",
            &["aws_eks_access_entry", "this"],
            vec![
                attr("for_each", ex("var.access_entries")),
                attr("cluster_name", ex("var.cluster_name")),
                attr("principal_arn", ex("each.value.principal_arn")),
            ],
        ),
        block(
            "resource",
            &["aws_eks_access_policy_association", "this"],
            vec![
                attr("for_each", ex("var.access_entries")),
                attr("cluster_name", ex("var.cluster_name")),
                attr("principal_arn", ex("aws_eks_access_entry.this[each.key].principal_arn")),
                attr("policy_arn", ex("each.value.policy_arn")),
                block(
                    "access_scope",
                    &[],
                    vec![
                        attr("type", ex(r#"length(each.value.namespaces) == 0 ? "cluster" : "namespace""#)),
                        attr("namespaces", ex("length(each.value.namespaces) == 0 ? null : each.value.namespaces")),
                    ],
                ),
            ],
        ),
    ];
    let outputs = vec![output("addon_versions", "Installed add-on versions by name.", ex("{ for k, v in aws_eks_addon.this : k => v.addon_version }"))];
    Module { name: "eks-addons", aliases: &[], variables, main, outputs }
}
