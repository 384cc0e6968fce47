//! `stratoform render` end to end: the same bytes from any working directory and any spelling of
//! FILE and DIR, docs links that reach the spec from where each page is written, and the review
//! of `check` deciding the exit status.

use std::collections::BTreeMap;
use std::path::Path;

use crate::{files_below, root, stratoform_with, Run};

/// Runs `stratoform render ARGS` in `dir` with the review's date fixed.
fn render_in(dir: &Path, args: &[&str]) -> Run {
    let args: Vec<&str> = ["render"].into_iter().chain(args.iter().copied()).collect();
    stratoform_with(dir, &args, &[("STRATOFORM_TODAY", "2026-11-21")])
}

/// Every file below `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_below(dir).into_iter().map(|rel| (rel.to_string_lossy().into_owned(), std::fs::read(dir.join(&rel)).expect("readable"))).collect()
}

/// A temp directory with the smallest example at `a/ex/platform.yaml`.
fn example_layout() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temp dir");
    std::fs::create_dir_all(tmp.path().join("a/ex/sub")).expect("mkdir");
    std::fs::copy(root().join("examples/infra-config/platform.yaml"), tmp.path().join("a/ex/platform.yaml")).expect("copy");
    tmp
}

#[test]
fn the_same_render_from_any_directory_and_spelling() {
    let tmp = example_layout();
    let t = tmp.path().canonicalize().expect("the temp dir");
    let abs_spec = t.join("a/ex/platform.yaml").to_string_lossy().into_owned();
    let abs_out = t.join("a/ex/rendered").to_string_lossy().into_owned();
    // (working directory, FILE, DIR): relative, `./`, absolute and `..` spellings from three
    // directories, every one the same spec and the same DIR.
    let runs: [(&Path, &str, &str); 6] = [
        (&t.join("a"), "ex/platform.yaml", "ex/rendered"),
        (&t.join("a"), "./ex/platform.yaml", "./ex/./rendered/"),
        (&t.join("a"), &abs_spec, &abs_out),
        (&t.join("a/ex"), "platform.yaml", "rendered"),
        (&t.join("a/ex/sub"), "../platform.yaml", "../rendered"),
        (&t, &abs_spec, "a/ex/sub/../rendered"),
    ];
    let mut first: Option<BTreeMap<String, Vec<u8>>> = None;
    for (cwd, file, out) in runs {
        let run = render_in(cwd, &[file, "--out", out]);
        assert_eq!(run.code, 0, "{file} --out {out}: {}{}", run.stdout, run.stderr);
        let tree = files(&t.join("a/ex/rendered"));
        match &first {
            None => {
                assert!(run.stdout.contains("0 changed"), "{}", run.stdout);
                first = Some(tree);
            }
            Some(expected) => {
                assert!(run.stdout.contains("(0 new, 0 changed,"), "{file} --out {out}: {}", run.stdout);
                assert!(tree == *expected, "{file} --out {out}: the tree differs");
            }
        }
        let check = render_in(cwd, &[file, "--out", out, "--check"]);
        assert_eq!(check.code, 0, "{file} --out {out} --check: {}", check.stdout);
    }
    // A second directory of the same layout gets the same bytes.
    let run = render_in(&t, &["a/ex/platform.yaml", "--out", "a/ex/again"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(files(&t.join("a/ex/again")) == first.expect("rendered"), "a second output directory differs");
    let manifest = std::fs::read_to_string(t.join("a/ex/again/.stratoform-manifest.json")).expect("a manifest");
    assert!(manifest.contains(r#""spec": "../platform.yaml""#), "{manifest}");
}

#[test]
fn docs_links_reach_the_spec_from_where_each_page_is_written() {
    let tmp = example_layout();
    let t = tmp.path().canonicalize().expect("the temp dir");
    let run = render_in(&t, &["./a/ex/platform.yaml", "--out", "build/site/gen"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = t.join("build/site/gen");
    let spec = t.join("a/ex/platform.yaml");
    let lines = std::fs::read_to_string(&spec).expect("the spec").lines().count();
    let mut checked = 0;
    for (rel, bytes) in files(&out.join("docs")) {
        let page = out.join("docs").join(&rel);
        for (path, line) in spec_links(&String::from_utf8_lossy(&bytes)) {
            let resolved = page.parent().expect("a folder").join(path).canonicalize();
            assert_eq!(resolved.ok().as_deref(), Some(spec.as_path()), "docs/{rel}: `{path}` does not reach the spec");
            assert!((1..=lines).contains(&line), "docs/{rel}: line {line} of {lines}");
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links to the spec");
    let header = std::fs::read_to_string(out.join("terraform/stacks/long-lived/main.tf")).expect("a stack");
    assert!(header.contains("from ../../../a/ex/platform.yaml;"), "{}", header.lines().next().unwrap_or(""));
}

/// Every `(PATH#L<line>)` and `"PATH#L<line>"` link target of a page whose PATH ends with
/// `platform.yaml`.
fn spec_links(text: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("platform.yaml#L") {
        let start = text[..at].rfind(['(', '"']).map_or(0, |i| i + 1);
        let digits = &text[at + "platform.yaml#L".len()..];
        let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
        out.push((&text[start..at + "platform.yaml".len()], digits[..end].parse().expect("a line number")));
    }
    out
}

const FAILING: &str = "crates/stratoform-check/tests/fixtures/SEC001/fail.yaml";

#[test]
fn render_exits_1_when_the_review_finds_an_unwaived_error() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let spec = root().join(FAILING);
    let spec = spec.to_string_lossy();
    let out = tmp.path().join("out");
    let out = out.to_string_lossy();

    let run = render_in(tmp.path(), &[&spec, "--out", &out]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with(&format!("wrote {out}: ")), "{}", run.stdout);
    assert!(run.stderr.contains("error: the review found 1 error"), "{}", run.stderr);
    assert!(run.stderr.contains("(the output was written all the same)"), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("`stratoform check {spec}` lists them")), "{}", run.stderr);
    assert!(tmp.path().join("out/.stratoform-manifest.json").is_file(), "the output is written");

    let run = render_in(tmp.path(), &[&spec, "--out", &out, "--check"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("(nothing was written)"), "{}", run.stderr);

    for extra in [&[][..], &["--check"][..]] {
        let args: Vec<&str> = [&spec, "--out", &out, "--allow-findings"].into_iter().chain(extra.iter().copied()).collect();
        let run = render_in(tmp.path(), &args);
        assert_eq!(run.code, 0, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("warning: the review found 1 error"), "{}", run.stderr);
    }
}

#[test]
fn render_of_a_clean_spec_exits_0() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let spec = root().join("crates/stratoform-check/tests/fixtures/SEC001/pass.yaml");
    let run = render_in(tmp.path(), &[&spec.to_string_lossy(), "--out", "out"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("review"), "{}", run.stderr);
}
