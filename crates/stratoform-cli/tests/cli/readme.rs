//! The README's console sessions run as written: every ```` ```console ```` block of README.md is
//! a list of `$ COMMAND` lines, each followed by what it prints (stdout and stderr, as a terminal
//! shows them), and this test runs them in order in one scratch directory (with `examples/`,
//! `crates/` and `schema/` of the repository linked in, and `stratoform` on PATH) and compares.
//! So the README's file counts, folder listings, messages and exit codes cannot go stale.
//!
//! In the expected text, a line `...` stands for any number of lines, and `[..]` for any text
//! within a line (timings, ports, process IDs, absolute paths). A session that calls
//! `--local` needs Terraform and the emulator (`.tools/env.sh`); without them it is skipped
//! unless `STRATOFORM_REQUIRE_TOOLS=1`.

use std::path::Path;
use std::process::Command;

use crate::{has, root};

/// One `$ COMMAND` of a session and what the README says it prints.
#[derive(Debug)]
struct Step {
    /// The line of the command in README.md.
    line: usize,
    command: String,
    expected: Vec<String>,
}

/// The steps of every console block, in order.
fn steps(readme: &str) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    let mut inside = false;
    for (i, line) in readme.lines().enumerate() {
        if !inside {
            inside = line == "```console";
            continue;
        }
        if line == "```" {
            inside = false;
        } else if let Some(command) = line.strip_prefix("$ ") {
            out.push(Step { line: i + 1, command: command.to_owned(), expected: Vec::new() });
        } else {
            let step = out.last_mut().unwrap_or_else(|| panic!("README.md:{}: output before any `$ ` command", i + 1));
            step.expected.push(line.to_owned());
        }
    }
    out
}

/// Whether `actual` matches `expected`, where an expected line `...` is any number of lines.
fn lines_match(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..])),
        Some((first, rest)) => actual.split_first().is_some_and(|(line, more)| line_matches(first, line) && lines_match(rest, more)),
    }
}

/// Whether `actual` matches `expected`, where `[..]` is any text; spaces at the end of a line
/// do not count (a Markdown file does not keep them).
fn line_matches(expected: &str, actual: &str) -> bool {
    let (expected, actual) = (expected.trim_end(), actual.trim_end());
    let mut parts = expected.split("[..]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = actual.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

#[test]
fn the_matcher_takes_elisions_and_nothing_else() {
    let ex = |s: &str| s.lines().map(str::to_owned).collect::<Vec<_>>();
    assert!(lines_match(&ex("a\n...\nd"), &["a", "b", "c", "d"]));
    assert!(lines_match(&ex("a\n...\nb"), &["a", "b"]));
    assert!(!lines_match(&ex("a\nd"), &["a", "b", "d"]));
    assert!(line_matches("took [..] s (pid [..])", "took 12 s (pid 7)"));
    assert!(!line_matches("took [..] s", "took 12 ms"));
    assert!(!line_matches("284 files", "289 files"));
    assert!(!lines_match(&ex("a"), &["a", "b"]));
}

#[test]
fn the_readme_console_sessions_print_what_the_readme_shows() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let steps = steps(&readme);
    assert!(steps.len() >= 15, "only {} console commands in README.md", steps.len());
    let needs_tools = steps.iter().any(|s| s.command.contains("--local"));
    // `.tools/env.sh` (which scripts/test.sh sources) names the emulator and the provider mirror.
    if needs_tools && !(has("terraform") && std::env::var_os("STRATOFORM_MOTO").is_some()) {
        assert!(std::env::var_os("STRATOFORM_REQUIRE_TOOLS").is_none_or(|v| v != "1"), "terraform or the emulator is missing");
        eprintln!("skipped: `terraform` or the emulator not found; run `bash scripts/setup.sh` and `. .tools/env.sh`");
        return;
    }
    let scratch = tempfile::tempdir().expect("a temp dir");
    let dir = scratch.path();
    for linked in ["examples", "crates", "schema"] {
        std::os::unix::fs::symlink(root().join(linked), dir.join(linked)).expect("a link");
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_stratoform")).parent().expect("the binary's folder");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut status = 0;
    let mut stale = Vec::new();
    for step in &steps {
        // `$?` is the previous command's status, as in the shell the README was written in.
        let script = format!("(exit {status}); {} 2>&1", step.command);
        let started = std::time::Instant::now();
        let run = Command::new("bash")
            .args(["-c", &script])
            .current_dir(dir)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("STRATOFORM_TODAY", "2026-11-21")
            .output()
            .expect("bash runs");
        status = run.status.code().unwrap_or(-1);
        progress(&format!("README.md:{}: `$ {}` done in {:.0}s", step.line, step.command, started.elapsed().as_secs_f64()));
        let text = String::from_utf8_lossy(&run.stdout);
        let actual: Vec<&str> = text.lines().collect();
        if !lines_match(&step.expected, &actual) {
            stale.push(format!(
                "README.md:{}: `$ {}` printed:\n{}\n--- but the README shows:\n{}",
                step.line,
                step.command,
                text.trim_end(),
                step.expected.join("\n")
            ));
        }
    }
    assert!(stale.is_empty(), "{} README session(s) are stale:\n\n{}", stale.len(), stale.join("\n\n"));
}

/// A line for `STRATOFORM_PROGRESS`, which scripts/test.sh prints as the tests run (the sessions
/// that call the emulator take minutes).
pub(crate) fn progress(line: &str) {
    use std::io::Write;
    if let Some(path) = std::env::var_os("STRATOFORM_PROGRESS")
        && let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path)
    {
        let _ = file.write_all(format!("{line}\n").as_bytes());
    }
}

/// The README's count of the loader's fixture specs is the number in the repository.
#[test]
fn the_readme_counts_the_loader_fixtures_there_are() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let (before, _) = readme.split_once(" fixture specs").expect("README.md states how many fixture specs the loader has");
    let stated: usize = before.rsplit(' ').next().and_then(|n| n.parse().ok()).expect("a number before `fixture specs`");
    let fixtures = root().join("crates/stratoform-loader/tests/fixtures");
    let there = std::fs::read_dir(&fixtures).expect("the fixtures").filter_map(Result::ok).filter(|e| e.path().join("platform.yaml").is_file()).count();
    assert_eq!(stated, there, "README.md says the loader has {stated} fixture specs; {} holds {there}", fixtures.display());
}
