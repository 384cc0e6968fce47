//! `stratoform drift FILE --env NAME [--local [--local-endpoint URL]] [--format human|json]`:
//! what changed in AWS outside stratoform. Each applied stack of the environment gets a
//! refresh-only plan (nothing is changed, and the state is not written); every resource whose
//! live object differs from the state is listed with the attributes that differ, or as deleted.
//! Exit 1 when anything drifted. `render --check` answers the other question: whether the
//! generated files differ from the spec.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use stratoform_terraform::runner::is_aws;

use super::up::{prepare, Target};
use crate::cli::Format;
use crate::exit::ExitStatus;

/// A resource changed outside stratoform.
#[derive(Debug, PartialEq, Serialize)]
pub struct Drifted {
    /// Its address in the stack.
    pub address: String,
    /// `update` (changed) or `delete` (gone).
    pub action: String,
    /// The attributes that differ (`tags.Team`), for an update.
    pub attributes: Vec<String>,
}

/// One stack's drift.
#[derive(Debug, Serialize)]
pub struct StackDrift {
    /// The stack.
    pub stack: String,
    /// Whether it has been applied (a stack never applied has nothing to drift).
    pub applied: bool,
    /// What drifted.
    pub drifted: Vec<Drifted>,
}

/// The attribute paths where `before` and `after` differ, down to `depth` levels of maps.
fn differing(before: &Value, after: &Value, prefix: &str, depth: usize, out: &mut Vec<String>) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) if depth > 0 => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                differing(b.get(k).unwrap_or(&Value::Null), a.get(k).unwrap_or(&Value::Null), &path, depth - 1, out);
            }
        }
        (b, a) if b != a => out.push(prefix.to_owned()),
        _ => {}
    }
}

/// The drifted resources of a shown refresh-only plan.
pub fn drifted(plan: &Value) -> Vec<Drifted> {
    plan["resource_drift"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let actions: Vec<&str> = r["change"]["actions"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let action = if actions.contains(&"delete") { "delete" } else { "update" };
            let mut attributes = Vec::new();
            if action == "update" {
                differing(&r["change"]["before"], &r["change"]["after"], "", 2, &mut attributes);
                // `tags_all` mirrors `tags` plus the provider's default tags.
                attributes.retain(|a| !a.starts_with("tags_all"));
            }
            Drifted { address: r["address"].as_str().unwrap_or_default().to_owned(), action: action.to_owned(), attributes }
        })
        .collect()
}

/// Runs `drift`.
pub fn run(file: &Path, env: &str, target: Target, format: Format, color: bool) -> ExitStatus {
    let local = target.local;
    let Some((model, run)) = prepare(file, env, &target, color, "drift") else { return ExitStatus::Failure };
    let mut report = Vec::new();
    for stack in model.stacks.iter().filter(|s| is_aws(s)) {
        if local && !run.state_file(&stack.name).is_file() {
            report.push(StackDrift { stack: stack.name.clone(), applied: false, drifted: Vec::new() });
            continue;
        }
        match run.init(&stack.name).and_then(|_| run.refresh_only(&stack.name)) {
            Ok(plan) => report.push(StackDrift { stack: stack.name.clone(), applied: true, drifted: drifted(&plan) }),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitStatus::Failure;
            }
        }
    }
    let any = report.iter().any(|s| !s.drifted.is_empty());
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "environment": env, "stacks": report })).unwrap_or_default()),
        Format::Human => {
            println!("drift of `{env}`: a refresh-only plan of each applied stack");
            for s in &report {
                match (s.applied, s.drifted.len()) {
                    (false, _) => println!("  {}: not applied", s.stack),
                    (true, 0) => println!("  {}: no drift", s.stack),
                    (true, n) => {
                        println!("  {}: {n} resource(s) changed outside stratoform", s.stack);
                        for d in &s.drifted {
                            let what = if d.action == "delete" { "deleted".to_owned() } else { d.attributes.join(", ") };
                            println!("    {} {}: {what}", if d.action == "delete" { "-" } else { "~" }, d.address);
                        }
                    }
                }
            }
            if any {
                println!("`stratoform up` puts back what the spec says; or change the spec to keep what changed");
            }
        }
    }
    if any { ExitStatus::Findings } else { ExitStatus::Clean }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn changed_attributes_and_deleted_resources_are_named() {
        let plan = json!({"resource_drift": [
            {"address": "module.network_main.aws_vpc.this", "change": {"actions": ["update"],
                "before": {"cidr_block": "10.0.0.0/16", "tags": {"Name": "a"}, "tags_all": {"Name": "a"}},
                "after": {"cidr_block": "10.0.0.0/16", "tags": {"Name": "a", "Team": "x"}, "tags_all": {"Name": "a", "Team": "x"}}}},
            {"address": "aws_s3_bucket.logs", "change": {"actions": ["delete"], "before": {"bucket": "b"}, "after": null}}
        ]});
        assert_eq!(
            drifted(&plan),
            vec![
                Drifted { address: "module.network_main.aws_vpc.this".into(), action: "update".into(), attributes: vec!["tags.Team".into()] },
                Drifted { address: "aws_s3_bucket.logs".into(), action: "delete".into(), attributes: Vec::new() },
            ]
        );
        assert!(drifted(&json!({"format_version": "1.2"})).is_empty(), "a plan without drift");
    }

    #[test]
    fn nested_values_are_compared_two_levels_deep() {
        let mut out = Vec::new();
        differing(&json!({"a": {"b": {"c": 1}}, "d": [1]}), &json!({"a": {"b": {"c": 2}}, "d": [1, 2]}), "", 2, &mut out);
        assert_eq!(out, ["a.b", "d"]);
    }
}
