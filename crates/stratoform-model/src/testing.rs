//! A spec given as JSON with hand-placed spans, for the model's own tests: the model does
//! not read YAML, so its tests do not need the loader.

use stratoform_diagnostics::{SourceFile, Span, SpanMap, Spans};
use stratoform_spec::Platform;

use crate::{EffectiveSpec, ReadSpec};

/// A valid spec: its text, its platform and the spans of some of its values.
pub(crate) struct JsonSpec {
    pub(crate) file: SourceFile,
    pub(crate) platform: Platform,
    pub(crate) spans: SpanMap,
}

impl JsonSpec {
    /// A spec with no text and no spans.
    pub(crate) fn new(platform: serde_json::Value) -> Self {
        let platform = serde_json::from_value(platform).expect("a valid platform");
        Self { file: SourceFile::new("platform.yaml", ""), platform, spans: SpanMap::new() }
    }

    /// Sets the text, with the value at each pointer written where `needle` first occurs.
    pub(crate) fn with_text(mut self, text: &str, at: &[(&str, &str)]) -> Self {
        self.file = SourceFile::new("platform.yaml", text);
        for (pointer, needle) in at {
            let start = text.find(needle).expect("the needle is in the text");
            let value = Span::new(start, start + needle.len());
            self.spans.insert((*pointer).to_owned(), Spans { value, key: None });
        }
        self
    }
}

impl ReadSpec for JsonSpec {
    fn file(&self) -> &SourceFile {
        &self.file
    }
    fn has_errors(&self) -> bool {
        false
    }
    fn environments(&self) -> Vec<EffectiveSpec<'_>> {
        self.platform
            .environments
            .iter()
            .map(|e| EffectiveSpec { name: e.name.as_str(), platform: &self.platform, spans: &self.spans })
            .collect()
    }
}
