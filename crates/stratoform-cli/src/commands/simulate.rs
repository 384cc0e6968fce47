//! `stratoform simulate FILE [--scenarios FILE] [--scenario NAME]... [--seed N] [--format human|json] [--out DIR]`:
//! runs the spec's failover and scaling scenarios (and those of a scenario file); exit 1 when an
//! assertion fails.

use std::path::Path;

use stratoform_diagnostics::{human, Diagnostic, SourceFile};
use stratoform_loader::SpanMap;
use stratoform_simulate::{Options, SimulateError};
use stratoform_spec::Scenario;

use crate::cli::Format;
use crate::exit::ExitStatus;
use super::spec::load_models;

/// Diagnostic code of a scenario that cannot run as written.
const INVALID_SCENARIO: &str = "SIM001";
/// Diagnostic code of a load curve that cannot be built.
const INVALID_LOAD: &str = "SIM002";
/// Diagnostic code of a scenario file that cannot be read as a list of scenarios.
const INVALID_SCENARIO_FILE: &str = "SIM003";

/// A scenario file: a YAML list of scenarios as the spec's `scenarios:` holds them.
struct ScenarioFile {
    file: SourceFile,
    spans: SpanMap,
    scenarios: Vec<Scenario>,
}

/// Reads a scenario file, or reports every item that is not a scenario.
fn read_scenarios(path: &Path, color: bool) -> Result<ScenarioFile, ExitStatus> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", path.display());
            return Err(ExitStatus::Failure);
        }
    };
    let file = SourceFile::new(path.display().to_string(), text);
    let (root, mut diags) = stratoform_loader::yaml::parse(&file);
    let mut spans = SpanMap::new();
    let mut scenarios = Vec::new();
    if let Some(root) = root {
        let doc = stratoform_loader::tree::to_json(&root, "", None, &mut spans);
        match doc.as_array() {
            Some(items) => {
                // Against the spec's schema first, for the hints a spec gets; the types read
                // only what passes.
                let structural = stratoform_loader::structure::validate_scenarios(&doc, &spans);
                let items = if structural.is_empty() { items.as_slice() } else { &[] };
                diags.extend(structural);
                for (i, item) in items.iter().enumerate() {
                    match serde_json::from_value::<Scenario>(item.clone()) {
                        Ok(s) => scenarios.push(s),
                        Err(e) => diags.push(
                            Diagnostic::error(INVALID_SCENARIO_FILE, format!("item {i} is not a scenario: {e}"))
                                .with_path(format!("[{i}]"))
                                .with_span(stratoform_loader::tree::span_of(&spans, &format!("/{i}")).map(|s| s.value), "here")
                                .with_help("write it as in the spec's `scenarios:` list (`name`, `kind`, ...); `stratoform schema` describes the fields"),
                        ),
                    }
                }
            }
            None => diags.push(
                Diagnostic::error(INVALID_SCENARIO_FILE, "a scenario file is a list of scenarios")
                    .with_span(Some(root.span), "not a list")
                    .with_help("write `- name: ...` items at the top level, as under the spec's `scenarios:`"),
            ),
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        eprint!("{}", human::render(&file, &diags, color));
        eprintln!("{}: {}", file.name(), human::summary(&diags));
        return Err(ExitStatus::Failure);
    }
    Ok(ScenarioFile { file, spans, scenarios })
}

/// Runs the scenarios and prints the report.
pub fn run(file: &Path, scenarios: Option<&Path>, only: Vec<String>, seed: Option<u64>, format: Format, out: Option<&Path>, color: bool) -> ExitStatus {
    let (loaded, models) = match load_models(file, None, color, "nothing was simulated") {
        Ok(m) => m,
        Err(status) => return status,
    };
    let extra = match scenarios.map(|p| read_scenarios(p, color)).transpose() {
        Ok(x) => x,
        Err(status) => return status,
    };
    let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let read = move |name: &str| std::fs::read_to_string(base.join(name)).map_err(|e| e.to_string());
    let options = Options { only, seed, read: &read, extra: extra.as_ref().map(|x| x.scenarios.clone()).unwrap_or_default() };
    let mut sim = match stratoform_simulate::simulate(&models, &options) {
        Ok(s) => s,
        Err(errors) => {
            let env = loaded.environments.first();
            let (mut in_spec, mut in_file) = (Vec::new(), Vec::new());
            for e in &errors {
                let code = if matches!(e, SimulateError::Load { .. }) { INVALID_LOAD } else { INVALID_SCENARIO };
                let mut d = Diagnostic::error(code, e.to_string()).with_help(e.help());
                match (e.pointer(), &extra) {
                    (Some(p), Some(x)) if !p.starts_with("/scenarios") => {
                        d = d.with_path(stratoform_loader::tree::spec_path(p)).with_span(stratoform_loader::tree::span_of(&x.spans, p).map(|s| s.value), "here");
                        in_file.push(d);
                    }
                    (Some(p), _) => {
                        d = d.with_path(stratoform_loader::tree::spec_path(p)).with_span(env.and_then(|env| env.span(p)), "here");
                        in_spec.push(d);
                    }
                    (None, _) => in_spec.push(d),
                }
            }
            for (file, diags) in [(Some(&loaded.file), &in_spec), (extra.as_ref().map(|x| &x.file), &in_file)] {
                if let (Some(file), false) = (file, diags.is_empty()) {
                    eprint!("{}", human::render(file, diags, color));
                    eprintln!("{}: {}", file.name(), human::summary(diags));
                }
            }
            return ExitStatus::Failure;
        }
    };
    if let Some(dir) = out
        && let Err(e) = write_out(file, dir, &mut sim)
    {
        eprintln!("error: cannot write to `{}`: {e}", dir.display());
        eprintln!("help: pass a directory you can write to with `--out`");
        return ExitStatus::Failure;
    }
    let text = match format {
        Format::Human => stratoform_simulate::report::human(&sim.report),
        Format::Json => serde_json::to_string_pretty(&sim.report).unwrap_or_default() + "\n",
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    if sim.report.passed() { ExitStatus::Clean } else { ExitStatus::Findings }
}

/// Writes `report.json`, `report.txt` and each scenario's charts into `dir`. They name the spec
/// by its path relative to `dir`, so they are the same however `file` and `dir` were spelled.
fn write_out(file: &Path, dir: &Path, sim: &mut stratoform_simulate::Simulation) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let spec = stratoform_output::spec_from_output(file, dir)?;
    for (i, outcome) in sim.outcomes.iter().enumerate() {
        let mut names = Vec::new();
        for (name, svg) in stratoform_simulate::charts(&spec, outcome) {
            std::fs::write(dir.join(&name), svg)?;
            names.push(name);
        }
        sim.report.scenarios[i].charts = names;
    }
    let report = stratoform_simulate::report::Report { spec, ..sim.report.clone() };
    let json = serde_json::to_string_pretty(&report).unwrap_or_default();
    std::fs::write(dir.join("report.json"), json + "\n")?;
    std::fs::write(dir.join("report.txt"), stratoform_simulate::report::human(&report))?;
    Ok(())
}
