//! Where each value of a spec is written, by JSON pointer: the loader records it while reading,
//! and whatever reports on the spec later (the model's docs links, `check`'s findings) looks it up.

use std::collections::BTreeMap;

use crate::Span;

/// Where a value and its key are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spans {
    /// The value.
    pub value: Span,
    /// The key, for mapping entries.
    pub key: Option<Span>,
}

/// Spans by JSON pointer (`/regions/0/clusters/1/name`).
pub type SpanMap = BTreeMap<String, Spans>;

/// Finds the closest recorded span for a pointer (walking up to its parents).
pub fn span_of(spans: &SpanMap, pointer: &str) -> Option<Spans> {
    let mut p = pointer;
    loop {
        if let Some(s) = spans.get(p) {
            return Some(*s);
        }
        let cut = p.rfind('/')?;
        p = &p[..cut];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pointer_without_a_span_takes_its_closest_parents() {
        let at = |start| Spans { value: Span::new(start, start + 1), key: None };
        let spans = SpanMap::from([("".to_owned(), at(0)), ("/regions/0".to_owned(), at(7))]);
        assert_eq!(span_of(&spans, "/regions/0/clusters/1"), Some(at(7)));
        assert_eq!(span_of(&spans, "/state"), Some(at(0)));
        assert_eq!(span_of(&SpanMap::new(), "/state"), None);
    }
}
