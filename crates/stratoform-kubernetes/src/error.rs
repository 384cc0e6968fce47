//! Why the Kubernetes layer could not be rendered: every problem of every environment at once.

use std::fmt;

/// Rendering failed; `problems` lists every reason, in spec order.
#[derive(Debug, thiserror::Error)]
pub struct RenderError {
    /// Each problem found.
    pub problems: Vec<Problem>,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the Kubernetes layer could not be rendered ({} problem(s))",
            self.problems.len()
        )?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

/// One reason rendering failed. Each names the environment, the cluster and the spec item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// A `${...}` reference in Helm values names nothing the model knows.
    #[error(
        "env `{env}`, cluster `{cluster}`: chart `{chart}` value `{key}` references `${{{reference}}}`, which names nothing in the spec\n    help: use one of `cluster.name`, `cluster.endpoint`, `vpc.id`, `region`, `env`, `platform`, `role.<name>.arn`, `bucket.<name>.name`, `cache.<name>.authSecret`, `certificate.<name>.arn`, `fileSystem.<name>.id`, `accessPoint.<fs>.<ap>.id`, `kmsKey.<name>.arn`, with names declared in the spec"
    )]
    UnresolvedReference {
        /// Environment.
        env: String,
        /// Cluster spec name.
        cluster: String,
        /// Chart release.
        chart: String,
        /// Dotted key path inside the values.
        key: String,
        /// The reference, without `${}`.
        reference: String,
    },
    /// A chart, workload or issuer names a role the cluster does not declare.
    #[error(
        "env `{env}`, cluster `{cluster}`: {owner} uses role `{role}`, which is not in the cluster's `roles`\n    help: declare the role under `roles` of this cluster, or fix the name"
    )]
    UnknownRole {
        /// Environment.
        env: String,
        /// Cluster spec name.
        cluster: String,
        /// Who uses it (`workload `x``).
        owner: String,
        /// The role name as written.
        role: String,
    },
    /// A role's ARN needs the environment's account.
    #[error(
        "env `{env}` names no `account`, so the IRSA role ARN of `{role}` (cluster `{cluster}`) cannot be written\n    help: set `environments[].account` for `{env}`"
    )]
    MissingAccount {
        /// Environment.
        env: String,
        /// Cluster spec name.
        cluster: String,
        /// IAM role name.
        role: String,
    },
    /// A workload's service account is not one the role's trust policy admits.
    #[error(
        "env `{env}`, cluster `{cluster}`: workload `{workload}` runs as `{service_account}`, but role `{role}` admits only {admitted}\n    help: add `{service_account}` to the role's `serviceAccounts`, or set the workload's `serviceAccount`"
    )]
    RoleDoesNotAdmit {
        /// Environment.
        env: String,
        /// Cluster spec name.
        cluster: String,
        /// Workload name.
        workload: String,
        /// `namespace:name`.
        service_account: String,
        /// IAM role name.
        role: String,
        /// The patterns the role lists.
        admitted: String,
    },
    /// A reference between spec items that does not resolve (a node group, gateway, secret...).
    #[error(
        "env `{env}`, cluster `{cluster}`: {owner} refers to {what} `{name}`, which does not exist\n    help: {help}"
    )]
    Dangling {
        /// Environment.
        env: String,
        /// Cluster spec name.
        cluster: String,
        /// Who refers.
        owner: String,
        /// What kind of item.
        what: String,
        /// The name given.
        name: String,
        /// How to fix it.
        help: String,
    },
    /// Something the spec asks for that this layer cannot express.
    #[error("env `{env}`, cluster `{cluster}`: {what}\n    help: {help}")]
    Unsupported {
        /// Environment.
        env: String,
        /// Cluster spec name.
        cluster: String,
        /// What cannot be rendered.
        what: String,
        /// What to do instead.
        help: String,
    },
}
