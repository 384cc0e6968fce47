//! `stratoform render FILE --out DIR [--env NAME] [--check]`: every layer of every environment
//! into one tree, written atomically — or, with `--check`, compared with DIR (a CI drift gate).

use std::error::Error;
use std::path::Path;

use stratoform_model::Model;
use stratoform_output::OutputTree;

use crate::cli::RenderTarget;
use crate::exit::ExitStatus;
use super::spec::{fail, load_models, print_causes};

/// A renderer: the models of the chosen environments in, files relative to its subdirectory out.
type Renderer = fn(&[Model]) -> Result<OutputTree, Box<dyn Error>>;

/// The renderers that failed: `(subdirectory, error)`.
type Failures = Vec<(&'static str, Box<dyn Error>)>;

/// Every layer, in output order: `(subdirectory of DIR, renderer)`. One line per layer.
const RENDERERS: &[(&str, Renderer)] = &[
    ("terraform", |models| Ok(stratoform_terraform::render(models)?)),
    ("kubernetes", |models| Ok(stratoform_kubernetes::render(models)?)),
    ("docs", |models| Ok(stratoform_docs::render(models)?)),
];

/// `--target kind`: the Kubernetes layer for a local kind cluster (with `parity.md`).
const KIND_RENDERERS: &[(&str, Renderer)] = &[("kubernetes", |models| Ok(stratoform_kubernetes::render_kind(models)?))];

/// Renders a spec into `out`, or compares `out` with what would be rendered.
pub fn run(file: &Path, out: &Path, env: Option<&str>, check: bool, color: bool, target: RenderTarget) -> ExitStatus {
    let (loaded, models) = match load_models(file, env, color, "nothing was rendered") {
        Ok(m) => m,
        Err(status) => return status,
    };
    let renderers = match target {
        RenderTarget::Aws => RENDERERS,
        RenderTarget::Kind => KIND_RENDERERS,
    };
    let tree = match render_with(renderers, &models) {
        Ok(tree) => tree,
        Err(failures) => {
            for (subdir, e) in &failures {
                eprintln!("error: cannot render `{subdir}/`");
                print_causes(e.as_ref());
            }
            return ExitStatus::Failure;
        }
    };
    if check { compare(file, out, &tree) } else { write(loaded.file.name(), out, &tree) }
}

/// Runs every renderer of a target; every failure is reported, not just the first.
pub fn render_with(renderers: &[(&'static str, Renderer)], models: &[Model]) -> Result<OutputTree, Failures> {
    let mut tree = OutputTree::new();
    let mut failures = Vec::new();
    for (subdir, render) in renderers {
        match render(models) {
            Ok(layer) => tree.merge_under(subdir, layer),
            Err(e) => failures.push((*subdir, e)),
        }
    }
    if failures.is_empty() { Ok(tree) } else { Err(failures) }
}

fn write(spec: &str, out: &Path, tree: &OutputTree) -> ExitStatus {
    match stratoform_output::write(out, tree, spec) {
        Ok(r) => {
            let mut line = format!(
                "wrote {}: {} files ({} new, {} changed, {} unchanged, {} removed)",
                out.display(),
                tree.len(),
                r.added.len(),
                r.changed.len(),
                r.unchanged,
                r.removed.len()
            );
            if !r.kept.is_empty() {
                line.push_str(&format!("; kept {} file(s) stratoform did not generate", r.kept.len()));
            }
            println!("{line}");
            if let Some(leftover) = r.leftover {
                eprintln!("warning: could not remove the previous output at `{}`; the next run removes it", leftover.display());
            }
            ExitStatus::Clean
        }
        Err(e) => fail(&e),
    }
}

fn compare(file: &Path, out: &Path, tree: &OutputTree) -> ExitStatus {
    match stratoform_output::check(out, tree) {
        Ok(drift) if drift.is_clean() => {
            println!("{}: up to date ({} files)", out.display(), tree.len());
            ExitStatus::Clean
        }
        Ok(drift) => {
            print!("{drift}");
            println!(
                "{}: stale ({} path(s) differ); run `stratoform render {} --out {}` to update it",
                out.display(),
                drift.len(),
                file.display(),
                out.display()
            );
            ExitStatus::Findings
        }
        Err(e) => fail(&e),
    }
}
