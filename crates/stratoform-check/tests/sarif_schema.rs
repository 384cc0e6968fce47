//! The SARIF output validates against the SARIF 2.1.0 JSON Schema.
//!
//! We do not ship a copy of the schema. The `serde-sarif` crate (a dev-dependency, so cargo
//! fetches it with the rest of the workspace) carries the 2.1.0 schema in its sources; the test
//! reads it from cargo's registry. `STRATOFORM_SARIF_SCHEMA` or
//! `$STRATOFORM_TOOLS_DIR/sarif-schema-2.1.0.json` name another copy (for example the OASIS
//! original). Without any, the test skips, and fails under `STRATOFORM_REQUIRE_TOOLS=1`.

use std::path::PathBuf;

use stratoform_check::render::sarif;
use stratoform_check::{check_models, Date};
use stratoform_model::Model;

fn schema_path() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("STRATOFORM_SARIF_SCHEMA").map(PathBuf::from),
        std::env::var_os("STRATOFORM_TOOLS_DIR").map(|d| PathBuf::from(d).join("sarif-schema-2.1.0.json")),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.tools/sarif-schema-2.1.0.json")),
    ];
    candidates.into_iter().flatten().find(|p| p.exists()).or_else(registry_schema)
}

/// The schema inside the `serde-sarif` sources in cargo's registry.
fn registry_schema() -> Option<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let mut found: Vec<PathBuf> = std::fs::read_dir(cargo_home.join("registry/src"))
        .ok()?
        .filter_map(Result::ok)
        .flat_map(|index| std::fs::read_dir(index.path()).into_iter().flatten().filter_map(Result::ok))
        .filter(|e| e.file_name().to_string_lossy().starts_with("serde-sarif-0.8."))
        .map(|e| e.path().join("src/schema.json"))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found.pop()
}

/// Reads the schema. The copy in serde-sarif predates the 2.1.0 errata, whose schema fix is the
/// `language` pattern (of `run` and `toolComponent`: the original has an unbalanced `]` and is
/// not a valid regex); the erratum's pattern is applied so the schema compiles.
fn read_schema(path: &std::path::Path) -> serde_json::Value {
    fn apply_erratum(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) if s == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" => {
                *s = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".to_owned();
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(apply_erratum),
            serde_json::Value::Object(map) => map.values_mut().for_each(apply_erratum),
            _ => {}
        }
    }
    let mut schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    apply_erratum(&mut schema);
    schema
}

fn sarif_of(path: &std::path::Path) -> serde_json::Value {
    let loaded = stratoform_loader::load_file(path).unwrap();
    let models = Model::resolve_all(&loaded, None).unwrap();
    let rendered: Vec<_> = models.iter().map(|_| None).collect();
    let report = check_models(&models, "2026-11-21".parse::<Date>().unwrap(), &rendered);
    serde_json::from_str(&sarif::render(&loaded.file, &report)).unwrap()
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let Some(path) = schema_path() else {
        if std::env::var("STRATOFORM_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("the SARIF 2.1.0 schema is missing; run scripts/setup.sh or set STRATOFORM_SARIF_SCHEMA");
        }
        eprintln!("skipped: no SARIF 2.1.0 schema (run scripts/setup.sh or set STRATOFORM_SARIF_SCHEMA)");
        return;
    };
    let schema = read_schema(&path);
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = vec![root.join("tests/waivers/platform.yaml"), root.join("tests/open_items/platform.yaml")];
    inputs.extend(stratoform_check::RULES.iter().map(|r| root.join(format!("tests/fixtures/{}/fail.yaml", r.id))));
    if let Ok(dir) = std::fs::read_dir(root.join("../../examples")) {
        let mut ex: Vec<PathBuf> = dir.filter_map(Result::ok).map(|e| e.path().join("platform.yaml")).filter(|p| p.exists()).collect();
        ex.sort();
        inputs.extend(ex);
    }
    let mut results = 0;
    for input in &inputs {
        let doc = sarif_of(input);
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: SARIF does not validate:\n{}", input.display(), errors.join("\n"));
        // A second, typed reading: the SARIF object model of the serde-sarif crate.
        let typed: Result<serde_sarif::sarif::Sarif, _> = serde_json::from_value(doc.clone());
        assert!(typed.is_ok(), "{}: SARIF does not read as the 2.1.0 object model: {:?}", input.display(), typed.err());
        // GitHub code scanning needs a rule for every result and a location in a file.
        let run = &doc["runs"][0];
        let ids: Vec<&str> = run["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        for r in run["results"].as_array().unwrap() {
            assert!(ids.contains(&r["ruleId"].as_str().unwrap()));
            assert!(r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap() >= 1);
            results += 1;
        }
    }
    assert!(results > 0);
    println!("{} SARIF logs, {results} results, valid", inputs.len());
}

#[test]
fn negative_control_the_schema_rejects_a_broken_log() {
    let Some(path) = schema_path() else { return };
    let schema = read_schema(&path);
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut doc = sarif_of(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/waivers/platform.yaml"));
    doc["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&doc), "the schema should reject an unknown level");
}
