//! The state backend: HCP Terraform state takes none of the S3 fields, S3 locking settings need
//! locking on, and workspace names are built from the key prefix.

use stratoform_diagnostics::codes;

use super::conflicts::both;
use super::Ctx;

/// Runs the state backend checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let st = &ctx.platform.state;
    let s3_fields = [
        ("bucket", st.bucket.is_some()),
        ("lockTable", st.lock_table.is_some()),
        ("lockWith", st.lock_with.is_some()),
        ("region", st.region.is_some()),
        ("kms", st.kms.is_some()),
        ("noncurrentVersionRetention", st.noncurrent_version_retention.is_some()),
    ];
    if st.cloud.is_some() {
        for (field, _) in s3_fields.iter().filter(|(_, set)| *set) {
            both(ctx, "/state", "cloud", field, &format!("`{field}` configures S3 state and HCP Terraform keeps the state itself"));
        }
        if let Some(prefix) = &st.key_prefix
            && !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            ctx.error(
                codes::INVALID_FORMAT,
                "/state/keyPrefix",
                format!("`{prefix}` cannot start an HCP Terraform workspace name"),
                "not a workspace name prefix",
                "workspace names are letters, digits, `-` and `_`; write the prefix with those only",
            );
        }
    }
    if st.locking == Some(false) && st.lock_with.is_some() {
        both(ctx, "/state", "locking", "lockWith", "`lockWith` says how state is locked and `locking: false` turns locking off");
    }
}
