//! Root stacks: bootstrap and account (once per account), long-lived, one per environment and
//! region, edge records and Cloudflare. Each is a
//! directory under `terraform/stacks/` with `main.tf`, `providers.tf`, `variables.tf`,
//! `outputs.tf`, `backend.tf` and its tfvars. Stacks read each other through
//! `terraform_remote_state` (S3 or HCP Terraform, or local files for `stratoform up --local`),
//! never hard-coded IDs.

pub mod account;
pub mod bootstrap;
pub mod cloudflare;
pub mod edge;
pub mod environment;
pub mod long_lived;
pub mod policies;
pub mod state;
pub mod zone_delegation;

use std::collections::BTreeMap;

use hcl::structure::Structure;
use hcl::Expression;
use stratoform_model::Model;

use crate::dsl::*;
use crate::file::tf_file;

/// A root stack being built.
#[derive(Default)]
pub struct StackBuilder {
    /// Module calls, data sources and resources.
    pub main: Vec<Structure>,
    /// Variables beyond the common ones.
    pub variables: Vec<Structure>,
    /// Outputs.
    pub outputs: Vec<Structure>,
    /// Provider aliases by alias name, with their regions.
    pub aliases: BTreeMap<String, String>,
    /// Stacks whose state it reads, by stack name.
    pub reads: Vec<String>,
    /// Extra tfvars values beyond the common ones.
    pub tfvars: Vec<(String, Expression)>,
    /// Providers beyond the default and the region aliases (a provider that assumes a role).
    pub extra_providers: Vec<Structure>,
}

/// A provider alias name for a region (`us_west_2`).
pub fn region_alias(region: &str) -> String {
    ident(region)
}


impl StackBuilder {
    /// A module call: `module "<name>" { source = "../../modules/<family>" ... }`.
    pub fn module(&mut self, name: &str, family: &str, args: Vec<(&str, Expression)>) {
        self.module_with(name, family, None, args);
    }

    /// A module call with a provider mapping (`{ aws = aws.us_west_2 }`).
    pub fn module_with(&mut self, name: &str, family: &str, providers: Option<Expression>, args: Vec<(&str, Expression)>) {
        let mut body = vec![attr("source", s(format!("../../modules/{family}")))];
        if let Some(p) = providers {
            body.push(attr("providers", p));
        }
        body.extend(args.into_iter().map(|(k, v)| attr(k, v)));
        self.main.push(block_owned("module", vec![name.to_owned()], body));
    }

    /// Writes checkov skips into a module call (checkov applies them to that call's resources).
    pub fn skip_module(&mut self, module: &str, skips: &[crate::checkov::Skip]) {
        if skips.is_empty() {
            return;
        }
        let Some(Structure::Block(call)) = self.main.iter_mut().find(|st| {
            matches!(st, Structure::Block(b) if b.identifier() == "module" && b.labels().first().map(|l| l.as_str()) == Some(module))
        }) else {
            panic!("no module call `{module}` to skip checks in");
        };
        let mut body = crate::checkov::markers(skips);
        body.append(&mut call.body.0);
        call.body.0 = body;
    }

    /// Marks a stack as read and returns the expression of its outputs.
    pub fn remote(&mut self, stack: &str) -> String {
        if !self.reads.iter().any(|r| r == stack) {
            self.reads.push(stack.to_owned());
        }
        format!("data.terraform_remote_state.{}.outputs", ident(stack))
    }

    /// Uses a provider alias for a region other than the stack's.
    pub fn alias(&mut self, region: &str) -> String {
        let a = region_alias(region);
        self.aliases.insert(a.clone(), region.to_owned());
        format!("aws.{a}")
    }

    /// Renders the stack's files under `stacks/<dir>/`. `shared` stacks serve several state
    /// scopes (`<scope>.tfvars` and a partial backend with `<scope>.s3.tfbackend`): every
    /// environment, or every account for a stack applied once per account (then `models` holds
    /// one model of each account).
    pub fn files(mut self, source: &str, dir: &str, models: &[(&Model, Vec<(String, Expression)>)], shared: bool) -> Vec<(String, String)> {
        let mut files = Vec::new();
        let path = |f: &str| format!("stacks/{dir}/{f}");
        let first = models[0].0;
        let versions = first.versions();
        let first_state = first.state_backend();

        // Remote state reads.
        let mut main = vec![block(
            "terraform",
            &[],
            vec![
                attr("required_version", s(versions.terraform.clone())),
                block("required_providers", &[], vec![attr("aws", obj([("source", s("hashicorp/aws")), ("version", s(versions.aws_provider.clone()))]))]),
            ],
        )];
        if !self.reads.is_empty() {
            self.reads.sort();
            // Each read stack's state scope: its environment's, or the account's for a stack
            // applied once per account.
            let scopes = obj(self.reads.iter().map(|r| {
                let per_account = first.stacks.iter().any(|s| &s.name == r && s.per_account());
                (r.clone(), ex(if per_account { "var.account_scope" } else { "var.env" }))
            }));
            main.push(block(
                "locals",
                &[],
                vec![attr(
                    "remote_state",
                    ex(&format!(
                        "{{ for name, scope in {} : name => {} }}",
                        crate::printer::inline_pub(&scopes),
                        state::config_text(&first_state, "${scope}", "${name}")
                    )),
                )],
            ));
            for r in &self.reads {
                main.push(block_owned(
                    "data",
                    vec!["terraform_remote_state".into(), ident(r)],
                    vec![attr("backend", ex("var.state_backend")), attr("config", state::decoded(&first_state, &format!("local.remote_state[{r:?}]")))],
                ));
            }
        }
        main.append(&mut self.main);
        crate::checkov::annotate(crate::checkov::Scope::Stack, &mut main);
        files.push((path("main.tf"), tf_file(source, &format!("Root stack `{dir}`: module calls."), main)));

        // Providers.
        let provider = |alias: Option<(&str, &str)>| {
            let mut body = Vec::new();
            match alias {
                Some((a, r)) => {
                    body.push(attr("alias", s(a)));
                    body.push(attr("region", s(r)));
                }
                None => body.push(attr("region", ex("var.region"))),
            }
            body.push(attr("allowed_account_ids", ex("var.account_id == null ? null : [var.account_id]")));
            body.push(block("default_tags", &[], vec![attr("tags", ex("var.default_tags"))]));
            block("provider", &["aws"], body)
        };
        let mut providers = vec![provider(None)];
        for (a, r) in &self.aliases {
            providers.push(provider(Some((a, r))));
        }
        providers.append(&mut self.extra_providers);
        files.push((path("providers.tf"), tf_file(source, &format!("Root stack `{dir}`: AWS providers, account guard and default tags."), providers)));

        // Variables.
        let per_account = first.stacks.iter().any(|s| s.name == dir && s.per_account());
        let mut variables = common_variables(per_account);
        variables.extend(state::variables(&first_state));
        variables.append(&mut self.variables);
        files.push((path("variables.tf"), tf_file(source, &format!("Root stack `{dir}`: inputs."), variables)));
        files.push((path("outputs.tf"), tf_file(source, &format!("Root stack `{dir}`: outputs other stacks read."), std::mem::take(&mut self.outputs))));

        // Backend and values.
        let stack = first.stacks.iter().find(|s| s.name == dir);
        let per_account = stack.is_some_and(stratoform_model::Stack::per_account);
        let scope_of = |m: &Model| m.stacks.iter().find(|s| s.name == dir).map_or_else(|| m.env_name().to_owned(), |s| s.scope.clone());
        let scopes: Vec<String> = models.iter().map(|(m, _)| scope_of(m)).collect();
        if let Some((cloud, header)) = state::cloud_block(&first_state, dir, &scopes) {
            files.push((path("backend.tf"), tf_file(source, &header, vec![cloud])));
        } else if shared {
            let whose = if per_account { "account" } else { "environment" };
            files.push((
                path("backend.tf"),
                tf_file(
                    source,
                    &format!("Root stack `{dir}`: S3 state, configured per {whose}: `terraform init -backend-config=<{whose}>.s3.tfbackend`."),
                    vec![block("terraform", &[], vec![block("backend", &["s3"], vec![])])],
                ),
            ));
        } else {
            files.push((
                path("backend.tf"),
                tf_file(
                    source,
                    &format!("Root stack `{dir}`: state in S3 with {} locking.", lock_kind(&first_state)),
                    vec![block("terraform", &[], vec![block("backend", &["s3"], state::s3_body(&first_state, &scope_of(first), dir))])],
                ),
            ));
        }
        for (model, extra) in models {
            let st = model.state_backend();
            let scope = scope_of(model);
            let mut values = Vec::new();
            if !per_account {
                values.push(attr("env", s(model.env_name())));
            }
            values.push(attr("region", s(stack_region(model, dir))));
            values.push(attr("account_id", model.names.account.clone().map(s).unwrap_or(Expression::Null)));
            values.push(attr("account_scope", s(model.names.account_scope())));
            let tags = if per_account { model.names.account_tags() } else { model.names.tags.clone() };
            values.push(attr("default_tags", string_map(tags.iter())));
            values.extend(state::values(&st));
            values.extend(extra.iter().map(|(k, v)| attr(k, v.clone())));
            let name = if shared { format!("{scope}.tfvars") } else { "terraform.tfvars".into() };
            let whose = if per_account {
                let envs: Vec<String> = model.account_environments().iter().map(|e| format!("`{e}`")).collect();
                format!("account scope `{scope}` (environments {})", envs.join(", "))
            } else {
                format!("environment `{}`", model.env_name())
            };
            files.push((path(&name), tf_file(source, &format!("Root stack `{dir}`: values of {whose}."), values)));
            if shared && st.cloud.is_none() {
                files.push((path(&format!("{scope}.s3.tfbackend")), tf_file(source, &format!("Root stack `{dir}`: state of {whose}."), state::s3_body(&st, &scope, dir))));
            }
        }
        files
    }
}

/// The models that have a stack of `kind` (one directory serving several scopes), the primary
/// region of the first, and the regions of all of them in first-seen order, so that one main.tf
/// serves them all. `None` when no model has such a stack.
pub(crate) fn shared_stack(models: &[Model], kind: stratoform_model::StackKind) -> Option<(Vec<&Model>, String, Vec<String>)> {
    let models: Vec<&Model> = models.iter().filter(|m| m.stacks.iter().any(|s| s.kind == kind)).collect();
    let primary = models.first()?.primary_region().name.to_string();
    let mut regions: Vec<String> = Vec::new();
    for m in &models {
        for r in m.regions() {
            if !regions.contains(&r.name.to_string()) {
                regions.push(r.name.to_string());
            }
        }
    }
    Some((models, primary, regions))
}

/// The first model of each account scope, in the order given.
pub(crate) fn first_of_each_account<'a>(models: &[&'a Model]) -> Vec<&'a Model> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for m in models {
        let scope = m.names.account_scope();
        if !seen.contains(&scope) {
            seen.push(scope);
            out.push(*m);
        }
    }
    out
}

/// The region a stack is rooted in.
fn stack_region(model: &Model, dir: &str) -> String {
    model
        .stacks
        .iter()
        .find(|s| s.name == dir)
        .and_then(|s| s.region.clone())
        .unwrap_or_else(|| model.primary_region().name.to_string())
}

/// What locks S3 state, for a backend file's header.
fn lock_kind(st: &stratoform_model::StateBackendNames) -> &'static str {
    match (st.lock_table.is_some(), st.lockfile) {
        (true, false) => "DynamoDB",
        (false, true) => "S3 native",
        (true, true) => "DynamoDB and S3 native",
        (false, false) => "no",
    }
}

/// Variables every stack has besides the state's ([`state::variables`]); `env` only in stacks
/// applied per environment.
fn common_variables(per_account: bool) -> Vec<Structure> {
    let env = (!per_account).then(|| variable("env", "string", "The environment.", None));
    env.into_iter().chain([
        variable("account_scope", "string", "The scope of the state of the stacks applied once per account (bootstrap, account).", None),
        variable("region", "string", "The region of the default provider.", None),
        variable("account_id", "string", "The only account the providers may act in; null allows the caller's.", Some(Expression::Null)),
        variable("default_tags", "map(string)", "Tags on every resource.", Some(obj::<&str>([]))),
    ])
    .collect()
}

/// Every stack of every model, by path under `terraform/`.
pub fn render(models: &[Model], source: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    files.extend(bootstrap::render(models, source));
    files.extend(account::render(models, source));
    files.extend(long_lived::render(models, source));
    // The Kubernetes layer's folders: the environment stacks render its templates.
    let dirs = stratoform_model::after_apply::cluster_dirs(models);
    for model in models {
        files.extend(environment::render(model, &dirs, source));
        files.extend(edge::render(model, source));
        files.extend(cloudflare::render(model, source));
    }
    files
}

/// An enum's serde name; it lives in [`crate::dsl`] (the Cloudflare renderer uses it too) and stays at this path.
pub use crate::dsl::serde_name;

/// CloudWatch Logs retention: the smallest allowed value at least `days`.
pub fn retention_days(days: u64) -> i64 {
    const ALLOWED: &[i64] = &[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
    ALLOWED.iter().copied().find(|d| *d as u64 >= days).unwrap_or(3653)
}

/// Whole days of a duration (at least 1).
pub fn days(d: &stratoform_spec::Duration) -> u64 {
    (d.as_secs() / 86_400).max(1)
}

/// A record with literal values, keyed `<name>/<type>`, as `modules/dns` takes it (`extra` adds
/// fields such as a null `alias`).
pub(crate) fn literal_record(r: &stratoform_spec::DnsRecord, extra: Vec<(&str, Expression)>) -> (String, Expression) {
    let mut fields = vec![
        ("zone", s(r.zone.to_string())),
        ("name", s(r.name.to_string())),
        ("type", s(serde_name(&r.kind))),
        ("ttl", n(r.ttl.as_secs() as i64)),
        ("values", strs(r.values.iter().cloned())),
    ];
    fields.extend(extra);
    (format!("{}/{}", r.name, serde_name(&r.kind)), obj(fields))
}
