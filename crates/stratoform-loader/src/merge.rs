//! Environment overlays: merges an environment's `overrides` over the base spec. Maps merge key
//! by key, lists of objects with a `name` merge by name (a new name appends), anything else
//! replaces. Spans follow the values, so errors in merged output point at the override.

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
                    None => {
                        b.insert(k.clone(), ov.clone());
                        rebase(file_spans, &child_from, merged_spans, &child_at);
                    }
                }
            }
        }
        (Value::Array(b), Value::Array(o)) if is_named_list(b) || is_named_list(o) => {
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
        let mut base = json!({"regions": [{"name": "a", "x": 1, "list": [1, 2]}], "m": {"k": 1}});
        let ovr = json!({"regions": [{"name": "a", "x": 2, "list": [3]}, {"name": "b"}], "m": {"j": 2}});
        let mut spans = SpanMap::new();
        let mut diags = Vec::new();
        merge(&mut base, "", &ovr, "/environments/0/overrides", &SpanMap::new(), &mut spans, &mut diags);
        assert!(diags.is_empty());
        assert_eq!(
            base,
            json!({"regions": [{"name": "a", "x": 2, "list": [3]}, {"name": "b"}], "m": {"k": 1, "j": 2}})
        );
    }

    #[test]
    fn unnamed_override_of_named_list_is_an_error() {
        let mut base = json!({"r": [{"name": "a"}]});
        let mut diags = Vec::new();
        merge(&mut base, "", &json!({"r": [{"x": 1}]}), "/o", &SpanMap::new(), &mut SpanMap::new(), &mut diags);
        assert_eq!(diags[0].code, codes::INVALID_OVERRIDE);
    }
}
