//! What the fuzz targets under `fuzz/` check on one input. The targets are thin wrappers around
//! [`loader`] and [`pipeline`]; this crate's test replays the checked-in regression inputs and
//! the seed corpus through the same functions, so a finding stays fixed without a fuzzer build.
//!
//! Both functions panic when an input breaks a property, which is what libFuzzer reports as a
//! crash. A spec that is merely invalid is no finding: it must end in diagnostics.

use std::borrow::Cow;

use stratoform_diagnostics::{human, json};
use stratoform_loader::Loaded;
use stratoform_model::Model;
use stratoform_output::OutputTree;

/// A layer's renderer: every model in, the layer's files out, or `None` when it refuses the spec.
type Layer = fn(&[Model]) -> Option<OutputTree>;

/// The name the fuzzed spec is loaded under.
const NAME: &str = "fuzz/platform.yaml";

/// The text of an input. The CLI refuses a file that is not UTF-8 before the loader sees it, so
/// such bytes are read lossily here instead of being thrown away: the loader still gets to see
/// the rest of them.
fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Bytes → load and validate. Never panics, and every input ends in diagnostics or in
/// environments: a spec with errors has no environments, one without errors has at least one.
/// Every label points inside the file as kept, on character boundaries, and the diagnostics
/// render as text (with and without colour) and as JSON.
pub fn loader(data: &[u8]) {
    let text = text(data);
    let loaded = stratoform_loader::load_str(NAME, &text);
    check_loaded(&loaded);
}

/// Bytes → load → resolve → render every layer (Terraform, Kubernetes for AWS and for kind,
/// docs) of every environment, in memory. Nothing is written. A spec the loader accepts must
/// resolve and must render without a panic; a renderer may refuse it with an error (such as a
/// Helm value naming nothing in the spec), but every file it returns must have a path that
/// stays inside the output folder.
pub fn pipeline(data: &[u8]) {
    let text = text(data);
    let loaded = stratoform_loader::load_str(NAME, &text);
    check_loaded(&loaded);
    if loaded.has_errors() {
        return;
    }
    let models = Model::resolve_all(&loaded, None).expect("a spec without errors resolves");
    assert_eq!(models.len(), loaded.environments.len(), "one model per environment");
    let layers: [(&str, Layer); 4] = [
        ("terraform", |m| stratoform_terraform::render(m).ok()),
        ("kubernetes", |m| stratoform_kubernetes::render(m).ok()),
        ("kind", |m| stratoform_kubernetes::render_kind(m).ok()),
        ("docs", |m| stratoform_docs::render(m).ok()),
    ];
    for (layer, render) in layers {
        if let Some(tree) = render(&models) {
            check_tree(layer, &tree);
        }
    }
}

fn check_loaded(loaded: &Loaded) {
    let text = loaded.file.text();
    for d in &loaded.diagnostics {
        assert!(!d.code.is_empty(), "a diagnostic without a code: {d:?}");
        for label in d.primary.iter().chain(&d.secondary) {
            let span = label.span;
            assert!(span.start <= span.end && span.end <= text.len(), "label {span:?} outside the file ({} bytes): {d:?}", text.len());
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "label {span:?} inside a character: {d:?}");
        }
    }
    if loaded.has_errors() {
        assert!(loaded.environments.is_empty(), "a spec with errors yields no environments");
    } else {
        assert!(!loaded.environments.is_empty(), "a spec without errors has environments");
    }
    let _ = human::render(&loaded.file, &loaded.diagnostics, false);
    let _ = human::render(&loaded.file, &loaded.diagnostics, true);
    let _ = json::render(&loaded.file, &loaded.diagnostics);
}

/// Every path of a rendered layer is relative and stays below the layer's folder.
fn check_tree(layer: &str, tree: &OutputTree) {
    for (path, _) in tree.iter() {
        let safe = !path.is_empty()
            && !path.contains(['\\', '\0'])
            && path.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
        assert!(safe, "{layer}: the rendered path `{path}` would leave its folder");
    }
}
