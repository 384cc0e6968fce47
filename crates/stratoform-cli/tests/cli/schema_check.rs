//! An independent check of `stratoform schema`: Python's `jsonschema` (Draft 2020-12, from the
//! tooling venv) validates every example and the starter of `stratoform init` against it — the
//! raw file and each environment's effective spec — and rejects invalid fixtures, so the schema
//! editors see is the one the loader enforces. Needs the venv: fails under `STRATOFORM_REQUIRE_TOOLS=1` when it is missing,
//! otherwise skips with the reason.

use std::path::PathBuf;
use std::process::Command;

use stratoform_diagnostics::SourceFile;

use crate::{examples, root, stratoform_in};

const VALIDATE: &str = r#"
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
for path in sys.argv[2:]:
    errors = sorted(validator.iter_errors(json.load(open(path))), key=lambda e: list(map(str, e.absolute_path)))
    for e in errors[:5]:
        print(f"{path}: /{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}")
    print(f"{path}: {len(errors)} error(s)")
"#;

fn python() -> Option<PathBuf> {
    let candidate = std::env::var_os("STRATOFORM_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".tools/venv/bin/python"));
    let works = Command::new(&candidate).args(["-c", "import jsonschema"]).output().is_ok_and(|o| o.status.success());
    works.then_some(candidate)
}

/// The document of a YAML file as the loader reads it (YAML 1.2 core schema), as JSON.
fn as_json(text: &str) -> serde_json::Value {
    let file = SourceFile::new("x.yaml", text);
    let (root, diagnostics) = stratoform_loader::yaml::parse(&file);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    stratoform_loader::tree::to_json(&root.expect("a document"), "", None, &mut Default::default())
}

#[test]
fn python_jsonschema_accepts_the_examples_and_rejects_invalid_fixtures() {
    let Some(python) = python() else {
        let reason = "Python with `jsonschema` not found (set STRATOFORM_PYTHON or run `bash scripts/setup.sh`)";
        assert!(std::env::var_os("STRATOFORM_REQUIRE_TOOLS").is_none_or(|v| v != "1"), "{reason}");
        eprintln!("skipped: {reason}");
        return;
    };
    let dir = tempfile::tempdir().expect("a temp dir");
    let schema = stratoform_in(&root(), &["schema"]);
    assert_eq!(schema.code, 0, "{}", schema.stderr);
    let schema_path = dir.path().join("platform.schema.json");
    std::fs::write(&schema_path, &schema.stdout).expect("write the schema");

    let mut valid = Vec::new();
    // The examples, and the starter `stratoform init` writes.
    let starter = ("init-starter".to_owned(), "crates/stratoform-cli/src/commands/init/starter.yaml".to_owned());
    for (name, spec) in examples().into_iter().chain([starter]) {
        let text = std::fs::read_to_string(root().join(&spec)).expect("read the example");
        let raw = dir.path().join(format!("{name}.json"));
        std::fs::write(&raw, as_json(&text).to_string()).expect("write");
        valid.push(raw);
        let loaded = stratoform_loader::load_str(&spec, &text);
        for env in &loaded.environments {
            let effective = dir.path().join(format!("{name}.{}.json", env.name));
            std::fs::write(&effective, serde_json::to_string(&env.platform).expect("a platform serializes")).expect("write");
            valid.push(effective);
        }
    }
    let fixtures = root().join("crates/stratoform-loader/tests/fixtures");
    let mut invalid = Vec::new();
    for case in ["sf005-unknown-key", "sf008-invalid-enum", "sf010-invalid-cidr", "sf007-missing-field", "sf030-out-of-range"] {
        let text = std::fs::read_to_string(fixtures.join(case).join("platform.yaml")).expect("read the fixture");
        let path = dir.path().join(format!("{case}.json"));
        std::fs::write(&path, as_json(&text).to_string()).expect("write");
        invalid.push(path);
    }

    let out = Command::new(&python)
        .arg("-c")
        .arg(VALIDATE)
        .arg(&schema_path)
        .args(&valid)
        .args(&invalid)
        .output()
        .expect("python runs");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}{}", String::from_utf8_lossy(&out.stderr));
    for path in &valid {
        let line = format!("{}: 0 error(s)", path.display());
        assert!(report.contains(&line), "jsonschema rejects {}:\n{report}", path.display());
    }
    for path in &invalid {
        let line = format!("{}: 0 error(s)", path.display());
        assert!(!report.contains(&line), "jsonschema accepts the invalid fixture {}:\n{report}", path.display());
    }
    assert!(valid.len() >= 18, "five examples and the starter, with two environments each, and their raw files: {}", valid.len());
}
