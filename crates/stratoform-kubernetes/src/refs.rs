//! `${...}` references in Helm values, resolved from the model.
//!
//! Three kinds of reference:
//! - known at render time (cluster name, region, env, platform, IAM role ARNs, bucket names, the
//!   names of the secrets holding caches' AUTH tokens):
//!   written into the values as literals;
//! - known only after `terraform apply` (VPC ID, cluster endpoint, ACM certificate ARN, EFS file
//!   system and access point IDs, KMS key ARN): the value moves into a `templatefile()` template
//!   whose variables the model names ([`stratoform_model::AfterApply`]); the environment stack
//!   renders it in its `kubernetes_files` output, `stratoform up` writes the file, and Argo CD
//!   reads it as an extra values file;
//! - anything else: a render error naming the chart and the key.

use serde_json::{Map, Value};
use stratoform_model::AfterApply;

use crate::{ClusterCtx, Problem};

/// What a reference resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A literal known at render time.
    Literal(String),
    /// A value only the environment stack's apply knows: its template variable, and the template
    /// expression that reads the value from it (the variable itself, or one key of a map).
    Terraform {
        /// The template variable.
        output: String,
        /// The `templatefile()` expression.
        expr: String,
    },
}

/// Resolves one reference key (without `${}`), or `None` when it names nothing.
pub fn resolve(ctx: &ClusterCtx<'_>, key: &str) -> Option<Resolved> {
    if let Some((value, expr)) = AfterApply::reference(ctx.model, ctx.region, ctx.cluster, key) {
        return Some(Resolved::Terraform {
            output: value.variable(),
            expr,
        });
    }
    let parts: Vec<&str> = key.split('.').collect();
    let region = ctx.region;
    let model = ctx.model;
    let lit = |s: String| Some(Resolved::Literal(s));
    match parts.as_slice() {
        ["cluster", "name"] => lit(ctx.eks_name.clone()),
        ["region"] => lit(region.name.to_string()),
        ["env"] => lit(model.env_name().to_owned()),
        ["platform"] => lit(model.names.platform.clone()),
        ["role", name @ .., "arn"] if !name.is_empty() => {
            let role = ctx.role(&name.join("."))?;
            ctx.role_arn(role).map(Resolved::Literal)
        }
        ["bucket", name, "name"] => {
            let (bucket_region, bucket) = model.find_bucket(name, region.name.as_str())?;
            lit(model.bucket_name(bucket_region, bucket))
        }
        ["cache", name, "authSecret"] => {
            let (_, cache) = model.granted_cache(
                &format!("{}{name}", stratoform_model::secrets::CACHE_GRANT_PREFIX),
                region.name.as_str(),
            )?;
            lit(model.names.cache_auth_secret(cache.name.as_str()))
        }
        _ => None,
    }
}

/// Helm values split by when they are known.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SplitValues {
    /// Values with every render-time reference substituted.
    pub values: Map<String, Value>,
    /// The subtree of values that need Terraform outputs, with `${output}` template variables.
    pub terraform: Map<String, Value>,
    /// The Terraform outputs the template uses, sorted.
    pub outputs: Vec<String>,
}

/// Resolves every reference in a chart's values; unresolvable ones become problems.
pub fn split_values(ctx: &ClusterCtx<'_>, chart: &str, values: &Map<String, Value>) -> SplitValues {
    let mut out = SplitValues::default();
    let mut root = Value::Object(values.clone());
    let mut tf = Value::Object(Map::new());
    walk(
        ctx,
        chart,
        &mut root,
        &mut Vec::new(),
        &mut tf,
        &mut out.outputs,
    );
    out.values = match root {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    out.terraform = match tf {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    out.outputs.sort();
    out.outputs.dedup();
    out
}

/// Walks the values; returns `true` when the node must be removed (it moved to Terraform).
fn walk(
    ctx: &ClusterCtx<'_>,
    chart: &str,
    node: &mut Value,
    path: &mut Vec<String>,
    tf: &mut Value,
    outputs: &mut Vec<String>,
) -> bool {
    match node {
        Value::String(s) if s.contains("${") => {
            let mut needs_tf = false;
            let mut tf_outputs = Vec::new();
            let (literal, missing) =
                stratoform_model::refs::substitute(s, |key| match resolve(ctx, key) {
                    Some(Resolved::Literal(v)) => Some(v),
                    Some(Resolved::Terraform { output, expr }) => {
                        needs_tf = true;
                        tf_outputs.push(output);
                        Some(format!("${{{expr}}}"))
                    }
                    None => None,
                });
            for reference in missing {
                ctx.problem(Problem::UnresolvedReference {
                    env: ctx.env().into(),
                    cluster: ctx.name().into(),
                    chart: chart.into(),
                    key: path.join("."),
                    reference,
                });
            }
            if needs_tf {
                insert_at(tf, path, Value::String(literal));
                outputs.extend(tf_outputs);
                true
            } else {
                *s = literal;
                false
            }
        }
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                path.push(k.clone());
                let remove = walk(
                    ctx,
                    chart,
                    map.get_mut(&k).expect("key listed above"),
                    path,
                    tf,
                    outputs,
                );
                path.pop();
                if remove {
                    map.shift_remove(&k);
                }
            }
            false
        }
        Value::Array(items) => {
            // A list cannot be half in Helm values and half in a template: move it whole.
            let mut probe = Value::Object(Map::new());
            let mut list_outputs = Vec::new();
            let mut moved = false;
            for (i, item) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                moved |= walk(ctx, chart, item, path, &mut probe, &mut list_outputs);
                path.pop();
            }
            if moved {
                // Re-resolve the original list with Terraform variables in place.
                let mut whole = Value::Array(items.clone());
                fill_tf(&mut whole, &probe, &mut path.clone());
                insert_at(tf, path, whole);
                outputs.extend(list_outputs);
            }
            moved
        }
        _ => false,
    }
}

/// Puts the moved strings of `probe` (keyed by list index) back into `list`.
fn fill_tf(node: &mut Value, probe: &Value, path: &mut Vec<String>) {
    match node {
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                fill_tf(item, probe, path);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                path.push(k.clone());
                fill_tf(v, probe, path);
                path.pop();
            }
        }
        _ => {}
    }
    let mut at = probe;
    for p in path.iter() {
        match at.get(p) {
            Some(v) => at = v,
            None => return,
        }
    }
    if at.is_string() {
        *node = at.clone();
    }
}

fn insert_at(root: &mut Value, path: &[String], value: Value) {
    let mut at = root;
    for (i, key) in path.iter().enumerate() {
        let map = match at {
            Value::Object(m) => m,
            _ => return,
        };
        if i == path.len() - 1 {
            map.insert(key.clone(), value);
            return;
        }
        at = map
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}
