//! Turns the YAML tree into JSON values (YAML 1.2 core schema) and records the span of every
//! value and key by JSON pointer, so that any later error can point back into the file.

use serde_json::{Map, Number, Value};
pub use stratoform_diagnostics::spans::{span_of, SpanMap, Spans};

use crate::yaml::{Node, NodeKind};

/// Converts a node to JSON, recording spans under `pointer`. It recurses as deep as the tree
/// nests, which the YAML reader bounds by [`crate::limits::MAX_DEPTH`] before any tree is built.
pub fn to_json(node: &Node, pointer: &str, key: Option<crate::Span>, spans: &mut SpanMap) -> Value {
    spans.insert(pointer.to_owned(), Spans { value: node.span, key });
    match &node.kind {
        NodeKind::Map(entries) => {
            let mut map = Map::new();
            for (k, kspan, v) in entries {
                let child = format!("{pointer}/{}", escape(k));
                let value = to_json(v, &child, Some(*kspan), spans);
                map.insert(k.clone(), value);
            }
            Value::Object(map)
        }
        NodeKind::Seq(items) => Value::Array(
            items.iter().enumerate().map(|(i, v)| to_json(v, &format!("{pointer}/{i}"), None, spans)).collect(),
        ),
        NodeKind::Scalar { text, quoted } => scalar(text, *quoted),
    }
}

fn scalar(text: &str, quoted: bool) -> Value {
    if quoted {
        return Value::String(text.to_owned());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(i) = text.parse::<i64>() {
            return Value::Number(i.into());
        }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16) {
            return Value::Number(i.into());
        }
    let looks_float = digits.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit());
    if looks_float
        && let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    Value::String(text.to_owned())
}

/// Escapes a key for a JSON pointer.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Unescapes a JSON pointer segment.
pub fn unescape(seg: &str) -> String {
    seg.replace("~1", "/").replace("~0", "~")
}

/// The spec path of a JSON pointer: `/regions/0/clusters` → `regions[0].clusters`.
pub fn spec_path(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&unescape(seg));
        }
    }
    if out.is_empty() { "(root)".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_core_schema_scalars() {
        assert_eq!(scalar("3", false), Value::from(3));
        assert_eq!(scalar("3", true), Value::from("3"));
        assert_eq!(scalar("1.35", false), Value::from(1.35));
        assert_eq!(scalar("yes", false), Value::from("yes"));
        assert_eq!(scalar("true", false), Value::from(true));
        assert_eq!(scalar("~", false), Value::Null);
        assert_eq!(scalar("10.0.0.0/16", false), Value::from("10.0.0.0/16"));
        assert_eq!(scalar("1e3", false), Value::from(1000.0));
        assert_eq!(scalar("2xlarge", false), Value::from("2xlarge"));
    }

    #[test]
    fn spec_paths() {
        assert_eq!(spec_path("/regions/0/clusters/1/nodeGroups/0/max"), "regions[0].clusters[1].nodeGroups[0].max");
        assert_eq!(spec_path(""), "(root)");
    }
}
