//! `stratoform validate FILE`: every problem in one run.

use std::path::Path;

use stratoform_diagnostics::{human, json};

use crate::cli::Format;
use crate::exit::ExitStatus;

/// Loads a spec, prints its diagnostics and returns the exit status (2 when invalid).
pub fn run(file: &Path, format: Format, color: bool) -> ExitStatus {
    let loaded = match stratoform_loader::load_file(file) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}: {}", std::error::Error::source(&e).map(|s| s.to_string()).unwrap_or_default());
            return ExitStatus::Failure;
        }
    };
    match format {
        Format::Json => print!("{}", json::render(&loaded.file, &loaded.diagnostics)),
        Format::Human => {
            eprint!("{}", human::render(&loaded.file, &loaded.diagnostics, color));
            if loaded.diagnostics.is_empty() {
                let envs: Vec<&str> = loaded.environments.iter().map(|e| e.name.as_str()).collect();
                println!("{}: valid ({} environment{}: {})", loaded.file.name(), envs.len(), if envs.len() == 1 { "" } else { "s" }, envs.join(", "));
            } else {
                eprintln!("{}: {}", loaded.file.name(), human::summary(&loaded.diagnostics));
            }
        }
    }
    if loaded.has_errors() { ExitStatus::Failure } else { ExitStatus::Clean }
}
