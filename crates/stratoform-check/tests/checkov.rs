//! Cross-check against an independent scanner, run the way a user runs it: plain
//! `checkov -d examples/<name>/rendered/terraform` and `.../kubernetes` (every framework checkov
//! detects there, no skip list) report no failed check. What the design accepts is skipped inline,
//! with its reason beside the resource (`#checkov:skip=<ID>:<reason>` in a Terraform block,
//! `checkov.io/skip<N>: <ID>=<reason>` on a Kubernetes object, a `# checkov:skip=` comment for the
//! secrets scanner); the reasons come from the renderers' `checkov` modules. Every skip must carry
//! a reason, and every skipped check must still fail somewhere once the skips are stripped, so
//! that no skip outlives its cause. Prints the counts per example.
//!
//! Needs checkov (`$STRATOFORM_CHECKOV`, else `.tools/venv-checkov/bin/checkov` from
//! `scripts/setup.sh`): skipped without it, failed under `STRATOFORM_REQUIRE_TOOLS=1`.
//! `STRATOFORM_CHECKOV_RENDERED=DIR` reads DIR/<example>/ instead of the golden trees.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The rendered layers a user scans.
const LAYERS: &[&str] = &["terraform", "kubernetes"];

/// One check result: check ID, resource, file, and (for a skip) the reason.
#[derive(Clone, Debug)]
struct Finding {
    check: String,
    resource: String,
    file: String,
    reason: String,
}

/// What one checkov run reported.
#[derive(Debug, Default)]
struct Scan {
    failed: Vec<Finding>,
    skipped: Vec<Finding>,
    parsing_errors: u64,
    resources: u64,
}

fn checkov() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("STRATOFORM_CHECKOV").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/venv-checkov/bin/checkov")),
    ];
    candidates.into_iter().flatten().find(|p| p.exists())
}

fn require_checkov() -> Option<PathBuf> {
    let found = checkov();
    if found.is_none() {
        if std::env::var("STRATOFORM_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("checkov is missing; run scripts/setup.sh or set STRATOFORM_CHECKOV");
        }
        eprintln!("skipped: checkov not found (run scripts/setup.sh or set STRATOFORM_CHECKOV)");
    }
    found
}

/// The examples and their rendered trees, by name.
fn rendered_trees() -> Vec<(String, PathBuf)> {
    let examples_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").canonicalize().unwrap();
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&examples_dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("platform.yaml").exists())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let tree = match std::env::var_os("STRATOFORM_CHECKOV_RENDERED") {
                Some(dir) => PathBuf::from(dir).join(&name),
                None => e.path().join("rendered"),
            };
            (name, tree)
        })
        .collect();
    out.sort();
    assert!(out.len() >= 5, "expected the five examples, found {out:?}");
    out
}

/// Runs plain checkov over a directory, as a user would: no framework filter, no skip list.
fn scan(checkov: &Path, dir: &Path) -> Scan {
    let out = Command::new(checkov)
        .arg("-d")
        .arg(dir)
        .args(["--skip-download", "-o", "json"])
        // checkov gives up on a file that takes over 10 s to parse (a loaded machine) and leaves
        // its resources out; never let that pass for a clean result.
        .env("HCL_PARSE_TIMEOUT_SEC", "0")
        // checkov's forked workers can deadlock (a worker blocked writing its results to a full
        // pipe while checkov waits for another to exit; seen on this machine, an hour stuck).
        // One process per scan instead; the test runs two scans at a time.
        .env("CHECKOV_PARALLELIZATION_TYPE", "none")
        .output()
        .expect("checkov runs");
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim().is_empty() {
        panic!("checkov printed nothing (exit {:?}): {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    }
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("checkov output is not JSON ({e}): {text}"));
    let reports = if doc.is_array() { doc.as_array().unwrap().clone() } else { vec![doc] };
    let mut scan = Scan::default();
    let finding = |r: &serde_json::Value, f: &serde_json::Value| Finding {
        check: f["check_id"].as_str().unwrap_or_default().to_owned(),
        resource: format!("{} {}", r["check_type"].as_str().unwrap_or_default(), f["resource"].as_str().unwrap_or_default()),
        file: f["file_path"].as_str().unwrap_or_default().to_owned(),
        reason: f["check_result"]["suppress_comment"].as_str().unwrap_or_default().trim().to_owned(),
    };
    for r in &reports {
        scan.parsing_errors += r["summary"]["parsing_errors"].as_u64().unwrap_or(0);
        scan.resources += r["summary"]["resource_count"].as_u64().unwrap_or(0);
        for f in r["results"]["failed_checks"].as_array().into_iter().flatten() {
            scan.failed.push(finding(r, f));
        }
        for f in r["results"]["skipped_checks"].as_array().into_iter().flatten() {
            scan.skipped.push(finding(r, f));
        }
    }
    assert!(scan.resources > 0, "checkov scanned no resource in {}: {text}", dir.display());
    assert_eq!(scan.parsing_errors, 0, "checkov could not parse part of {}: {text}", dir.display());
    scan
}

/// The failures a scan reports that no inline reason explains: every failure, and every skip
/// without a reason (checkov's placeholder when a suppression gives none).
fn unexplained(scan: &Scan) -> Vec<String> {
    let failed = scan.failed.iter().map(|f| format!("failed: {} on {} ({})", f.check, f.resource, f.file));
    let bare = scan
        .skipped
        .iter()
        .filter(|s| s.reason.is_empty() || s.reason == "No comment provided")
        .map(|s| format!("skipped without a reason: {} on {} ({})", s.check, s.resource, s.file));
    failed.chain(bare).collect()
}

/// Copies a rendered layer, leaving out every inline checkov suppression.
fn copy_without_skips(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_without_skips(&path, &target);
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            std::fs::copy(&path, &target).unwrap();
            continue;
        };
        let kept: String = text
            .split_inclusive('\n')
            .filter(|l| {
                let t = l.trim_start();
                !(t.starts_with("#checkov:skip=") || t.starts_with("# checkov:skip=") || t.starts_with("checkov.io/skip"))
            })
            .collect();
        std::fs::write(&target, kept).unwrap();
    }
}

/// Runs `scan` over every directory, two at a time (the scans are independent and each is one
/// process), and returns the scans in the order of `dirs`.
fn scan_all(checkov: &Path, dirs: &[PathBuf]) -> Vec<Scan> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(dir) = dirs.get(i) else { break };
                    let scan = scan(checkov, dir);
                    done.lock().unwrap().insert(i, scan);
                }
            });
        }
    });
    done.into_inner().unwrap().into_values().collect()
}

/// Every rendered layer as a user scans it: nothing fails, every skip says why. Then the same
/// layers without their skips: every skipped check still fails somewhere, so no skip outlives
/// its cause. (One test, so that each tree is scanned once.)
#[test]
fn plain_checkov_fails_nothing_every_skip_says_why_and_still_hides_a_failure() {
    let Some(checkov) = require_checkov() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    for (name, tree) in rendered_trees() {
        for layer in LAYERS {
            let dir = tree.join(layer);
            assert!(dir.is_dir(), "{} is not rendered", dir.display());
            let stripped = tmp.path().join(&name).join(layer);
            copy_without_skips(&dir, &stripped);
            cases.push((name.clone(), *layer, dir, stripped));
        }
    }
    let dirs: Vec<PathBuf> = cases.iter().flat_map(|(_, _, dir, stripped)| [dir.clone(), stripped.clone()]).collect();
    let mut scans = scan_all(&checkov, &dirs).into_iter();
    let mut problems = Vec::new();
    let mut skipped: BTreeMap<(&str, String), BTreeSet<&str>> = BTreeMap::new();
    let mut failing: BTreeSet<(&str, String)> = BTreeSet::new();
    for (name, layer, _, _) in &cases {
        let (plain, bare) = (scans.next().unwrap(), scans.next().unwrap());
        let mut by_check: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &plain.skipped {
            *by_check.entry(s.check.as_str()).or_default() += 1;
        }
        println!(
            "{name:>14} {layer:<10} failed {:>3}, skipped {:>4} ({} checks); failed without the skips {:>4}",
            plain.failed.len(),
            plain.skipped.len(),
            by_check.len(),
            bare.failed.len()
        );
        problems.extend(unexplained(&plain).into_iter().map(|p| format!("{name} {layer}: {p}")));
        for s in plain.skipped {
            skipped.entry((layer, s.check)).or_default().insert(name.as_str());
        }
        failing.extend(bare.failed.into_iter().map(|f| (*layer, f.check)));
    }
    assert!(problems.is_empty(), "checkov reports what no inline reason explains:\n{}", problems.join("\n"));
    let stale: Vec<String> = skipped
        .iter()
        .filter(|(key, _)| !failing.contains(*key))
        .map(|((layer, check), examples)| format!("{layer}: {check} (skipped in {examples:?})"))
        .collect();
    assert!(stale.is_empty(), "skipped checks that fail nowhere without their skips; drop them from the `checkov` module:\n{}", stale.join("\n"));
}

/// The mutation the test above relies on: a rendered tree with one skip comment removed makes the
/// test's logic report that check.
#[test]
fn removing_one_skip_comment_is_reported() {
    let Some(checkov) = require_checkov() else { return };
    let (_, tree) = rendered_trees().into_iter().find(|(n, _)| n == "oves").expect("the oves example");
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("terraform");
    copy_dir(&tree.join("terraform"), &copy);
    // The retention skip of the EKS control plane's log group.
    let file = copy.join("modules/eks/main.tf");
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().find(|l| l.trim_start().starts_with("#checkov:skip=CKV_AWS_338:")).expect("the log group's retention skip").to_owned();
    std::fs::write(&file, text.replacen(&format!("{line}\n"), "", 1)).unwrap();
    let problems = unexplained(&scan(&checkov, &copy));
    assert!(
        problems.iter().any(|p| p.starts_with("failed: CKV_AWS_338 on terraform ") && p.contains("aws_cloudwatch_log_group.cluster")),
        "removing the skip should surface CKV_AWS_338 on the cluster's log group, got:\n{}",
        problems.join("\n")
    );
    assert!(problems.iter().all(|p| p.contains("CKV_AWS_338")), "only the removed skip should surface:\n{}", problems.join("\n"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().filter_map(Result::ok) {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
