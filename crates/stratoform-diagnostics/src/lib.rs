//! One diagnostic model for everything stratoform reports about a spec — the loader's errors
//! and the review's findings alike — and its renderers.

pub mod codes;
pub mod diagnostic;
pub mod human;
pub mod json;
pub mod source;
pub mod spans;
pub mod suggest;

pub use codes::{Code, CODES};
pub use diagnostic::{Diagnostic, Label, Severity};
pub use source::{SourceFile, Span};
pub use spans::{span_of, SpanMap, Spans};
pub use suggest::did_you_mean;
