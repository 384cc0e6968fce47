//! `stratoform verify FILE --out DIR [--env NAME] [--format human|json|sarif]`: the integrity
//! proof over the tree `render` wrote to DIR. Exit 0 when every link closes, 1 with findings,
//! 2 on bad input (an invalid spec, a missing DIR).

use std::path::Path;

use crate::cli::CheckFormat;
use crate::exit::ExitStatus;
use super::spec::load_models;

/// Runs the proof.
pub fn run(file: &Path, out: &Path, env: Option<&str>, fmt: CheckFormat, color: bool) -> ExitStatus {
    let (_, models) = match load_models(file, env, color, "nothing was verified") {
        Ok(m) => m,
        Err(status) => return status,
    };
    let report = match stratoform_verify::verify_dir(&models, out) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("help: pass the DIR given to `stratoform render --out DIR`");
            return ExitStatus::Failure;
        }
    };
    let dir = out.to_string_lossy();
    match fmt {
        CheckFormat::Human => {
            let text = report.human(&dir);
            if report.failed() {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
        }
        CheckFormat::Json => print!("{}", report.json()),
        CheckFormat::Sarif => {
            let (rules, artifacts, results) = report.sarif_parts(&dir);
            print!("{}", stratoform_check::render::sarif::log(rules, artifacts, results));
        }
    }
    if report.failed() { ExitStatus::Findings } else { ExitStatus::Clean }
}
