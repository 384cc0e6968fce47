//! `stratoform plan FILE [--env NAME] [--destroy] [--format human|json|mermaid|dot]`: the
//! deployment waves of each environment (or the teardown), and why each edge exists.

use std::path::Path;

use stratoform_diagnostics::human;
use stratoform_graph::format;
use stratoform_model::Model;

use crate::cli::PlanFormat;
use crate::exit::ExitStatus;

/// Prints the plan of every selected environment.
pub fn run(file: &Path, env: Option<&str>, destroy: bool, fmt: PlanFormat, color: bool) -> ExitStatus {
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
    let models = match Model::resolve_all(&loaded, env) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("help: pass one of the environments with `--env NAME`, or leave `--env` out for all");
            return ExitStatus::Failure;
        }
    };
    let mut out = String::new();
    for (i, model) in models.iter().enumerate() {
        let graph = match stratoform_graph::build(model) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("error: {}: environment `{}`: {e}", loaded.file.name(), model.env_name());
                eprintln!("help: {}", e.help());
                return ExitStatus::Failure;
            }
        };
        if i > 0 && fmt == PlanFormat::Human {
            out.push('\n');
        }
        let env = model.env_name();
        out.push_str(&match (fmt, destroy) {
            (PlanFormat::Human, false) => format::human(env, &graph.waves()),
            (PlanFormat::Human, true) => format::human_teardown(env, &graph.teardown(), &graph.kept_stacks()),
            (PlanFormat::Json, false) => format::json(env, &graph.waves()),
            (PlanFormat::Json, true) => format::json_teardown(env, &graph.teardown(), &graph.kept_stacks()),
            (PlanFormat::Mermaid, false) => format::mermaid(&graph.waves(), &|_| None),
            (PlanFormat::Dot, false) => format::dot(&graph.waves()),
            (PlanFormat::Mermaid | PlanFormat::Dot, true) => {
                let waves: Vec<stratoform_graph::Wave> =
                    graph.teardown().into_iter().map(|w| stratoform_graph::Wave { index: w.index, units: w.units }).collect();
                if fmt == PlanFormat::Mermaid { format::mermaid(&waves, &|_| None) } else { format::dot(&waves) }
            }
        });
    }
    print!("{out}");
    ExitStatus::Clean
}
