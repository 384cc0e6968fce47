//! `stratoform render FILE --out DIR [--env NAME] [--check [--diff]] [--allow-findings] [--durable]`: every layer of
//! every environment into one tree, written atomically — or, with `--check`, compared with DIR
//! (a CI drift gate). Then the review `stratoform check` runs: an unwaived error makes the exit
//! status 1 (the output is written all the same) unless `--allow-findings` accepts it.
//!
//! Generated files name the spec by its path relative to DIR, worked out once here, so the
//! output is the same from any working directory and any spelling of FILE and DIR.

use std::error::Error;
use std::path::Path;

use stratoform_model::Model;
use stratoform_output::OutputTree;

use crate::cli::RenderTarget;
use crate::exit::ExitStatus;
use super::check::{review, terraform_in_memory, today};
use super::spec::{fail, load_models, print_causes};

/// A renderer's error (sent from the thread it ran on).
type RenderError = Box<dyn Error + Send + Sync>;

/// A renderer: the models of the chosen environments in, files relative to its subdirectory out.
type Renderer = fn(&[Model]) -> Result<OutputTree, RenderError>;

/// The renderers that failed: `(subdirectory, error)`.
type Failures = Vec<(&'static str, RenderError)>;

/// Every layer, in output order: `(subdirectory of DIR, renderer)`. One line per layer.
const RENDERERS: &[(&str, Renderer)] = &[
    ("terraform", |models| Ok(stratoform_terraform::render(models)?)),
    ("kubernetes", |models| Ok(stratoform_kubernetes::render(models)?)),
    ("docs", |models| Ok(stratoform_docs::render(models)?)),
];

/// `--target kind`: the Kubernetes layer for a local kind cluster (with `parity.md`).
const KIND_RENDERERS: &[(&str, Renderer)] = &[("kubernetes", |models| Ok(stratoform_kubernetes::render_kind(models)?))];

/// What `render` was asked to do besides rendering.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Compare DIR with the render instead of writing it.
    pub check: bool,
    /// With `check`: print the unified diff of each file that differs.
    pub diff: bool,
    /// Exit 0 although the review finds unwaived errors.
    pub allow_findings: bool,
    /// Flush the whole file system before the swap, not only what this run wrote.
    pub durable: bool,
    /// What to render for.
    pub target: RenderTarget,
}

/// Renders a spec into `out`, or compares `out` with what would be rendered; then reviews it.
pub fn run(file: &Path, out: &Path, env: Option<&str>, options: Options, color: bool) -> ExitStatus {
    let clock = Clock::from_env();
    let today = match today() {
        Ok(d) => d,
        Err(status) => return status,
    };
    let (_, mut models) = match load_models(file, env, color, "nothing was rendered") {
        Ok(m) => m,
        Err(status) => return status,
    };
    clock.mark("loaded, validated and resolved");
    let spec = match stratoform_output::spec_from_output(file, out) {
        Ok(spec) => spec,
        Err(e) => {
            eprintln!("error: cannot name `{}` relative to `{}`: {e}", file.display(), out.display());
            return ExitStatus::Failure;
        }
    };
    for model in &mut models {
        model.set_spec_from_output(&spec);
    }
    let renderers = match options.target {
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
    clock.mark("rendered");
    // The review reads the Terraform just rendered (`--target kind` renders none, so it renders
    // its own in memory); it runs beside the write, which mostly waits for the disk.
    let (status, report) = std::thread::scope(|scope| {
        let review = scope.spawn(|| match options.target {
            RenderTarget::Aws => review(&models, today, Some(&tree)),
            RenderTarget::Kind => review(&models, today, terraform_in_memory(&models).as_ref()),
        });
        let status = if options.check { compare(file, out, &tree, options.diff) } else { write(&spec, out, &tree, options.durable) };
        clock.mark(if options.check { "compared" } else { "written" });
        let report = review.join();
        clock.mark("reviewed");
        (status, report)
    });
    if status == ExitStatus::Failure {
        return status;
    }
    let report = match report {
        Ok(report) => report,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    let (errors, warnings, _) = report.counts();
    let see = format!("`stratoform check {}` lists them", file.display());
    if errors == 0 {
        if warnings > 0 || report.open_items() > 0 {
            println!("review: {}; {see}", report.summary());
        }
        return status;
    }
    let done = if options.check { "nothing was written" } else { "the output was written all the same" };
    if options.allow_findings {
        eprintln!("warning: the review found {}; accepted with `--allow-findings` ({done})", report.summary());
        eprintln!("help: {see}");
        return status;
    }
    eprintln!("error: the review found {}: `stratoform check` rejects this platform ({done})", report.summary());
    eprintln!("help: {see}; fix them, waive them under `review.waivers`, or pass `--allow-findings`");
    ExitStatus::Findings
}

/// Runs every renderer of a target, each on its own thread; every failure is reported, not just
/// the first. The tree is the same whatever order they finish in.
pub fn render_with(renderers: &[(&'static str, Renderer)], models: &[Model]) -> Result<OutputTree, Failures> {
    let results: Vec<_> = std::thread::scope(|scope| {
        let running: Vec<_> = renderers.iter().map(|(subdir, render)| (*subdir, scope.spawn(move || render(models)))).collect();
        running.into_iter().map(|(subdir, thread)| (subdir, thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))).collect()
    });
    let mut tree = OutputTree::new();
    let mut failures = Vec::new();
    for (subdir, result) in results {
        match result {
            Ok(layer) => tree.merge_under(subdir, layer),
            Err(e) => failures.push((subdir, e)),
        }
    }
    if failures.is_empty() { Ok(tree) } else { Err(failures) }
}

/// `STRATOFORM_TIMINGS=1`: the time since the start and the memory in use at the end of each
/// stage, on stderr, to see where a large platform's render spends its time and memory.
struct Clock(Option<std::time::Instant>);

impl Clock {
    fn from_env() -> Self {
        Self(std::env::var_os("STRATOFORM_TIMINGS").is_some_and(|v| v == "1").then(std::time::Instant::now))
    }

    fn mark(&self, stage: &str) {
        if let Some(start) = self.0 {
            // The resident set now and at its peak so far, as Linux reports them.
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let field = |name: &str| status.lines().find_map(|l| l.strip_prefix(name)).map_or_else(String::new, |v| v.trim().to_owned());
            eprintln!("timing: {stage} after {:.1} ms (RSS {}, peak {})", start.elapsed().as_secs_f64() * 1000.0, field("VmRSS:"), field("VmHWM:"));
        }
    }
}

fn write(spec: &str, out: &Path, tree: &OutputTree, durable: bool) -> ExitStatus {
    let flush = if durable { stratoform_output::Flush::FileSystem } else { stratoform_output::Flush::Written };
    let options = stratoform_output::WriteOptions { flush, ..Default::default() };
    match stratoform_output::write_with(out, tree, spec, &options) {
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

fn compare(file: &Path, out: &Path, tree: &OutputTree, diff: bool) -> ExitStatus {
    match stratoform_output::check_with(out, tree, &stratoform_output::CheckOptions { diff }) {
        Ok(drift) if drift.is_clean() => {
            println!("{}: up to date ({} files)", out.display(), tree.len());
            ExitStatus::Clean
        }
        Ok(drift) => {
            print!("{drift}");
            for diff in &drift.diffs {
                print!("{diff}");
            }
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
