//! Invalid fixtures: each folder under `tests/fixtures/` holds a `platform.yaml` that is wrong on
//! purpose (its first line says how), or, for a warning code, that warns on purpose and loads. A folder named after a code (`sf012-...`) must produce that
//! code; every loader code has such a folder; the human (no colour) and JSON diagnostics of every
//! fixture are pinned by snapshots (`cargo insta review` after an intended change). A fixture
//! may lower the loader's limits in a `limits` file (`name = value` lines, names as in
//! `stratoform_loader::Limits`), so that a small file reaches a limit.

use std::path::Path;

use stratoform_diagnostics::{codes, human, json, Severity, CODES};
use stratoform_loader::Limits;

fn fixtures() -> Vec<(String, String, Limits)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out: Vec<(String, String, Limits)> = std::fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .map(|e| e.expect("a directory entry"))
        .filter(|e| e.path().join("platform.yaml").is_file())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(e.path().join("platform.yaml")).expect("a readable fixture");
            (name, text, limits_of(&e.path()))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The limits in a fixture's `limits` file; the defaults for the others.
fn limits_of(dir: &Path) -> Limits {
    let mut limits = Limits::DEFAULT;
    let Ok(text) = std::fs::read_to_string(dir.join("limits")) else { return limits };
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (name, value) = line.split_once('=').unwrap_or_else(|| panic!("`{line}` is not `name = value`"));
        let value = value.trim().parse().unwrap_or_else(|_| panic!("`{line}`: not a number"));
        let slot = match name.trim() {
            "input_bytes" => &mut limits.input_bytes,
            "depth" => &mut limits.depth,
            "values" => &mut limits.values,
            "aliases" => &mut limits.aliases,
            "alias_values" => &mut limits.alias_values,
            "alias_bytes" => &mut limits.alias_bytes,
            "scalar_bytes" => &mut limits.scalar_bytes,
            "line_bytes" => &mut limits.line_bytes,
            "documents" => &mut limits.documents,
            other => panic!("unknown limit `{other}`"),
        };
        *slot = value;
    }
    limits
}

fn code_of(name: &str) -> Option<String> {
    name.split('-').next().filter(|c| c.starts_with("sf")).map(str::to_uppercase)
}

#[test]
fn every_fixture_is_invalid_and_its_diagnostics_are_pinned() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 30, "the issue asks for at least 30 invalid fixtures, found {}", fixtures.len());
    for (name, text, limits) in fixtures {
        let loaded = stratoform_loader::load_str_with_limits(&format!("{name}/platform.yaml"), &text, &limits);
        let warns = code_of(&name).is_some_and(|c| codes::severity(&c) == Severity::Warning);
        if warns {
            assert!(!loaded.has_errors(), "fixture `{name}` of a warning code has errors");
            assert!(!loaded.environments.is_empty(), "fixture `{name}`: a spec with warnings only loads");
        } else {
            assert!(loaded.has_errors(), "fixture `{name}` loads without errors");
            assert!(loaded.environments.is_empty(), "fixture `{name}`: an invalid spec yields no environments");
        }
        if let Some(code) = code_of(&name) {
            let codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code.as_str()).collect();
            assert!(codes.contains(&code.as_str()), "fixture `{name}` should report {code}, reports {codes:?}");
        }
        for d in &loaded.diagnostics {
            assert!(d.primary.is_some(), "fixture `{name}`: `{}` points nowhere", d.message);
            assert!(d.help.is_some(), "fixture `{name}`: `{}` has no help", d.message);
            assert_eq!(d.severity, codes::severity(&d.code), "fixture `{name}`: `{}` has another severity than its code", d.message);
        }
        insta::assert_snapshot!(format!("{name}.human"), human::render(&loaded.file, &loaded.diagnostics, false));
        insta::assert_snapshot!(format!("{name}.json"), json::render(&loaded.file, &loaded.diagnostics));
    }
}

#[test]
fn every_loader_code_has_a_fixture() {
    let named: Vec<String> = fixtures().iter().filter_map(|(n, _, _)| code_of(n)).collect();
    let missing: Vec<&str> = CODES.iter().map(|c| c.code).filter(|c| !named.iter().any(|n| n == c)).collect();
    assert!(missing.is_empty(), "add a fixture `tests/fixtures/<code>-<name>/` for {missing:?}");
}
