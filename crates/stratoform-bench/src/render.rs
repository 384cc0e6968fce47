//! End-to-end rendering of the checked-in examples: the spec file read from disk, loaded and
//! validated, resolved for every environment, rendered by every layer (Terraform, Kubernetes,
//! docs) and written atomically into a fresh output directory, as `stratoform render` does.

use std::path::{Path, PathBuf};
use std::time::Duration;

use stratoform_model::Model;
use stratoform_output::OutputTree;

use crate::measure::{median, ms};

/// One example's timings (medians) and output size.
pub struct Row {
    /// The example's directory name.
    pub name: String,
    /// Files rendered (all layers, all environments).
    pub files: usize,
    /// Bytes rendered.
    pub bytes: usize,
    /// Read + load + validate.
    pub load: Duration,
    /// `Model::resolve_all`.
    pub resolve: Duration,
    /// The Terraform layer.
    pub terraform: Duration,
    /// The Kubernetes layer.
    pub kubernetes: Duration,
    /// The docs layer.
    pub docs: Duration,
    /// The atomic write of the whole tree into a fresh directory, without the flush to disk.
    pub write: Duration,
    /// The same, flushed to disk before the swap (what `stratoform render` does).
    pub write_flushed: Duration,
    /// The whole pipeline in memory: file in, every layer rendered.
    pub in_memory: Duration,
    /// The whole pipeline (file in, directory out, flushed).
    pub end_to_end: Duration,
    /// Runs of the end-to-end step.
    pub runs: usize,
}

/// The examples under `root/examples/*/platform.yaml`, sorted by name.
pub fn examples(root: &Path) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(root.join("examples"))
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.join("platform.yaml").is_file()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|p| (p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), p.join("platform.yaml")))
        .collect();
    out.sort();
    out
}

fn load(spec: &Path) -> stratoform_loader::Loaded {
    let loaded = stratoform_loader::load_file(spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    assert!(!loaded.has_errors(), "{} does not validate", spec.display());
    loaded
}

fn resolve(loaded: &stratoform_loader::Loaded) -> Vec<Model> {
    Model::resolve_all(loaded, None).unwrap_or_else(|e| panic!("{}: {e}", loaded.file.name()))
}

fn render_all(models: &[Model]) -> OutputTree {
    let mut tree = OutputTree::new();
    tree.merge_under("terraform", stratoform_terraform::render(models).expect("terraform renders"));
    tree.merge_under("kubernetes", stratoform_kubernetes::render(models).expect("kubernetes renders"));
    tree.merge_under("docs", stratoform_docs::render(models).expect("docs render"));
    tree
}

/// Times one example; `scratch` is a directory the writes may use (each run writes a new subdirectory).
pub fn measure(name: &str, spec: &Path, scratch: &Path, min_runs: usize, min_time: Duration) -> Row {
    let loaded = load(spec);
    let models = resolve(&loaded);
    let tree = render_all(&models);
    let files = tree.len();
    let bytes = tree.iter().map(|(_, c)| c.len()).sum();
    let (load_t, _) = median(min_runs, min_time, || load(spec));
    let (resolve_t, _) = median(min_runs, min_time, || resolve(&loaded));
    let (terraform, _) = median(min_runs, min_time, || stratoform_terraform::render(&models).expect("terraform renders"));
    let (kubernetes, _) = median(min_runs, min_time, || stratoform_kubernetes::render(&models).expect("kubernetes renders"));
    let (docs, _) = median(min_runs, min_time, || stratoform_docs::render(&models).expect("docs render"));
    let mut n = 0usize;
    let mut fresh = || {
        n += 1;
        let dir = scratch.join(format!("{name}-{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    };
    let no_flush = stratoform_output::WriteOptions { flush: stratoform_output::Flush::None, ..Default::default() };
    let (write, _) = median(min_runs, min_time, || {
        let dir = fresh();
        stratoform_output::write_with(&dir, &tree, "platform.yaml", &no_flush).expect("the tree is written")
    });
    let (write_flushed, _) = median(min_runs, min_time, || {
        let dir = fresh();
        stratoform_output::write(&dir, &tree, "platform.yaml").expect("the tree is written")
    });
    let (in_memory, _) = median(min_runs, min_time, || render_all(&resolve(&load(spec))));
    let (end_to_end, runs) = median(min_runs, min_time, || {
        let dir = fresh();
        let loaded = load(spec);
        let models = resolve(&loaded);
        let tree = render_all(&models);
        stratoform_output::write(&dir, &tree, "platform.yaml").expect("the tree is written")
    });
    Row { name: name.to_owned(), files, bytes, load: load_t, resolve: resolve_t, terraform, kubernetes, docs, write, write_flushed, in_memory, end_to_end, runs }
}

/// The Markdown table header of [`Row::markdown`].
pub const HEADER: &str = "| example | files | KiB | load + validate | resolve | terraform | kubernetes | docs | render in memory, end to end | write | write + flush | end to end on disk | runs |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

impl Row {
    /// One Markdown table row.
    pub fn markdown(&self) -> String {
        format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            self.name,
            self.files,
            self.bytes / 1024,
            ms(self.load),
            ms(self.resolve),
            ms(self.terraform),
            ms(self.kubernetes),
            ms(self.docs),
            ms(self.in_memory),
            ms(self.write),
            ms(self.write_flushed),
            ms(self.end_to_end),
            self.runs
        )
    }
}
