//! Reads a platform spec: span-aware YAML, environment overlays, structural validation against
//! the generated schema, typed deserialization and semantic validation — reporting every
//! problem at once, each with a stable code, file:line:col, the spec path and a fix.

pub mod limits;
pub mod merge;
mod read;
pub mod salvage;
pub mod semantic;
pub mod structure;
pub mod suggest;
pub mod tree;
pub mod yaml;

use std::borrow::Cow;
use std::path::Path;

use serde_json::Value;
use stratoform_diagnostics::{codes, Diagnostic, SourceFile, Span};
use stratoform_spec::Platform;

pub use limits::Limits;
pub use tree::{SpanMap, Spans};

/// A spec that was read, with one effective platform per environment.
#[derive(Debug)]
pub struct Loaded {
    /// The file as read. When a limit stopped the loader, only the text up to shortly after the
    /// limit's diagnostic, so that a report never prints a huge line.
    pub file: SourceFile,
    /// The environments, in spec order; empty when the spec has structural errors.
    pub environments: Vec<LoadedEnvironment>,
    /// Every problem found, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// One environment's effective platform: the base spec with the environment's overrides.
#[derive(Debug)]
pub struct LoadedEnvironment {
    /// The environment's name.
    pub name: String,
    /// The effective spec.
    pub platform: Platform,
    /// Spans of the effective spec's values, by JSON pointer.
    pub spans: SpanMap,
}

impl Loaded {
    /// Whether any error was found.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
    /// The environment of that name.
    pub fn environment(&self, name: &str) -> Option<&LoadedEnvironment> {
        self.environments.iter().find(|e| e.name == name)
    }
}

/// The model is resolved from what the loader read.
impl stratoform_model::ReadSpec for Loaded {
    fn file(&self) -> &SourceFile {
        &self.file
    }
    fn has_errors(&self) -> bool {
        Loaded::has_errors(self)
    }
    fn environments(&self) -> Vec<stratoform_model::EffectiveSpec<'_>> {
        self.environments
            .iter()
            .map(|e| stratoform_model::EffectiveSpec { name: &e.name, platform: &e.platform, spans: &e.spans })
            .collect()
    }
}

impl LoadedEnvironment {
    /// The span of the value at a JSON pointer (or of its closest parent).
    pub fn span(&self, pointer: &str) -> Option<Span> {
        tree::span_of(&self.spans, pointer).map(|s| s.value)
    }
}

/// Why a spec could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read `{path}`")]
    Read {
        /// The path.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Reads and validates a spec file within the default [`Limits`].
pub fn load_file(path: &Path) -> Result<Loaded, LoadError> {
    load_file_with_limits(path, &Limits::DEFAULT)
}

/// Reads and validates a spec file within `limits`. A regular file or a pipe is read, never more
/// than one byte past [`Limits::input_bytes`]; a directory or a device is refused.
pub fn load_file_with_limits(path: &Path, limits: &Limits) -> Result<Loaded, LoadError> {
    let name = path.display().to_string();
    structure::prepare();
    match read::read(path, limits)? {
        read::Input::Text(text) => Ok(load_text(&name, Cow::Owned(text), limits)),
        read::Input::TooLarge(start) => Ok(read::too_large(&name, &start, limits)),
    }
}

/// Reads and validates a spec held in memory, within the default [`Limits`].
pub fn load_str(name: &str, text: &str) -> Loaded {
    load_str_with_limits(name, text, &Limits::DEFAULT)
}

/// Reads and validates a spec held in memory, within `limits`.
pub fn load_str_with_limits(name: &str, text: &str, limits: &Limits) -> Loaded {
    load_text(name, Cow::Borrowed(text), limits)
}

/// Loads a text, copying it only when it is read in full.
fn load_text(name: &str, text: Cow<'_, str>, limits: &Limits) -> Loaded {
    if text.len() > limits.input_bytes {
        return read::too_large(name, &text, limits);
    }
    structure::prepare();
    let (root, mut diagnostics) = yaml::parse_with_limits(&text, limits);
    if let Some(stop) = diagnostics.iter().rev().find(|d| limits::is_limit(&d.code)) {
        // Keep what the report shows, not the rest of a possibly huge file.
        let at = stop.primary.as_ref().map_or(0, |l| l.span.end);
        let labels = diagnostics.iter().flat_map(|d| d.primary.iter().chain(&d.secondary));
        let shown = labels.map(|l| l.span.end).fold(read::shown_part(&text, at), usize::max);
        return finish(SourceFile::new(name, &text[..shown]), Vec::new(), diagnostics);
    }
    let file = SourceFile::new(name, text.into_owned());
    let Some(root) = root else {
        if diagnostics.is_empty() {
            diagnostics.push(
                Diagnostic::error(codes::WRONG_TYPE, "the file holds no spec")
                    .with_span(Some(Span::new(0, 0)), "empty")
                    .with_help("start from an example under `examples/`: a spec begins with `apiVersion: stratoform.dev/v1alpha1`"),
            );
        }
        return finish(file, Vec::new(), diagnostics);
    };
    let mut file_spans = SpanMap::new();
    let doc = tree::to_json(&root, "", None, &mut file_spans);
    if !doc.is_object() {
        diagnostics.push(
            Diagnostic::error(codes::WRONG_TYPE, "a spec is a mapping with `apiVersion`, `kind`, `metadata`, ...")
                .with_span(Some(root.span), "not a mapping")
                .with_help("start from an example under `examples/`"),
        );
        return finish(file, Vec::new(), diagnostics);
    }

    let env_names: Vec<(usize, String)> = doc
        .get("environments")
        .and_then(Value::as_array)
        .map(|envs| {
            envs.iter()
                .enumerate()
                .filter_map(|(i, e)| e.get("name").and_then(Value::as_str).map(|n| (i, n.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    if env_names.is_empty() {
        let span = tree::span_of(&file_spans, "/environments").map(|s| s.key.unwrap_or(s.value));
        diagnostics.push(
            Diagnostic::error(codes::NO_ENVIRONMENTS, "the platform declares no environments")
                .with_path("environments")
                .with_span(span.or(Some(Span::new(0, 0))), "add environments here")
                .with_help("add `environments: [{name: dev}, {name: prod}]`; every platform renders per environment"),
        );
    }

    // Merge each environment's overrides over the base, then validate the result.
    let mut merged_envs = Vec::new();
    let mut per_env: Vec<(String, Vec<Diagnostic>)> = Vec::new();
    for (i, name) in &env_names {
        let mut merged = doc.clone();
        let mut spans = file_spans.clone();
        let mut env_diags = Vec::new();
        let overrides_ptr = format!("/environments/{i}/overrides");
        if let Some(overrides) = doc.pointer(&overrides_ptr)
            && overrides.is_object() {
                merge::merge(&mut merged, "", overrides, &overrides_ptr, &file_spans, &mut spans, &mut env_diags);
            }
        // On the document, not the typed spec: a duplicate is reported whatever else is malformed.
        env_diags.extend(semantic::names::check(&merged, &spans));
        let (structural, pointers) = structure::validate_with_pointers(&merged, &spans);
        if !structural.is_empty() {
            env_diags.extend(structural);
            env_diags.extend(salvage::semantic_findings(name, merged, pointers, &spans));
        } else {
            match serde_path_to_error::deserialize::<_, Platform>(&merged) {
                Ok(platform) => {
                    let env = LoadedEnvironment { name: name.clone(), platform, spans };
                    env_diags.extend(semantic::validate(&env));
                    merged_envs.push(env);
                }
                Err(e) => {
                    let pointer = to_pointer(&e.path().to_string());
                    let span = tree::span_of(&spans, &pointer).map(|s| s.value);
                    env_diags.push(
                        Diagnostic::error(codes::INVALID_VALUE, e.inner().to_string())
                            .with_path(tree::spec_path(&pointer))
                            .with_span(span, "rejected here")
                            .with_help("correct the value as the message says"),
                    );
                    env_diags.extend(salvage::semantic_findings(name, merged, vec![pointer], &spans));
                }
            }
        }
        per_env.push((name.clone(), env_diags));
    }
    diagnostics.extend(combine(per_env));
    if !diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.extend(semantic::unique_names::check(file.name(), &merged_envs));
    }
    let environments = if diagnostics.iter().any(Diagnostic::is_error) { Vec::new() } else { merged_envs };
    finish(file, environments, diagnostics)
}

/// Turns serde's `a.b[0].c` path into a JSON pointer.
pub(crate) fn to_pointer(path: &str) -> String {
    let mut out = String::new();
    for part in path.split('.') {
        if part == "?" || part.is_empty() {
            continue;
        }
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            out.push('/');
            out.push_str(&tree::escape(&rest[..i]));
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                out.push('/');
                out.push_str(&rest[1..end]);
                rest = &rest[end + 1..];
            }
        } else {
            out.push('/');
            out.push_str(&tree::escape(rest));
        }
    }
    out
}

/// Merges the environments' diagnostics: one copy of each, naming the environments it occurs
/// in unless it occurs in all of them.
fn combine(per_env: Vec<(String, Vec<Diagnostic>)>) -> Vec<Diagnostic> {
    let total = per_env.len();
    let mut merged: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    // Index of each distinct finding in `merged`, so merging stays linear in the findings.
    let mut seen: std::collections::HashMap<(usize, usize, String, String, Option<String>), usize> = std::collections::HashMap::new();
    for (env, diags) in per_env {
        for d in diags {
            let (s, e, code, message) = d.order_key();
            let key = (s, e, code.to_owned(), message.to_owned(), d.path.clone());
            match seen.get(&key) {
                Some(&i) => {
                    let envs = &mut merged[i].1;
                    if !envs.contains(&env) {
                        envs.push(env.clone());
                    }
                }
                None => {
                    seen.insert(key, merged.len());
                    merged.push((d, vec![env.clone()]));
                }
            }
        }
    }
    merged
        .into_iter()
        .map(|(mut d, envs)| {
            if envs.len() < total {
                d.environments = envs;
            }
            d
        })
        .collect()
}

fn finish(file: SourceFile, environments: Vec<LoadedEnvironment>, mut diagnostics: Vec<Diagnostic>) -> Loaded {
    diagnostics.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    diagnostics.dedup_by(|a, b| a.order_key() == b.order_key() && a.path == b.path);
    Loaded { file, environments, diagnostics }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_paths_become_pointers() {
        assert_eq!(to_pointer("regions[0].clusters[1].name"), "/regions/0/clusters/1/name");
        assert_eq!(to_pointer("metadata.name"), "/metadata/name");
    }
}
