//! Span-aware YAML: a small tree built from the parser's marked events, with every key's and
//! value's byte span, duplicate keys and syntax errors reported as diagnostics. The events are
//! pulled one by one and the tree is built on an explicit stack, so no input deepens the call
//! stack; the [`Limits`] are checked as the events arrive and the first one reached stops the
//! parse.

mod build;

use stratoform_diagnostics::{codes, Diagnostic, SourceFile, Span};
use yaml_rust2::parser::{Event, Parser};

use crate::limits::{bytes, count, Limits};
use build::Builder;

/// A YAML node with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Where the node is written.
    pub span: Span,
    /// What it is.
    pub kind: NodeKind,
}

/// YAML node kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A mapping, in file order: key, key span, value.
    Map(Vec<(String, Span, Node)>),
    /// A sequence.
    Seq(Vec<Node>),
    /// A scalar with its text and whether it was quoted (quoted scalars are always strings).
    Scalar {
        /// The scalar's text.
        text: String,
        /// Whether it was quoted.
        quoted: bool,
    },
}

/// The byte offset of every 64th character: the parser's marks count characters, spans are
/// bytes. A sparse table keeps a large file's index small.
struct CharIndex<'a> {
    text: &'a str,
    every: Vec<usize>,
}

const CHAR_STEP: usize = 64;

impl<'a> CharIndex<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, every: text.char_indices().step_by(CHAR_STEP).map(|(i, _)| i).collect() }
    }

    fn byte(&self, chars: usize) -> usize {
        let Some(&base) = self.every.get(chars / CHAR_STEP) else { return self.text.len() };
        self.text[base..].char_indices().nth(chars % CHAR_STEP).map_or(self.text.len(), |(i, _)| base + i)
    }
}

/// The first line longer than the limit, refused.
fn long_line(text: &str, limits: &Limits) -> Option<Diagnostic> {
    let mut start = 0;
    for (i, line) in text.split('\n').enumerate() {
        if line.len() > limits.line_bytes {
            let d = Diagnostic::error(
                codes::TOO_LONG,
                format!("line {} is {} long, longer than the {} a line may hold", count(i + 1), bytes(line.len()), bytes(limits.line_bytes)),
            )
            .with_span(Some(Span::new(start, ceil_boundary(text, start + 1))), "this line")
            .with_help("break the line up; no spec needs one this long (pretty-print a JSON spec written on one line)");
            return Some(d);
        }
        start += line.len() + 1;
    }
    None
}

/// The first character boundary at or after `i` (or the end of the text).
fn ceil_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The scanner's error for flow collections nested deeper than it counts.
const FLOW_NESTING: &str = "recursion limit exceeded";
const FLOW_NESTING_MAX: usize = u8::MAX as usize;

/// Parses a spec file within the default [`Limits`]; returns the root node (when the file
/// parses) and the problems found.
pub fn parse(file: &SourceFile) -> (Option<Node>, Vec<Diagnostic>) {
    parse_with_limits(file.text(), &Limits::DEFAULT)
}

/// Parses a spec's text within `limits`. A limit reached stops the parse: no root, and the
/// limit's diagnostic last.
pub fn parse_with_limits(text: &str, limits: &Limits) -> (Option<Node>, Vec<Diagnostic>) {
    if let Some(d) = long_line(text, limits) {
        return (None, vec![d]);
    }
    let mut builder = Builder::new(text, limits);
    let mut parser = Parser::new_from_str(text);
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) => break,
            Ok((ev, mark)) => {
                if let Err(stop) = builder.on_event(ev, mark) {
                    let mut diagnostics = builder.diagnostics;
                    diagnostics.push(*stop);
                    return (None, diagnostics);
                }
            }
            Err(e) => {
                let at = builder.chars.byte(e.marker().index());
                let mut diagnostics = builder.diagnostics;
                if e.info() == FLOW_NESTING {
                    // The scanner reads nested brackets ahead of the events that would reach the
                    // depth limit, and has a (higher) limit of its own.
                    let depth = limits.depth.min(FLOW_NESTING_MAX);
                    diagnostics.push(
                        Diagnostic::error(codes::NESTING_TOO_DEEP, format!("mappings and sequences nest more than {depth} deep here"))
                            .with_span(Some(Span::new(at, ceil_boundary(text, at + 1))), format!("level {}", FLOW_NESTING_MAX + 1))
                            .with_help("flatten this value; no spec field nests anywhere near this deep"),
                    );
                    return (None, diagnostics);
                }
                diagnostics.push(
                    Diagnostic::error(codes::YAML_SYNTAX, format!("invalid YAML: {}", e.info()))
                        .with_span(Some(Span::new(at, ceil_boundary(text, at + 1))), "here")
                        .with_help("check the indentation and quoting on this line and the one before it"),
                );
                return (None, diagnostics);
            }
        }
    }
    (builder.root, builder.diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_values() {
        let file = SourceFile::new("t.yaml", "a: 1\nb:\n  c: \"x\"\n  d: [1, 2]\n");
        let (root, diags) = parse(&file);
        assert!(diags.is_empty(), "{diags:?}");
        let NodeKind::Map(entries) = root.unwrap().kind else { panic!() };
        assert_eq!(&file.text()[entries[0].1.start..entries[0].1.end], "a");
        let NodeKind::Map(inner) = &entries[1].2.kind else { panic!() };
        assert_eq!(&file.text()[inner[0].2.span.start..inner[0].2.span.end], "\"x\"");
        assert_eq!(file.line_col(inner[1].1.start), (4, 3));
    }

    #[test]
    fn duplicate_keys_and_syntax_errors() {
        let (_, diags) = parse(&SourceFile::new("t.yaml", "a: 1\na: 2\n"));
        assert_eq!(diags[0].code, codes::DUPLICATE_KEY);
        let (root, diags) = parse(&SourceFile::new("t.yaml", "a: [1, 2\nb: 3\n"));
        assert!(root.is_none());
        assert_eq!(diags[0].code, codes::YAML_SYNTAX);
    }

    #[test]
    fn every_repeat_of_a_key_points_at_the_first() {
        let file = SourceFile::new("t.yaml", "b: 0\na: 1\na: 2\na: 3\n");
        let (_, diags) = parse(&file);
        assert_eq!(diags.len(), 2, "{diags:?}");
        for d in &diags {
            assert_eq!(d.secondary[0].span, Span::new(5, 6));
        }
    }

    #[test]
    fn char_index_maps_characters_to_bytes() {
        let text = "é".repeat(200) + "x";
        let index = CharIndex::new(&text);
        assert_eq!(index.byte(0), 0);
        assert_eq!(index.byte(65), 130);
        assert_eq!(index.byte(200), 400);
        assert_eq!(index.byte(201), text.len());
        assert_eq!(index.byte(10_000), text.len());
    }
}
