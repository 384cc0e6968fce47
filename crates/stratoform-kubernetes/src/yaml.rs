//! YAML text from JSON values: the one place manifests become text.
//!
//! Manifests are built as `serde_json::Value` trees (key order preserved) and emitted through
//! `yaml-rust2`'s emitter, so quoting and escaping are the emitter's job, never string pasting.

use serde_json::Value;
use yaml_rust2::YamlEmitter;
use yaml_rust2::yaml::{Hash, Yaml};

/// Converts a JSON value into a YAML node, keeping key order.
pub fn to_yaml(value: &Value) -> Yaml {
    match value {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s.clone()),
        Value::Array(items) => Yaml::Array(items.iter().map(to_yaml).collect()),
        Value::Object(map) => {
            let mut hash = Hash::new();
            for (k, v) in map {
                hash.insert(Yaml::String(k.clone()), to_yaml(v));
            }
            Yaml::Hash(hash)
        }
    }
}

/// Emits one YAML document (with its `---` marker and a trailing newline).
pub fn document(value: &Value) -> String {
    let mut out = String::new();
    let mut emitter = YamlEmitter::new(&mut out);
    emitter.multiline_strings(true);
    emitter
        .dump(&to_yaml(value))
        .expect("writing YAML into a String cannot fail");
    out.push('\n');
    crate::checkov::comment_secret_provider_classes(&out)
}

/// A generated file: a comment header, then the documents.
pub fn file(header: &str, docs: &[Value]) -> String {
    let mut out = comment(header);
    for doc in docs {
        out.push_str(&document(doc));
    }
    out
}

/// Turns text into `# ` comment lines.
pub fn comment(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "#\n".to_owned()
            } else {
                format!("# {l}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quotes_what_yaml_would_misread() {
        let doc = document(
            &json!({"a": "true", "b": "80", "c": "x: y", "d": true, "e": 3, "f": {}, "g": [], "h": "plain"}),
        );
        insta::assert_snapshot!(doc, @r#"
        ---
        a: "true"
        b: "80"
        c: "x: y"
        d: true
        e: 3
        f: {}
        g: []
        h: plain
        "#);
    }

    #[test]
    fn multiline_strings_are_literal_blocks() {
        let doc = document(&json!({"script": "line one\nline two\n"}));
        assert!(doc.contains("script: |\n  line one\n  line two\n"), "{doc}");
    }
}
