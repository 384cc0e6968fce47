//! `stratoform simulate FILE [--scenario NAME]... [--seed N] [--format human|json] [--out DIR]`:
//! runs the spec's failover and scaling scenarios; exit 1 when an assertion fails.

use std::path::Path;

use stratoform_diagnostics::{human, Diagnostic};
use stratoform_model::Model;
use stratoform_simulate::{Options, SimulateError};

use crate::cli::Format;
use crate::exit::ExitStatus;

/// Diagnostic code of a scenario that cannot run as written.
const INVALID_SCENARIO: &str = "SIM001";
/// Diagnostic code of a load curve that cannot be built.
const INVALID_LOAD: &str = "SIM002";

/// Runs the scenarios and prints the report.
pub fn run(file: &Path, only: Vec<String>, seed: Option<u64>, format: Format, out: Option<&Path>, color: bool) -> ExitStatus {
    let loaded = match stratoform_loader::load_file(file) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}: {}", std::error::Error::source(&e).map(|s| s.to_string()).unwrap_or_default());
            return ExitStatus::Failure;
        }
    };
    if loaded.has_errors() {
        eprint!("{}", human::render(&loaded.file, &loaded.diagnostics, color));
        eprintln!("{}: {}", loaded.file.name(), human::summary(&loaded.diagnostics));
        return ExitStatus::Failure;
    }
    let models = match Model::resolve_all(&loaded, None) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitStatus::Failure;
        }
    };
    let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let read = move |name: &str| std::fs::read_to_string(base.join(name)).map_err(|e| e.to_string());
    let options = Options { only, seed, read: &read };
    let mut sim = match stratoform_simulate::simulate(&models, &options) {
        Ok(s) => s,
        Err(errors) => {
            let env = loaded.environments.first();
            let diags: Vec<Diagnostic> = errors
                .iter()
                .map(|e| {
                    let code = if matches!(e, SimulateError::Load { .. }) { INVALID_LOAD } else { INVALID_SCENARIO };
                    let mut d = Diagnostic::error(code, e.to_string()).with_help(e.help());
                    if let Some(p) = e.pointer() {
                        d = d.with_path(stratoform_loader::tree::spec_path(p)).with_span(env.and_then(|env| env.span(p)), "here");
                    }
                    d
                })
                .collect();
            eprint!("{}", human::render(&loaded.file, &diags, color));
            eprintln!("{}: {}", loaded.file.name(), human::summary(&diags));
            return ExitStatus::Failure;
        }
    };
    if let Some(dir) = out {
        if let Err(e) = write_out(dir, &mut sim) {
            eprintln!("error: cannot write to `{}`: {e}", dir.display());
            eprintln!("help: pass a directory you can write to with `--out`");
            return ExitStatus::Failure;
        }
    }
    let text = match format {
        Format::Human => stratoform_simulate::report::human(&sim.report),
        Format::Json => serde_json::to_string_pretty(&sim.report).unwrap_or_default() + "\n",
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    if sim.report.passed() { ExitStatus::Clean } else { ExitStatus::Findings }
}

/// Writes `report.json`, `report.txt` and each scenario's charts into `dir`.
fn write_out(dir: &Path, sim: &mut stratoform_simulate::Simulation) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (i, outcome) in sim.outcomes.iter().enumerate() {
        let mut names = Vec::new();
        for (name, svg) in stratoform_simulate::charts(&sim.report.spec, outcome) {
            std::fs::write(dir.join(&name), svg)?;
            names.push(name);
        }
        sim.report.scenarios[i].charts = names;
    }
    let json = serde_json::to_string_pretty(&sim.report).unwrap_or_default();
    std::fs::write(dir.join("report.json"), json + "\n")?;
    std::fs::write(dir.join("report.txt"), stratoform_simulate::report::human(&sim.report))?;
    Ok(())
}
