//! No input makes the loader panic: random text, YAML-ish token soup, and mutations of the
//! shipped examples (a line deleted, a value replaced by another type, a list item duplicated,
//! the file truncated, and the same on the parsed document). Every diagnostic must also point
//! inside the file and render in both formats.
//!
//! Bounded by default (96 cases per property); a longer run:
//! `PROPTEST_CASES=100000 cargo test -p stratoform-loader --test fuzz --release`

use std::path::Path;
use std::sync::LazyLock;

use proptest::prelude::*;
use serde_json::Value;
use stratoform_diagnostics::{human, json, SourceFile};

static EXAMPLES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut specs: Vec<_> = std::fs::read_dir(dir)
        .expect("examples/ exists")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("platform.yaml")).ok())
        .collect();
    specs.sort();
    assert!(!specs.is_empty(), "no example specs found");
    specs
});

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(96);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Loads a text and checks what every load must satisfy.
fn load_ok(text: &str) {
    let loaded = stratoform_loader::load_str("fuzz.yaml", text);
    for d in &loaded.diagnostics {
        for label in d.primary.iter().chain(&d.secondary) {
            assert!(label.span.start <= label.span.end && label.span.end <= text.len(), "span {:?} outside the file: {d:?}", label.span);
            assert!(text.is_char_boundary(label.span.start) && text.is_char_boundary(label.span.end), "span inside a character: {d:?}");
        }
    }
    if loaded.has_errors() {
        assert!(loaded.environments.is_empty(), "an invalid spec yields no environments");
    }
    if !loaded.has_errors() {
        assert!(!loaded.environments.is_empty(), "a valid spec has environments");
    }
    let _ = human::render(&loaded.file, &loaded.diagnostics, false);
    let _ = human::render(&loaded.file, &loaded.diagnostics, true);
    let _ = json::render(&loaded.file, &loaded.diagnostics);
}

fn cut_at_char(text: &str, at: usize) -> &str {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    &text[..at]
}

/// Text-level mutations of an example.
fn mutate_text(text: &str, kind: u8, pick: usize, replacement: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let n = lines.len().max(1);
    let i = pick % n;
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    match kind % 5 {
        // Delete a key (and whatever it held on that line).
        0 => {
            if let Some(j) = (0..n).map(|k| (i + k) % n).find(|&j| out.get(j).is_some_and(|l| l.contains(':'))) {
                out.remove(j);
            }
        }
        // Change a value's type.
        1 => {
            if let Some(j) = (0..n).map(|k| (i + k) % n).find(|&j| out.get(j).is_some_and(|l| l.contains(": "))) {
                let key_end = out[j].find(": ").unwrap_or(0);
                out[j] = format!("{}: {replacement}", &out[j][..key_end]);
            }
        }
        // Duplicate a list item.
        2 => {
            if let Some(j) = (0..n).map(|k| (i + k) % n).find(|&j| out.get(j).is_some_and(|l| l.trim_start().starts_with("- "))) {
                let line = out[j].clone();
                out.insert(j, line);
            }
        }
        // Truncate the file.
        3 => return cut_at_char(text, pick).to_owned(),
        // Insert text in the middle of a line.
        _ => {
            if let Some(line) = out.get_mut(i) {
                let at = cut_at_char(line, pick / n).len();
                line.insert_str(at, replacement);
            }
        }
    }
    out.join("\n")
}

/// Every JSON pointer of a document.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, c)| pointers(c, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| pointers(c, format!("{at}/{i}"), out)),
        _ => {}
    }
    out.push(at);
}

/// Document-level mutations: parse an example, change one value, and write it back as JSON (which
/// is YAML too).
fn mutate_doc(text: &str, kind: u8, pick: usize, replacement: Value) -> String {
    let file = SourceFile::new("x.yaml", text);
    let (Some(root), _) = stratoform_loader::yaml::parse(&file) else { return text.to_owned() };
    let mut doc = stratoform_loader::tree::to_json(&root, "", None, &mut Default::default());
    let mut all = Vec::new();
    pointers(&doc, String::new(), &mut all);
    let target = all[pick % all.len()].clone();
    let Some(cut) = target.rfind('/') else { return doc.to_string() };
    let (parent, last) = (target[..cut].to_owned(), target[cut + 1..].to_owned());
    match (kind % 3, doc.pointer_mut(&parent)) {
        (0, Some(Value::Object(m))) => {
            m.remove(&last.replace("~1", "/").replace("~0", "~"));
        }
        (0, Some(Value::Array(a))) => {
            let i: usize = last.parse().unwrap_or(0);
            if i < a.len() {
                a.remove(i);
            }
        }
        (1, _) => {
            if let Some(v) = doc.pointer_mut(&target) {
                *v = replacement;
            }
        }
        (_, Some(Value::Array(a))) => {
            let i: usize = last.parse().unwrap_or(0);
            if let Some(item) = a.get(i).cloned() {
                a.insert(i, item);
            }
        }
        _ => {}
    }
    serde_json::to_string_pretty(&doc).expect("a document serializes")
}

fn scalar_replacement() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("~".to_owned()),
        Just("-1".to_owned()),
        Just("99999999999999999999".to_owned()),
        Just("1.5e400".to_owned()),
        Just("true".to_owned()),
        Just("\"\"".to_owned()),
        Just("[a, [b, {c: d}]]".to_owned()),
        Just("&a x".to_owned()),
        Just("*a".to_owned()),
        Just("'unterminated".to_owned()),
        Just("é—\u{1F600}".to_owned()),
        "[a-z0-9./:-]{0,12}",
    ]
}

fn json_replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(Value::Bool(false)),
        Just(serde_json::json!(-7)),
        Just(serde_json::json!(1e300)),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
        Just(serde_json::json!({"name": "x"})),
        "[a-zA-Z0-9./:-]{0,20}".prop_map(Value::String),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        load_ok(&text);
    }

    #[test]
    fn yaml_token_soup_never_panics(tokens in prop::collection::vec(prop_oneof![
        Just("apiVersion: stratoform.dev/v1alpha1\n"), Just("kind: Platform\n"), Just("regions:\n"),
        Just("- "), Just("  "), Just(": "), Just("name: x\n"), Just("[ "), Just("] "), Just("{ "), Just("} "),
        Just(", "), Just("&a "), Just("*a "), Just("!!str "), Just("? "), Just("|\n"), Just(">-\n"), Just("---\n"),
        Just("...\n"), Just("\"q\" "), Just("'q' "), Just("# c\n"), Just("\n"), Just("\t"), Just("environments: [{name: dev}]\n"),
        Just("10.0.0.0/16 "), Just("1.35 "), Just("overrides: "), Just("<<: *a\n"),
    ], 0..60)) {
        load_ok(&tokens.concat());
    }

    #[test]
    fn mutated_examples_never_panic(example in any::<prop::sample::Index>(), kind in any::<u8>(), pick in any::<usize>(), replacement in scalar_replacement()) {
        let text = &EXAMPLES[example.index(EXAMPLES.len())];
        load_ok(&mutate_text(text, kind, pick, &replacement));
    }

    #[test]
    fn mutated_documents_never_panic(example in any::<prop::sample::Index>(), kind in any::<u8>(), pick in any::<usize>(), replacement in json_replacement()) {
        let text = &EXAMPLES[example.index(EXAMPLES.len())];
        load_ok(&mutate_doc(text, kind, pick, replacement));
    }
}
