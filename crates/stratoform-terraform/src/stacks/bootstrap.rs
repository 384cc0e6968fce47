//! The bootstrap stack: the state bucket and lock table every other stack keeps its state in,
//! once per account (`<account scope>.tfvars`), however many environments share it. It is applied
//! once with local state, then moved into the bucket it created
//! (`terraform init -migrate-state -backend-config=<account scope>.s3.tfbackend`).

use hcl::Expression;
use stratoform_model::{Model, StackKind};

use super::StackBuilder;
use crate::dsl::*;

/// The bootstrap stack's files (one values file per account scope).
pub fn render(models: &[Model], source: &str) -> Vec<(String, String)> {
    let models: Vec<&Model> = models.iter().filter(|m| m.stacks.iter().any(|s| s.kind == StackKind::Bootstrap)).collect();
    if models.is_empty() {
        return Vec::new();
    }
    let mut b = StackBuilder::default();
    b.variables.push(variable("state_lock_table", "string", "The DynamoDB lock table; null without locking.", Some(Expression::Null)));
    b.variables.push(variable("state_kms", "bool", "Encrypt state with a KMS key of this stack.", Some(true.into())));
    b.variables.push(variable("state_noncurrent_version_days", "number", "Days noncurrent state versions are kept.", Some(n(90))));
    b.module(
        "state_backend",
        "state-backend",
        vec![
            ("bucket", ex("var.state_bucket")),
            ("lock_table", ex("var.state_lock_table")),
            ("kms", ex("var.state_kms")),
            ("noncurrent_version_days", ex("var.state_noncurrent_version_days")),
        ],
    );
    b.outputs.push(output("state_bucket", "The state bucket.", ex("module.state_backend.bucket")));
    b.outputs.push(output("lock_table", "The lock table.", ex("module.state_backend.lock_table")));
    // The first environment of each account scope speaks for it: the state settings are the
    // platform's, the same in every environment.
    let per_env: Vec<(&Model, Vec<(String, Expression)>)> = super::first_of_each_account(&models)
        .into_iter()
        .map(|m| {
            let st = m.state_backend();
            let vals = vec![
                ("state_lock_table".to_owned(), st.lock_table.clone().map(s).unwrap_or(Expression::Null)),
                ("state_kms".to_owned(), st.kms.into()),
                ("state_noncurrent_version_days".to_owned(), n(st.noncurrent_version_days() as i64)),
            ];
            (m, vals)
        })
        .collect();
    b.files(source, "bootstrap", &per_env, true)
}
