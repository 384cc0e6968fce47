//! `stratoform check FILE [--env NAME] [--format human|json|sarif] [--explain RULE]
//! [--rendered DIR]`: the architecture review. Exit 1 when an unwaived error-severity finding
//! exists. Open items (the spec's `manualSteps`) are listed in every format and never fail it. The rules that read rendered Terraform review it rendered in memory, or, with
//! `--rendered DIR`, as `stratoform render` wrote it to DIR.
//!
//! Waiver expiry is judged against today's date (UTC); `STRATOFORM_TODAY=YYYY-MM-DD` fixes it,
//! for reproducible runs and tests.

use std::path::Path;

use stratoform_check::render::{human as check_human, json, sarif};
use stratoform_check::waivers::codes;
use stratoform_check::{open_items, Date, Report, RULES};
use stratoform_model::Model;
use stratoform_output::OutputTree;

use crate::cli::CheckFormat;
use crate::exit::ExitStatus;
use super::spec::load_models;

/// Runs the review, or prints a rule's page with `--explain`.
pub fn run(file: Option<&Path>, env: Option<&str>, fmt: CheckFormat, explain: Option<&str>, rendered: Option<&Path>, color: bool) -> ExitStatus {
    if let Some(id) = explain {
        return explain_rule(id);
    }
    let Some(file) = file else {
        eprintln!("error: `check` needs a spec file");
        return ExitStatus::Failure;
    };
    let today = match today() {
        Ok(d) => d,
        Err(status) => return status,
    };
    let (loaded, models) = match load_models(file, env, color, "the review runs on a valid spec") {
        Ok(m) => m,
        Err(status) => return status,
    };
    let tree = match rendered {
        Some(dir) => match read_rendered(dir) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("error: cannot read the rendered output: {e}");
                eprintln!("help: pass the DIR given to `stratoform render --out DIR`");
                return ExitStatus::Failure;
            }
        },
        // Without `--rendered`, the rules that read Terraform review it rendered in memory.
        None => terraform_in_memory(&models),
    };
    let report = review(&models, today, tree.as_ref());
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

/// The date waivers expire against: `STRATOFORM_TODAY` (`YYYY-MM-DD`) or today (UTC).
pub(super) fn today() -> Result<Date, ExitStatus> {
    match std::env::var("STRATOFORM_TODAY") {
        Ok(s) => s.parse::<Date>().map_err(|e| {
            eprintln!("error: STRATOFORM_TODAY: {e}");
            ExitStatus::Failure
        }),
        Err(_) => Ok(Date::today()),
    }
}

/// The Terraform of `models` rendered in memory under `terraform/`, for the rules that read it;
/// `None` (with a warning) when it cannot be rendered.
pub(super) fn terraform_in_memory(models: &[Model]) -> Option<OutputTree> {
    match stratoform_terraform::render(models) {
        Ok(t) => {
            let mut tree = OutputTree::new();
            tree.merge_under("terraform", t);
            Some(tree)
        }
        Err(e) => {
            eprintln!("warning: the rules that read rendered Terraform were skipped: {e}");
            None
        }
    }
}

/// The review of every environment, the rules that read rendered Terraform reading `rendered`.
pub(super) fn review(models: &[Model], today: Date, rendered: Option<&OutputTree>) -> Report {
    let trees: Vec<_> = models.iter().map(|_| rendered).collect();
    stratoform_check::check_models(models, today, &trees)
}

/// Reads the Terraform files of a rendered tree (`DIR/terraform/**/*.tf` and `*.tf.json`).
fn read_rendered(dir: &Path) -> std::io::Result<OutputTree> {
    let mut tree = OutputTree::new();
    let root = dir.join("terraform");
    if !dir.is_dir() {
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("`{}` is not a directory", dir.display())));
    }
    let mut pending = vec![root.clone()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "tf") || path.to_string_lossy().ends_with(".tf.json") {
                let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                tree.insert(rel, std::fs::read_to_string(&path)?);
            }
        }
    }
    Ok(tree)
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
            if id.eq_ignore_ascii_case(open_items::CODE) {
                println!(
                    "{} ({}): {}.\n\nManual steps live under `manualSteps` in the spec; an open item never fails the check and no waiver applies to it. `--explain all` prints the rule index with the open items.",
                    open_items::CODE,
                    open_items::NAME,
                    open_items::SUMMARY
                );
                return ExitStatus::Clean;
            }
            if let Some((code, name, summary)) = codes::ALL.iter().find(|(c, _, _)| c.eq_ignore_ascii_case(id)) {
                println!("{code} ({name}): {summary}.\n\nWaivers live under `review.waivers` in the spec; `--explain all` prints the rule index with the waiver format.");
                return ExitStatus::Clean;
            }
            let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
            eprintln!("error: no rule `{id}`");
            eprintln!("help: the rules are {}; `--explain all` prints the index", ids.join(", "));
            ExitStatus::Failure
        }
    }
}
