//! Span-aware YAML: a small tree built from the parser's marked events, with every key's and
//! value's byte span, duplicate keys and syntax errors reported as diagnostics.

use std::collections::HashMap;

use stratoform_diagnostics::{codes, Diagnostic, SourceFile, Span};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

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
    Scalar { text: String, quoted: bool },
}

enum Frame {
    Map { start: usize, entries: Vec<(String, Span, Node)>, pending_key: Option<(String, Span)>, anchor: usize },
    Seq { start: usize, items: Vec<Node>, anchor: usize },
}

struct Builder<'a> {
    source: &'a str,
    /// The byte offset of every character (the parser's marks count characters).
    char_bytes: Vec<usize>,
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, Node>,
    diagnostics: Vec<Diagnostic>,
    documents: usize,
}

impl Builder<'_> {
    fn byte(&self, mark: &Marker) -> usize {
        // The parser counts characters; spans are bytes.
        self.char_bytes.get(mark.index()).copied().unwrap_or(self.source.len())
    }

    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, pending_key, .. }) => match pending_key.take() {
                None => {
                    let key = match &node.kind {
                        NodeKind::Scalar { text, .. } => text.clone(),
                        _ => {
                            self.diagnostics.push(
                                Diagnostic::error(codes::YAML_SYNTAX, "a mapping key must be a plain string")
                                    .with_span(Some(node.span), "complex key")
                                    .with_help("write the key as a plain scalar"),
                            );
                            String::from("<complex key>")
                        }
                    };
                    if let Some((_, first, _)) = entries.iter().find(|(k, _, _)| *k == key) {
                        let first = *first;
                        self.diagnostics.push(
                            Diagnostic::error(codes::DUPLICATE_KEY, format!("duplicate key `{key}`"))
                                .with_span(Some(node.span), "written again here")
                                .with_secondary(Some(first), "first written here")
                                .with_help("remove one of the two; YAML keeps only one and stratoform will not guess which"),
                        );
                    }
                    *pending_key = Some((key, node.span));
                }
                Some((key, key_span)) => entries.push((key, key_span, node)),
            },
        }
    }

    fn close(&mut self, end: usize) {
        let Some(frame) = self.stack.pop() else { return };
        let (node, anchor) = match frame {
            Frame::Map { start, entries, anchor, .. } => {
                (Node { span: Span::new(start, end.max(start)), kind: NodeKind::Map(entries) }, anchor)
            }
            Frame::Seq { start, items, anchor } => {
                (Node { span: Span::new(start, end.max(start)), kind: NodeKind::Seq(items) }, anchor)
            }
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        self.push_node(node);
    }

    fn frame_start(&self) -> Option<usize> {
        self.stack.last().map(|f| match f {
            Frame::Map { start, .. } | Frame::Seq { start, .. } => *start,
        })
    }

    fn last_end(&self) -> usize {
        fn end_of(frame: &Frame) -> Option<usize> {
            match frame {
                Frame::Map { entries, .. } => entries.last().map(|(_, _, n)| n.span.end),
                Frame::Seq { items, .. } => items.last().map(|n| n.span.end),
            }
        }
        self.stack.last().and_then(end_of).unwrap_or(0)
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = self.byte(&mark);
        match ev {
            Event::DocumentStart => self.documents += 1,
            Event::MappingStart(anchor, _) => {
                self.stack.push(Frame::Map { start: at, entries: Vec::new(), pending_key: None, anchor })
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq { start: at, items: Vec::new(), anchor }),
            Event::MappingEnd | Event::SequenceEnd => {
                // A flow collection ends at its closing bracket; a block collection at its last
                // item (the parser marks the end at the next token, possibly lines later).
                let flow = self.frame_start().is_some_and(|s| matches!(self.source.as_bytes().get(s), Some(b'{' | b'[')));
                let end = if flow {
                    ceil_boundary(self.source, at + 1)
                } else {
                    let last = self.last_end();
                    if last > 0 { last } else { at.min(self.source.len()) }
                };
                self.close(end);
            }
            Event::Scalar(text, style, anchor, _) => {
                let quoted = !matches!(style, TScalarStyle::Plain);
                let raw_len = match style {
                    TScalarStyle::Plain => text.len(),
                    TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => text.len() + 2,
                    _ => text.len(),
                };
                let end = ceil_boundary(self.source, at + raw_len);
                let node = Node { span: Span::new(at, end), kind: NodeKind::Scalar { text, quoted } };
                if anchor != 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push_node(node);
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().unwrap_or(Node {
                    span: Span::new(at, at + 1),
                    kind: NodeKind::Scalar { text: String::new(), quoted: false },
                });
                self.push_node(node);
            }
            _ => {}
        }
    }
}

/// The first character boundary at or after `i` (or the end of the text).
fn ceil_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Parses a spec file; returns the root node (when the file parses) and the problems found.
pub fn parse(file: &SourceFile) -> (Option<Node>, Vec<Diagnostic>) {
    let mut builder = Builder {
        source: file.text(),
        char_bytes: file.text().char_indices().map(|(i, _)| i).collect(),
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        diagnostics: Vec::new(),
        documents: 0,
    };
    let mut parser = Parser::new_from_str(file.text());
    if let Err(e) = parser.load(&mut builder, true) {
        let m = e.marker();
        let at = file.offset(m.line(), m.col() + 1);
        let mut diagnostics = builder.diagnostics;
        diagnostics.push(
            Diagnostic::error(codes::YAML_SYNTAX, format!("invalid YAML: {}", e.info()))
                .with_span(Some(Span::new(at, ceil_boundary(file.text(), at + 1))), "here")
                .with_help("check the indentation and quoting on this line and the one before it"),
        );
        return (None, diagnostics);
    }
    if builder.documents > 1 {
        builder.diagnostics.push(
            Diagnostic::error(codes::YAML_SYNTAX, "a spec file holds one document, this one has several")
                .with_help("split the documents into one file per platform"),
        );
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
}
