//! The diagnostic: a stable code, a severity, a message, labelled spans, a spec path and a fix.

use serde::Serialize;

use crate::Span;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks rendering (loader) or fails the review.
    Error,
    /// Worth fixing; does not fail.
    Warning,
    /// For information.
    Info,
}

impl Severity {
    /// The lowercase name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// A span with a short message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there (may be empty).
    pub message: String,
}

/// One problem or finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The stable code, such as `SF005` or `SEC003`.
    pub code: String,
    /// Severity.
    pub severity: Severity,
    /// What is wrong, rustc style: lowercase, no trailing period, names in backticks.
    pub message: String,
    /// The spec path, such as `regions[0].clusters[0].nodeGroups[1].max`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The span the message is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<Label>,
    /// Other spans involved (the other side of a conflict).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secondary: Vec<Label>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The environments in which it occurs, when not all of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<String>,
}

impl Diagnostic {
    /// A new error.
    pub fn error(code: &str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }
    /// A new warning.
    pub fn warning(code: &str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }
    /// A new diagnostic.
    pub fn new(code: &str, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            severity,
            message: message.into(),
            path: None,
            primary: None,
            secondary: Vec::new(),
            help: None,
            environments: Vec::new(),
        }
    }
    /// Sets the spec path.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }
    /// Sets the primary span.
    pub fn with_span(mut self, span: Option<Span>, message: impl Into<String>) -> Self {
        self.primary = span.map(|span| Label { span, message: message.into() });
        self
    }
    /// Adds a secondary span.
    pub fn with_secondary(mut self, span: Option<Span>, message: impl Into<String>) -> Self {
        if let Some(span) = span {
            self.secondary.push(Label { span, message: message.into() });
        }
        self
    }
    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
    /// The key diagnostics are sorted and deduplicated by: position, then code and message.
    pub fn sort_key(&self) -> (usize, usize, String, String) {
        let (s, e, code, message) = self.order_key();
        (s, e, code.to_owned(), message.to_owned())
    }
    /// [`Diagnostic::sort_key`] borrowed, for sorting without copying every message.
    pub fn order_key(&self) -> (usize, usize, &str, &str) {
        let (s, e) = self.primary.as_ref().map_or((usize::MAX, usize::MAX), |l| (l.span.start, l.span.end));
        (s, e, self.code.as_str(), self.message.as_str())
    }
}
