//! The rule pages are checked in under `docs/rules/` (SARIF's `helpUri` links there); this test
//! fails with a diff when they are stale, and `STRATOFORM_UPDATE_DOCS=1` rewrites them.

use std::path::PathBuf;

use stratoform_check::{rule_docs, RULES};

#[test]
fn every_page_has_the_four_sections() {
    let tree = rule_docs();
    for rule in RULES {
        let page = tree.get(&format!("docs/rules/{}.md", rule.id)).unwrap();
        for section in ["## What it checks", "## Why", "## Failing example", "## Fix"] {
            assert!(page.contains(section), "{} lacks {section}", rule.id);
        }
    }
    assert!(tree.get("docs/rules/index.md").unwrap().contains("[ARCH003](ARCH003.md)"));
}

#[test]
fn checked_in_pages_are_current() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var("STRATOFORM_UPDATE_DOCS").as_deref() == Ok("1");
    let tree = rule_docs();
    let mut stale = Vec::new();
    for (path, text) in tree.iter() {
        let file = root.join(path);
        let current = std::fs::read_to_string(&file).unwrap_or_default();
        if current != text {
            if update {
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(&file, text).unwrap();
            } else {
                let diff = similar::TextDiff::from_lines(current.as_str(), text).unified_diff().header("checked in", "generated").to_string();
                stale.push(format!("{path}:\n{diff}"));
            }
        }
    }
    let on_disk: Vec<String> = std::fs::read_dir(root.join("docs/rules"))
        .map(|d| d.filter_map(Result::ok).map(|e| format!("docs/rules/{}", e.file_name().to_string_lossy())).collect())
        .unwrap_or_default();
    for path in on_disk {
        if tree.get(&path).is_none() {
            if update {
                std::fs::remove_file(root.join(&path)).unwrap();
            } else {
                stale.push(format!("{path}: no longer generated"));
            }
        }
    }
    assert!(stale.is_empty(), "rule pages are stale; run `STRATOFORM_UPDATE_DOCS=1 cargo test -p stratoform-check --test docs`\n{}", stale.join("\n"));
}
