//! What every semantic check needs: the effective spec, spans by pointer, and an output list.

use stratoform_diagnostics::{codes, Diagnostic, Span};
use stratoform_spec::Platform;

use crate::tree::{span_of, spec_path};
use crate::LoadedEnvironment;

/// The context of a semantic check.
pub struct Ctx<'a> {
    /// The effective spec.
    pub platform: &'a Platform,
    env: &'a LoadedEnvironment,
    out: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    /// A context over one environment.
    pub fn new(env: &'a LoadedEnvironment) -> Self {
        Self { platform: &env.platform, env, out: Vec::new() }
    }
    /// The value span at a pointer.
    pub fn span(&self, pointer: &str) -> Option<Span> {
        span_of(&self.env.spans, pointer).map(|s| s.value)
    }
    /// The key span at a pointer (or the value span when it has no key).
    pub fn key_span(&self, pointer: &str) -> Option<Span> {
        span_of(&self.env.spans, pointer).map(|s| s.key.unwrap_or(s.value))
    }
    /// Whether the spec writes a value at exactly this pointer (not a default).
    pub fn written(&self, pointer: &str) -> bool {
        self.env.spans.contains_key(pointer)
    }
    /// Reports a finding at a pointer, with its code's severity (an error but for the codes
    /// declared warnings).
    pub fn error(&mut self, code: &str, pointer: &str, message: impl Into<String>, label: &str, help: impl Into<String>) {
        let d = Diagnostic::new(code, codes::severity(code), message)
            .with_path(spec_path(pointer))
            .with_span(self.span(pointer), label)
            .with_help(help);
        self.out.push(d);
    }
    /// Reports a prepared diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }
    /// The spec path of a pointer.
    pub fn path(&self, pointer: &str) -> String {
        spec_path(pointer)
    }
    /// The name of the environment being checked.
    pub fn env_name(&self) -> &str {
        &self.env.name
    }
    /// Reports a reference to something the spec does not define, suggesting the closest name.
    pub fn dangling<'k>(&mut self, pointer: &str, what: &str, name: &str, known: impl IntoIterator<Item = &'k str>) {
        let known: Vec<&str> = known.into_iter().collect();
        let help = match crate::suggest::did_you_mean(name, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if known.is_empty() => format!("define the {what} first"),
            None => format!("the {what}s here are {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")),
        };
        self.error(codes::DANGLING_REFERENCE, pointer, format!("unknown {what} `{name}`"), "no such item", help);
    }
    /// The diagnostics reported.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.out
    }
}
