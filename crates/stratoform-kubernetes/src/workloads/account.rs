//! A workload's ServiceAccount, and the check that its role admits that account.

use serde_json::{Map, json};
use stratoform_spec::Workload;

use crate::{Bundle, ClusterCtx, Manifest, Problem, Target, metadata};

pub(super) fn check_role(
    ctx: &ClusterCtx<'_>,
    w: &Workload,
    sa: &str,
) -> Option<&'static str> {
    let role_name = w.role.as_ref()?;
    let Some(role) = ctx.role(role_name.as_str()) else {
        ctx.problem(Problem::UnknownRole {
            env: ctx.env().into(),
            cluster: ctx.name().into(),
            owner: format!("workload `{}`", w.name),
            role: role_name.to_string(),
        });
        return None;
    };
    if !role
        .service_accounts
        .iter()
        .any(|p| p.matches(w.namespace.as_str(), sa))
    {
        ctx.problem(Problem::RoleDoesNotAdmit {
            env: ctx.env().into(),
            cluster: ctx.name().into(),
            workload: w.name.to_string(),
            service_account: format!("{}:{sa}", w.namespace),
            role: ctx.fill(&role.spec_name),
            admitted: role
                .service_accounts
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Some("")
}

pub(super) fn service_account(
    ctx: &ClusterCtx<'_>,
    w: &Workload,
    sa: &str,
) -> Option<Manifest> {
    let mut meta = metadata(ctx, sa, Some(w.namespace.as_str()), Map::new());
    check_role(ctx, w, sa);
    if let Some(role) = w.role.as_ref().and_then(|r| ctx.role(r.as_str())) {
        // Pod Identity binds through an EKS association (Terraform's), so no annotation then.
        if ClusterCtx::is_irsa(role)
            && ctx.target == Target::Aws
            && let Some(arn) = ctx.role_arn(role)
        {
            meta["annotations"] = json!({"eks.amazonaws.com/role-arn": arn});
        }
    }
    Some(Manifest::new(
        Bundle::Namespace(w.namespace.to_string()),
        // Pods decide for themselves (`automountServiceAccountToken` in the pod spec wins).
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta, "automountServiceAccountToken": false}),
    ))
}
