//! Environment overlays: merges an environment's `overrides` over the base spec. Maps merge key
//! by key, lists of objects with a `name` merge by name (a new name appends), anything else
//! replaces. Spans follow the values, so errors in merged output point at the override.
//!
//! A new name appends only an item that is whole: one that lacks a field its list's items
//! require was meant to change an item of the base, and most likely names one that was renamed
//! there or is misspelt. That is reported as such (with the closest name of the base), not as the
//! fields it lacks.

use serde_json::Value;
use stratoform_diagnostics::{codes, Diagnostic};

use crate::tree::{escape, span_of, SpanMap};

/// Merges `overrides` (written at `from` in the file) into `base` (at `at` in the merged document).
/// It recurses as deep as the overrides nest: at most [`crate::limits::MAX_DEPTH`].
pub fn merge(
    base: &mut Value,
    at: &str,
    overrides: &Value,
    from: &str,
    file_spans: &SpanMap,
    merged_spans: &mut SpanMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match (base, overrides) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, ov) in o {
                let child_at = format!("{at}/{}", escape(k));
                let child_from = format!("{from}/{}", escape(k));
                match b.get_mut(k) {
                    Some(bv) => merge(bv, &child_at, ov, &child_from, file_spans, merged_spans, diagnostics),
                    None if ov.as_array().is_some_and(|o| is_named_list(o)) => {
                        // Merged into an empty list, so that each item is checked as a new one.
                        let list = b.entry(k.clone()).or_insert(Value::Array(Vec::new()));
                        if let Some(s) = file_spans.get(&child_from) {
                            merged_spans.insert(child_at.clone(), *s);
                        }
                        merge(list, &child_at, ov, &child_from, file_spans, merged_spans, diagnostics);
                        if list.as_array().is_some_and(Vec::is_empty) {
                            // Nothing was added: the base stays without the list.
                            b.remove(k);
                            merged_spans.remove(&child_at);
                        }
                    }
                    None => {
                        b.insert(k.clone(), ov.clone());
                        rebase(file_spans, &child_from, merged_spans, &child_at);
                    }
                }
            }
        }
        (Value::Array(b), Value::Array(o)) if is_named_list(b) || is_named_list(o) => {
            let base_names: Vec<String> = b.iter().filter_map(|v| v.get("name").and_then(Value::as_str).map(str::to_owned)).collect();
            for (j, ov) in o.iter().enumerate() {
                let child_from = format!("{from}/{j}");
                let Some(name) = ov.get("name").and_then(Value::as_str) else {
                    let span = span_of(file_spans, &child_from).map(|s| s.value);
                    diagnostics.push(
                        Diagnostic::error(codes::INVALID_OVERRIDE, "an override of a named list item needs its `name`")
                            .with_path(crate::tree::spec_path(&child_from))
                            .with_span(span, "no `name` here")
                            .with_help("add `name:` with the name of the item to change, or a new name to add one"),
                    );
                    continue;
                };
                match b.iter().position(|bv| bv.get("name").and_then(Value::as_str) == Some(name)) {
                    Some(i) => {
                        let child_at = format!("{at}/{i}");
                        merge(&mut b[i], &child_at, ov, &child_from, file_spans, merged_spans, diagnostics);
                    }
                    None => {
                        let child_at = format!("{at}/{}", b.len());
                        let lacking = lacking(&child_at, ov);
                        if !lacking.is_empty() {
                            diagnostics.push(unknown_target(at, name, &base_names, &lacking, &child_from, file_spans));
                            continue;
                        }
                        b.push(ov.clone());
                        rebase(file_spans, &child_from, merged_spans, &child_at);
                    }
                }
            }
        }
        (b, o) => {
            // Replacing a subtree: forget the base's spans below it, take the override's.
            let prefix = format!("{at}/");
            let below: Vec<String> =
                merged_spans.range(prefix.clone()..).map(|(k, _)| k).take_while(|k| k.starts_with(&prefix)).cloned().collect();
            for k in below {
                merged_spans.remove(&k);
            }
            *b = o.clone();
            rebase(file_spans, from, merged_spans, at);
        }
    }
}

/// The fields that the item at `at` must have and `item` lacks (none when the schema is not known).
fn lacking(at: &str, item: &Value) -> Vec<String> {
    let required = crate::structure::schema_at(at).and_then(|s| s.get("required")).and_then(Value::as_array);
    required.into_iter().flatten().filter_map(Value::as_str).filter(|f| item.get(f).is_none()).map(str::to_owned).collect()
}

/// An override item (at `from`, in the list at `at`) that names no item of the base and lacks
/// the `lacking` fields a new item needs.
fn unknown_target(at: &str, name: &str, base: &[String], lacking: &[String], from: &str, file_spans: &SpanMap) -> Diagnostic {
    let list = at.rsplit('/').next().unwrap_or_default();
    let what = noun(list);
    let mut fields = lacking.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>();
    let last = fields.pop().unwrap_or_default();
    let fields = if fields.is_empty() { last } else { format!("{} and {last}", fields.join(", ")) };
    let add = format!("a new {what} needs {fields} as well");
    let help = match crate::suggest::did_you_mean(name, base.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`? To change an item, name it as the base spec does; {add}"),
        None if base.is_empty() => format!("the base spec has no `{list}` here; {add}"),
        None => format!("the base spec's `{list}` here are {}; {add}", base.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
    };
    let span = span_of(file_spans, &format!("{from}/name")).or_else(|| span_of(file_spans, from)).map(|s| s.value);
    Diagnostic::error(codes::UNKNOWN_OVERRIDE_TARGET, format!("the override names {what} `{name}`, which the base spec does not have"))
        .with_path(crate::tree::spec_path(from))
        .with_span(span, format!("no {what} of this name in the base spec"))
        .with_help(help)
}

/// What one item of a list is called, from the list's key: `nodeGroups` → `node group`.
fn noun(list: &str) -> String {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in list.chars() {
        if c.is_ascii_uppercase() && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.push(c.to_ascii_lowercase());
    }
    words.push(word);
    if let Some(last) = words.last_mut() {
        *last = if let Some(stem) = last.strip_suffix("sses") {
            format!("{stem}ss")
        } else if let Some(stem) = last.strip_suffix("ies") {
            format!("{stem}y")
        } else {
            last.strip_suffix('s').unwrap_or(last).to_owned()
        };
    }
    let shown = words.iter().map(|w| match w.as_str() {
        "vpc" | "kms" | "db" => w.to_ascii_uppercase(),
        _ => w.clone(),
    });
    shown.collect::<Vec<_>>().join(" ")
}

fn is_named_list(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(|v| v.get("name").is_some_and(Value::is_string))
}

/// Copies the spans recorded under `from` to the same relative places under `to`.
fn rebase(file_spans: &SpanMap, from: &str, merged: &mut SpanMap, to: &str) {
    let prefix = format!("{from}/");
    for (k, s) in file_spans.range(from.to_owned()..) {
        if k == from {
            merged.insert(to.to_owned(), *s);
        } else if let Some(rest) = k.strip_prefix(&prefix) {
            merged.insert(format!("{to}/{rest}"), *s);
        } else if !k.starts_with(from) {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn named_lists_merge_by_name() {
        // `things` is not in the schema: nothing is known of what its items need.
        let mut base = json!({"things": [{"name": "a", "x": 1, "list": [1, 2]}], "m": {"k": 1}});
        let ovr = json!({"things": [{"name": "a", "x": 2, "list": [3]}, {"name": "b"}], "m": {"j": 2}});
        let mut spans = SpanMap::new();
        let mut diags = Vec::new();
        merge(&mut base, "", &ovr, "/environments/0/overrides", &SpanMap::new(), &mut spans, &mut diags);
        assert!(diags.is_empty());
        assert_eq!(
            base,
            json!({"things": [{"name": "a", "x": 2, "list": [3]}, {"name": "b"}], "m": {"k": 1, "j": 2}})
        );
    }

    #[test]
    fn unnamed_override_of_named_list_is_an_error() {
        let mut base = json!({"r": [{"name": "a"}]});
        let mut diags = Vec::new();
        merge(&mut base, "", &json!({"r": [{"x": 1}]}), "/o", &SpanMap::new(), &mut SpanMap::new(), &mut diags);
        assert_eq!(diags[0].code, codes::INVALID_OVERRIDE);
    }

    #[test]
    fn an_incomplete_item_naming_no_base_item_is_reported_not_added() {
        let cluster = |workloads: Value| json!({"regions": [{"name": "us-east-1", "clusters": [{"name": "main", "workloads": workloads}]}]});
        let mut base = cluster(json!([{"name": "api-v2", "namespace": "shop", "image": "nginx"}]));
        let ovr = cluster(json!([{"name": "api", "replicas": 4}, {"name": "web", "namespace": "shop", "image": "nginx"}]));
        let mut diags = Vec::new();
        merge(&mut base, "", &ovr, "/o", &SpanMap::new(), &mut SpanMap::new(), &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, codes::UNKNOWN_OVERRIDE_TARGET);
        assert_eq!(diags[0].message, "the override names workload `api`, which the base spec does not have");
        let help = diags[0].help.as_deref().unwrap_or_default();
        assert!(help.starts_with("did you mean `api-v2`?") && help.ends_with("a new workload needs `namespace` and `image` as well"), "{help}");
        // The whole item `web` is added; `api` is not.
        let names: Vec<&str> = base.pointer("/regions/0/clusters/0/workloads").and_then(Value::as_array).into_iter().flatten()
            .filter_map(|w| w["name"].as_str()).collect();
        assert_eq!(names, ["api-v2", "web"]);
    }

    #[test]
    fn a_list_the_base_lacks_is_merged_item_by_item() {
        let mut base = json!({"regions": [{"name": "us-east-1", "clusters": [{"name": "main"}]}]});
        let ovr = json!({"regions": [{"name": "us-east-1", "clusters": [{"name": "main", "nodeGroups": [{"name": "spot", "max": 9}]}]}]});
        let mut diags = Vec::new();
        merge(&mut base, "", &ovr, "/o", &SpanMap::new(), &mut SpanMap::new(), &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].message, "the override names node group `spot`, which the base spec does not have");
        assert!(diags[0].help.as_deref().unwrap_or_default().starts_with("the base spec has no `nodeGroups` here"), "{diags:?}");
        assert_eq!(base, json!({"regions": [{"name": "us-east-1", "clusters": [{"name": "main"}]}]}));
    }

    #[test]
    fn nouns_of_lists() {
        assert_eq!(noun("nodeGroups"), "node group");
        assert_eq!(noun("storageClasses"), "storage class");
        assert_eq!(noun("policies"), "policy");
        assert_eq!(noun("vpcs"), "VPC");
        assert_eq!(noun("kmsKeys"), "KMS key");
        assert_eq!(noun("documentDbs"), "document DB");
    }
}
