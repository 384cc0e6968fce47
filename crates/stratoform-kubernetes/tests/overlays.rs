//! Dev and prod differ only where the spec makes them differ. Read back from the rendered overlays
//! of the `small` fixture (kustomized, Argo CD parents included), with the environment's own name
//! mapped onto the other's (`small-dev-main` and `small-prod-main`, `overlays/dev/...`):
//! - without overrides, the two environments render the same objects;
//! - with the fixture's one override (dev runs workload `api` with 1 to 3 replicas), exactly the
//!   objects that setting shapes differ: the HPA's bounds, and the disruption budget, which a
//!   single replica does not get.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use stratoform_kubernetes::render;
use stratoform_model::Model;

use common::effective;

const FIXTURE: &str = "tests/fixtures/small/platform.yaml";

/// `dev` written as `prod` wherever it is a whole word of a string (`small-dev-main`,
/// `overlays/dev/ns-shop`, the environment label); keys are left alone.
fn as_prod(v: &Value) -> Value {
    match v {
        Value::String(s) => {
            let mut out = String::new();
            let mut word = String::new();
            for c in s.chars().chain(std::iter::once('\0')) {
                if c.is_ascii_alphanumeric() {
                    word.push(c);
                    continue;
                }
                out.push_str(if word == "dev" { "prod" } else { &word });
                word.clear();
                if c != '\0' {
                    out.push(c);
                }
            }
            Value::String(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(as_prod).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), as_prod(v))).collect()),
        other => other.clone(),
    }
}

/// Every object of one environment's overlays, by `kind/namespace/name`.
fn objects(models: &[Model], env: &str, map: bool) -> BTreeMap<String, Value> {
    let tree = render(models).unwrap();
    let (objects, apps) = effective(&tree, "main", env);
    objects
        .into_iter()
        .chain(apps)
        .map(|o| if map { as_prod(&o) } else { o })
        .map(|o| {
            let id = format!(
                "{}/{}/{}",
                o["kind"].as_str().unwrap(),
                o["metadata"]["namespace"].as_str().unwrap_or_default(),
                o["metadata"]["name"].as_str().unwrap()
            );
            (id, o)
        })
        .collect()
}

/// The ids of objects that differ between dev (mapped) and prod, or exist in one only.
fn differences(models: &[Model]) -> Vec<String> {
    let dev = objects(models, "dev", true);
    let prod = objects(models, "prod", false);
    assert!(
        dev.len() > 20,
        "the fixture renders its objects: {}",
        dev.len()
    );
    let mut ids: Vec<&String> = dev.keys().chain(prod.keys()).collect();
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .filter(|id| dev.get(*id) != prod.get(*id))
        .cloned()
        .collect()
}

/// The fixture with prod in dev's account: one account, one state bucket (prod's own bucket
/// goes with its own account).
fn one_account(text: &str) -> String {
    let own_bucket = text.lines().find(|l| l.contains("small-prod-terraform-state")).expect("prod names its own state bucket");
    text.replace(&format!("    overrides:\n{own_bucket}\n"), "").replace("222222222222", "111111111111")
}

fn load(text: &str) -> Vec<Model> {
    let loaded = stratoform_loader::load_str(FIXTURE, text);
    Model::resolve_all(&loaded, None).unwrap_or_else(|e| panic!("{e}: {:#?}", loaded.diagnostics))
}

#[test]
fn environments_the_spec_does_not_tell_apart_render_alike() {
    let text = std::fs::read_to_string(Path::new(FIXTURE)).unwrap();
    // Drop dev's overrides and give both environments one account.
    let start = text.find("    overrides:").unwrap();
    let end = text.find("  - name: prod").unwrap();
    let text =
        one_account(&format!("{}{}", &text[..start], &text[end..]));
    assert_eq!(differences(&load(&text)), Vec::<String>::new());
}

#[test]
fn an_override_changes_exactly_what_it_shapes() {
    let text = std::fs::read_to_string(Path::new(FIXTURE)).unwrap();
    let text = one_account(&text);
    assert_eq!(
        differences(&load(&text)),
        [
            // The team's project admits exactly the kinds it syncs: the HPA the override adds.
            "AppProject/argocd/shop",
            "HorizontalPodAutoscaler/shop/api",
            "PodDisruptionBudget/shop/api",
        ]
    );
}
