//! `stratoform check FILE [--env NAME] [--format human|json|sarif] [--explain RULE]`: the
//! architecture review. Exit 1 when an unwaived error-severity finding exists.
//!
//! Waiver expiry is judged against today's date (UTC); `STRATOFORM_TODAY=YYYY-MM-DD` fixes it,
//! for reproducible runs and tests.

use std::path::Path;

use stratoform_check::render::{human as check_human, json, sarif};
use stratoform_check::{Date, RULES};
use stratoform_diagnostics::human;
use stratoform_model::Model;

use crate::cli::CheckFormat;
use crate::exit::ExitStatus;

/// Runs the review, or prints a rule's page with `--explain`.
pub fn run(file: Option<&Path>, env: Option<&str>, fmt: CheckFormat, explain: Option<&str>, color: bool) -> ExitStatus {
    if let Some(id) = explain {
        return explain_rule(id);
    }
    let Some(file) = file else {
        eprintln!("error: `check` needs a spec file");
        return ExitStatus::Failure;
    };
    let today = match std::env::var("STRATOFORM_TODAY") {
        Ok(s) => match s.parse::<Date>() {
            Ok(d) => d,
            Err(e) => {
                eprintln!("error: STRATOFORM_TODAY: {e}");
                return ExitStatus::Failure;
            }
        },
        Err(_) => Date::today(),
    };
    let loaded = match stratoform_loader::load_file(file) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}: {}", std::error::Error::source(&e).map(|s| s.to_string()).unwrap_or_default());
            return ExitStatus::Failure;
        }
    };
    if loaded.has_errors() {
        eprint!("{}", human::render(&loaded.file, &loaded.diagnostics, color));
        eprintln!("{}: {}; the review runs on a valid spec", loaded.file.name(), human::summary(&loaded.diagnostics));
        return ExitStatus::Failure;
    }
    let models = match Model::resolve_all(&loaded, env) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("help: pass one of the environments with `--env NAME`, or leave `--env` out for all");
            return ExitStatus::Failure;
        }
    };
    let rendered: Vec<_> = models.iter().map(|_| None).collect();
    let report = stratoform_check::check_models(&models, today, &rendered);
    match fmt {
        CheckFormat::Human => {
            let text = check_human::render(&loaded.file, &report, color);
            if report.findings.is_empty() {
                print!("{text}");
            } else {
                eprint!("{text}");
            }
        }
        CheckFormat::Json => print!("{}", json::render(&loaded.file, &report)),
        CheckFormat::Sarif => print!("{}", sarif::render(&loaded.file, &report)),
    }
    if report.failed() { ExitStatus::Findings } else { ExitStatus::Clean }
}

fn explain_rule(id: &str) -> ExitStatus {
    if id.eq_ignore_ascii_case("all") || id.eq_ignore_ascii_case("index") {
        print!("{}", stratoform_check::docs::index());
        return ExitStatus::Clean;
    }
    match stratoform_check::lookup(id) {
        Some(rule) => {
            print!("{}", stratoform_check::docs::page(rule));
            ExitStatus::Clean
        }
        None => {
            let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
            eprintln!("error: no rule `{id}`");
            eprintln!("help: the rules are {}; `--explain all` prints the index", ids.join(", "));
            ExitStatus::Failure
        }
    }
}
