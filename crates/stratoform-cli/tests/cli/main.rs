//! The `stratoform` binary end to end: exit codes, stdout and stderr of each subcommand, and the
//! examples' golden trees.

mod check;
mod docs_links;
mod e2e;
mod facts;
mod golden;
mod hostile;
mod init;
mod layout;
mod lifecycle;
mod links;
mod readme;
mod render;
mod schema_check;
mod simulate;
mod verify;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (commands run there, so spec paths read `examples/...`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the workspace root exists")
}

/// Whether `tool` is on PATH.
pub fn has(tool: &str) -> bool {
    Command::new("bash").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
}

/// What a run printed and how it ended.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `stratoform ARGS` in `dir` without colour.
pub fn stratoform_in(dir: &Path, args: &[&str]) -> Run {
    stratoform_with(dir, args, &[])
}

/// [`stratoform_in`] with more environment variables, such as `STRATOFORM_TODAY`.
pub fn stratoform_with(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_stratoform"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(vars.iter().copied())
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every example spec, as `(name, path relative to the root)`, sorted.
pub fn examples() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("platform.yaml").is_file())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let spec = format!("examples/{name}/platform.yaml");
            (name, spec)
        })
        .collect();
    out.sort();
    out
}

/// Every file below `dir`, recursively, as a path relative to it, sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = e.expect("an entry").path();
            if p.is_dir() {
                pending.push(p);
            } else {
                out.push(p.strip_prefix(dir).expect("below dir").to_path_buf());
            }
        }
    }
    out.sort();
    out
}
