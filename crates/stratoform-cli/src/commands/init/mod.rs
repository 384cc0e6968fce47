//! `stratoform init [--from EXAMPLE] [PATH]`: a spec to start from, and the JSON Schema next to
//! it that the spec's first line names (`# yaml-language-server: $schema=platform.schema.json`),
//! so an editor with the YAML language server completes and checks it with nothing else
//! installed. Neither file is ever overwritten: each is written to a temporary file in its
//! directory and linked into place, which fails when the name exists, so a reader never sees
//! half a file and a file that appeared meanwhile is kept.

pub mod examples;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::exit::ExitStatus;

/// The starter spec: one region, one VPC, one cluster, one node group, dev and prod.
pub const STARTER: &str = include_str!("starter.yaml");

/// The name of the schema file written next to the spec.
pub const SCHEMA_FILE: &str = "platform.schema.json";

/// The first line of every spec `init` writes: the schema file next to it.
pub const SCHEMA_LINE: &str = "# yaml-language-server: $schema=platform.schema.json";

/// The first line of the checked-in examples: the repository's schema, two folders up.
pub const EXAMPLE_SCHEMA_LINE: &str = "# yaml-language-server: $schema=../../schema/platform.schema.json";

/// The spec `init` writes: the starter, or the example `from` with its first line pointing at
/// the schema file next to it.
pub fn spec_text(from: Option<&str>) -> Option<String> {
    let Some(name) = from else { return Some(STARTER.to_owned()) };
    let example = examples::spec(name)?;
    let body = example.strip_prefix(EXAMPLE_SCHEMA_LINE).unwrap_or(example).trim_start_matches('\n');
    Some(format!("{SCHEMA_LINE}\n{body}"))
}

/// Where the spec goes: `path` itself when it names a YAML file (`.yaml` or `.yml`) that is not
/// a directory, else `platform.yaml` in the directory `path` (created when missing).
pub fn spec_path(path: &Path) -> PathBuf {
    let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if yaml && !path.is_dir() { path.to_path_buf() } else { path.join("platform.yaml") }
}

/// Writes the spec (see [`spec_path`]) and the schema next to it, then says what to run next.
pub fn run(from: Option<&str>, path: &Path) -> ExitStatus {
    let Some(text) = spec_text(from) else {
        eprintln!("error: no example `{}`", from.unwrap_or_default());
        eprintln!("help: the examples are {}", examples::names().join(", "));
        return ExitStatus::Failure;
    };
    let spec = spec_path(path);
    // Next to the spec, spelt as the user spelt the spec's folder (`platform.schema.json`, not
    // `./platform.schema.json`, for `init platform.yaml`).
    let dir = spec.parent().unwrap_or(Path::new(""));
    let schema_path = dir.join(SCHEMA_FILE);
    let schema = stratoform_spec::schema::json_schema_string();
    if spec.exists() {
        eprintln!("error: `{}` exists; `init` never overwrites a file, and nothing was written", spec.display());
        eprintln!("help: pass another path (`stratoform init other.yaml`), or move `{}` away first", spec.display());
        return ExitStatus::Failure;
    }
    let keep_schema = match std::fs::read(&schema_path) {
        Ok(old) if old == schema.as_bytes() => true,
        Ok(_) => {
            eprintln!("error: `{}` exists and is not the schema of this stratoform; `init` never overwrites a file, and nothing was written", schema_path.display());
            eprintln!("help: pass a path in another directory, or refresh the file with `stratoform schema > {}`", schema_path.display());
            return ExitStatus::Failure;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", schema_path.display());
            return ExitStatus::Failure;
        }
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create `{}`: {e}", dir.display());
        return ExitStatus::Failure;
    }
    if let Err(e) = write_new(&spec, &text) {
        return refused(&spec, &e);
    }
    if !keep_schema && let Err(e) = write_new(&schema_path, &schema) {
        return refused(&schema_path, &e);
    }
    let what = from.map_or_else(|| "a starter: one region, one VPC, one cluster, one node group; environments dev and prod".to_owned(), |n| format!("the example `{n}`"));
    println!("wrote {} ({what})", spec.display());
    if keep_schema {
        println!("kept {} (already the JSON Schema of this stratoform, which the spec's first line names)", schema_path.display());
    } else {
        println!("wrote {} (the JSON Schema the spec's first line names, so editors complete and check it)", schema_path.display());
    }
    println!("next: set your account IDs, region and CIDRs in {}, then:", spec.display());
    println!("  stratoform validate {}", spec.display());
    println!("  stratoform render {} --out {}", spec.display(), dir.join("rendered").display());
    ExitStatus::Clean
}

/// Reports a file that could not be written.
fn refused(path: &Path, e: &io::Error) -> ExitStatus {
    eprintln!("error: cannot write `{}`: {e}", path.display());
    if e.kind() == io::ErrorKind::AlreadyExists {
        eprintln!("help: it appeared while `init` ran; `init` never overwrites a file");
    }
    ExitStatus::Failure
}

/// Writes `text` to `path` atomically and only when `path` does not exist: a temporary file in
/// the same directory, flushed, then hard-linked to `path` (`link` fails when the name exists,
/// where `rename` would replace it).
fn write_new(path: &Path, text: &str) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.init-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::hard_link(&tmp, path)
    })();
    let _ = std::fs::remove_file(&tmp);
    result
}
