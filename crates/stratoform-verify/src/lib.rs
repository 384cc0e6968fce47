//! The integrity proof over a rendered platform: `stratoform verify`.
//!
//! Validators prove that each file has the right form; this proves that the parts fit. It reads
//! the tree `stratoform render` wrote (HCL and YAML, parsed here, never asked of the model), and
//! for each environment follows what a deployment runs: the stacks in apply order, then Argo CD
//! from the bootstrap root application through every Application and Kustomization it syncs.
//! Every link between two parts must close:
//!
//! - [`aws`]: every AWS identifier a Kubernetes object, a values file or a template uses is
//!   created by a stack the environment applies (a small evaluator, [`hcl_eval`], reads what
//!   each stack creates and the names it gives them), or is AWS-managed;
//! - [`argocd`]: every path, `$values` file and chart repository an Application names exists,
//!   or is provided (`kubernetes_files`, repository credentials);
//! - [`kube`]: every kind is core or its CRD is installed by an earlier wave; every Service port
//!   a route or binding names exists; every SecretProviderClass has its driver and provider;
//! - [`refs`]: every Secret, ConfigMap, ServiceAccount, StorageClass, IngressClass,
//!   GatewayClass, PriorityClass and SecretProviderClass an object names is created by something
//!   synced, an installed chart, or the cluster itself;
//! - [`edge`]: every load balancer the edge stack looks up by name is one a synced Gateway,
//!   Service or chart value asks the AWS Load Balancer Controller for;
//! - [`alb`]: every host an ALB Ingress serves over TLS is covered by an ACM certificate the
//!   environment creates in the cluster's region;
//! - [`search`]: every OpenSearch domain in a VPC comes after a stack that creates OpenSearch
//!   Service's service-linked role in its account;
//! - [`docs`]: every DNS zone, DNS record and pull-through cache the docs show is created by a
//!   stack the environment applies.
//!
//! The spec (through the model) gives only the environments, each environment's stack order,
//! and the spec line a finding maps to.

pub mod alb;
pub mod argocd;
pub mod aws;
pub mod docs;
pub mod edge;
pub mod finding;
pub mod gitops;
pub mod hcl_eval;
pub mod kube;
pub mod refs;
pub mod report;
pub mod search;
pub mod tree;
pub mod zones;

use std::collections::BTreeMap;
use std::path::Path;

use stratoform_model::Model;

pub use finding::{Code, Finding, CODES};
pub use report::{EnvReport, Report};
pub use tree::Tree;

/// Why the proof could not run.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// DIR is missing or unreadable.
    #[error("cannot read the rendered tree: {0}")]
    Read(#[from] std::io::Error),
}

/// Links checked, by kind.
pub type Links = BTreeMap<&'static str, usize>;

/// Proves every environment of `models` over the tree in `dir`.
pub fn verify_dir(models: &[Model], dir: &Path) -> Result<Report, VerifyError> {
    let tree = Tree::read(dir)?;
    Ok(verify(models, &tree))
}

/// Proves every environment of `models` over `tree`.
pub fn verify(models: &[Model], tree: &Tree) -> Report {
    let envs = models.iter().map(|m| verify_env(m, tree)).collect();
    Report { environments: envs }
}

/// Proves one environment.
pub fn verify_env(model: &Model, tree: &Tree) -> EnvReport {
    let env = model.env_name().to_owned();
    let mut links = Links::new();
    let mut findings = Vec::new();
    let stacks: Vec<String> = model.stacks.iter().map(|s| s.name.clone()).collect();
    let eval = hcl_eval::Evaluator::new(tree);
    let created: Vec<hcl_eval::Created> = model.stacks.iter().flat_map(|s| eval.stack(&s.name, &s.scope)).collect();
    for (file, msg) in eval.errors.borrow().iter() {
        findings.push(Finding::new(finding::TF_UNREADABLE, file, 1, format!("`{file}` does not parse: {msg}"), "re-render with `stratoform render`; a generated file that does not parse is a renderer defect"));
    }
    let gitops = gitops::GitOps::walk(tree, &env, &mut findings, &mut links);
    aws::prove(tree, &env, &stacks, &created, &eval, &gitops, &mut findings, &mut links);
    argocd::prove(tree, &env, &stacks, &eval, &gitops, &mut findings, &mut links);
    kube::prove(tree, &gitops, &mut findings, &mut links);
    refs::prove(tree, &gitops.clusters, &mut findings, &mut links);
    edge::prove(tree, &env, &created, &gitops, &mut findings, &mut links);
    alb::prove(tree, &env, &created, &gitops, &mut findings, &mut links);
    search::prove(tree, &env, &created, &mut findings, &mut links);
    if let Some(account) = model.stacks.iter().find(|s| s.kind == stratoform_model::StackKind::Account) {
        zones::prove(tree, &env, &account.scope, &eval, &mut findings, &mut links);
    }
    docs::prove(tree, &env, &created, &mut findings, &mut links);
    for f in &mut findings {
        f.environment = env.clone();
        if let Some(pointer) = spec_pointer(model, &f.file) {
            f.spec_line = model.line_of(&pointer);
            f.spec_file = f.spec_line.map(|_| model.source.clone());
        }
    }
    findings.sort_by(|a, b| (&a.file, a.line, a.code, &a.message).cmp(&(&b.file, b.line, b.code, &b.message)));
    findings.dedup();
    EnvReport { environment: env, links, findings }
}

/// The spec object a generated file comes from: the cluster of a `kubernetes/<dir>/` file, the
/// region of an environment stack, the environment otherwise.
fn spec_pointer(model: &Model, file: &str) -> Option<String> {
    let mut parts = file.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("kubernetes"), Some(dir), Some(_)) => model.cluster_pointer_of_dir(dir),
        (Some("terraform"), Some("stacks"), Some(stack)) => model.environment_stack_pointer(stack),
        _ => Some(model.environment_pointer()),
    }
}
