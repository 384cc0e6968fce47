//! How a root stack keeps its state and reads other stacks': the `backend "s3"` or `cloud` block,
//! the state variables and their values, and the `terraform_remote_state` configuration, which
//! `stratoform up --local` and the emulator runs switch to local files (`state_backend = local`).

use hcl::structure::Structure;
use hcl::Expression;
use stratoform_model::StateBackendNames;

use crate::dsl::*;

/// The `state_backend` value of remote reads: `s3`, or `remote` for HCP Terraform.
fn remote_kind(st: &StateBackendNames) -> &'static str {
    if st.cloud.is_some() { "remote" } else { "s3" }
}

/// The configuration of a `terraform_remote_state` read of stack `name` in `scope` (both HCL
/// template text: a literal or `${...}`). S3 reads are maps of strings; an HCP Terraform read has
/// a nested `workspaces` object, so both of its branches are JSON text, decoded by [`decoded`].
pub fn config_text(st: &StateBackendNames, scope: &str, name: &str) -> String {
    let local = format!(r#"{{ path = "${{var.local_state_dir}}/{scope}/{name}.tfstate" }}"#);
    match st.cloud {
        None => format!(
            r#"var.state_backend == "s3" ? tomap({{ bucket = var.state_bucket, key = "${{var.state_key_prefix}}/{scope}/{name}/terraform.tfstate", region = var.state_region }}) : tomap({local})"#
        ),
        Some(_) => format!(
            r#"var.state_backend == "remote" ? jsonencode({{ hostname = var.state_hostname, organization = var.state_organization, workspaces = {{ name = "${{var.state_key_prefix}}-{scope}-{name}" }} }}) : jsonencode({local})"#
        ),
    }
}

/// The `config` argument of a remote read, from an expression built with [`config_text`].
pub fn decoded(st: &StateBackendNames, config: &str) -> Expression {
    if st.cloud.is_some() { ex(&format!("jsondecode({config})")) } else { ex(config) }
}

/// The variables that say where state is read: the backend kind and its settings, and the
/// directory of local state files.
pub fn variables(st: &StateBackendNames) -> Vec<Structure> {
    let kind = remote_kind(st);
    let mut v = vec![variable(
        "state_backend",
        "string",
        &format!("Where other stacks' state is read: {kind}, or local files (`stratoform up --local`)."),
        Some(s(kind)),
    )];
    if st.cloud.is_some() {
        v.push(variable("state_organization", "string", "The HCP Terraform organization.", None));
        v.push(variable("state_hostname", "string", "The Terraform Enterprise host; null for HCP Terraform.", Some(Expression::Null)));
        v.push(variable("state_key_prefix", "string", "The prefix of workspace names.", None));
    } else {
        v.push(variable("state_bucket", "string", "The state bucket.", None));
        v.push(variable("state_region", "string", "The state bucket's region.", None));
        v.push(variable("state_key_prefix", "string", "The prefix of state keys.", None));
    }
    v.push(variable("local_state_dir", "string", "The directory of local state files, by scope (state_backend = local).", Some(s("../../.state"))));
    v
}

/// The values of [`variables`] for one environment's (or account's) tfvars.
pub fn values(st: &StateBackendNames) -> Vec<Structure> {
    match &st.cloud {
        Some(c) => vec![
            attr("state_organization", s(c.organization.clone())),
            attr("state_hostname", c.hostname.clone().map(s).unwrap_or(Expression::Null)),
            attr("state_key_prefix", s(st.key_prefix.clone())),
        ],
        None => vec![
            attr("state_bucket", s(st.bucket.clone())),
            attr("state_region", s(st.region.clone())),
            attr("state_key_prefix", s(st.key_prefix.clone())),
        ],
    }
}

/// The body of an S3 backend (a `backend "s3"` block, or a `<scope>.s3.tfbackend` file).
pub fn s3_body(st: &StateBackendNames, scope: &str, dir: &str) -> Vec<Structure> {
    let mut b = vec![attr("bucket", s(st.bucket.clone())), attr("key", s(st.key(scope, dir))), attr("region", s(st.region.clone()))];
    if let Some(t) = &st.lock_table {
        b.push(attr("dynamodb_table", s(t.clone())));
    }
    b.push(attr("encrypt", true));
    if st.lockfile {
        b.push(attr("use_lockfile", true));
    }
    b
}

/// The `cloud` block of a stack directory serving `scopes`, and what its file's header says: a
/// directory that serves one scope names its workspace when the spec asks for it, else it
/// selects its workspaces by tags and `TF_WORKSPACE` picks one. `None` for S3 state.
pub fn cloud_block(st: &StateBackendNames, dir: &str, scopes: &[String]) -> Option<(Structure, String)> {
    let cloud = st.cloud.as_ref()?;
    let mut body = vec![attr("organization", s(cloud.organization.clone()))];
    if let Some(h) = &cloud.hostname {
        body.push(attr("hostname", s(h.clone())));
    }
    let mut workspaces = Vec::new();
    let header = match scopes {
        [one] if cloud.by_name => {
            let name = st.workspace(one, dir);
            workspaces.push(attr("name", s(name.clone())));
            format!("Root stack `{dir}`: state in HCP Terraform, organization `{}`, workspace `{name}`.", cloud.organization)
        }
        _ => {
            workspaces.push(attr("tags", strs(st.workspace_tags(dir))));
            let names: Vec<String> = scopes.iter().map(|sc| format!("`{}`", st.workspace(sc, dir))).collect();
            format!(
                "Root stack `{dir}`: state in HCP Terraform, organization `{}`; `TF_WORKSPACE` picks the workspace: {}.",
                cloud.organization,
                names.join(", ")
            )
        }
    };
    if let Some(p) = &cloud.project {
        workspaces.push(attr("project", s(p.clone())));
    }
    body.push(block("workspaces", &[], workspaces));
    Some((block("terraform", &[], vec![block("cloud", &[], body)]), header))
}
