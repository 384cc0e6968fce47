//! Accounts: an environment whose clusters have IAM roles needs its AWS account, because the
//! role ARNs that service accounts and Pod Identity associations carry include it.

use stratoform_diagnostics::{codes, Diagnostic};

use super::Ctx;

/// Runs the account check for the environment being validated.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    let Some((ei, env)) = p.environments.iter().enumerate().find(|(_, e)| e.name.as_str() == ctx.env_name()) else { return };
    if env.account.is_some() {
        return;
    }
    let first_role = p.regions.iter().enumerate().find_map(|(ri, r)| {
        r.clusters.iter().enumerate().find_map(|(ci, c)| {
            c.roles.first().map(|role| (format!("/regions/{ri}/clusters/{ci}/roles/0"), role.name.to_string(), c.name.to_string()))
        })
    });
    let Some((role_ptr, role, cluster)) = first_role else { return };
    let ep = format!("/environments/{ei}");
    ctx.push(
        Diagnostic::error(
            codes::MISSING_ACCOUNT,
            format!("environment `{}` has no `account`, but the ARNs of its IAM roles need one", env.name),
        )
        .with_path(ctx.path(&ep))
        .with_span(ctx.span(&format!("{ep}/name")), "no `account`")
        .with_secondary(ctx.span(&format!("{role_ptr}/name")), format!("role `{role}` of cluster `{cluster}` needs it"))
        .with_help(format!("add `account: \"123456789012\"` (the 12-digit AWS account of `{}`), quoted", env.name)),
    );
}
