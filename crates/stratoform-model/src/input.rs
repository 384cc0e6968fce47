//! What a model is resolved from: a spec that was read and validated, with one effective spec
//! per environment. The loader implements [`ReadSpec`] for what it reads, so the model does not
//! depend on how a spec is read.

use stratoform_diagnostics::{SourceFile, SpanMap};
use stratoform_spec::Platform;

/// A spec that was read and validated.
pub trait ReadSpec {
    /// The spec file as read.
    fn file(&self) -> &SourceFile;
    /// Whether reading or validating it found an error; such a spec is not resolved.
    fn has_errors(&self) -> bool;
    /// Every environment's effective spec, in spec order.
    fn environments(&self) -> Vec<EffectiveSpec<'_>>;
}

/// One environment's effective spec: the base spec with the environment's overrides.
#[derive(Clone, Copy, Debug)]
pub struct EffectiveSpec<'a> {
    /// The environment's name.
    pub name: &'a str,
    /// The effective spec.
    pub platform: &'a Platform,
    /// Where each of its values is written, by JSON pointer.
    pub spans: &'a SpanMap,
}
