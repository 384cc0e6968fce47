//! Building the YAML tree from the parser's events, on an explicit stack: spans, duplicate
//! keys, and the limits on depth, values, aliases, scalar length and documents, checked as the
//! events arrive.

use std::collections::HashMap;

use stratoform_diagnostics::{codes, Diagnostic, Span};
use yaml_rust2::parser::Event;
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::{ceil_boundary, CharIndex, Node, NodeKind};
use crate::limits::{bytes, count, Limits};

/// What a node weighs against the limits.
#[derive(Clone, Copy, Debug, Default)]
struct Size {
    /// Values in it, itself included, aliases expanded.
    values: usize,
    /// Bytes of scalar text in it.
    text: usize,
    /// Collections nested in it, itself included (0 for a scalar).
    height: usize,
}

enum Items {
    Map { entries: Vec<(String, Span, Node)>, pending_key: Option<(String, Span)> },
    Seq(Vec<Node>),
}

/// An open collection.
struct Frame {
    start: usize,
    anchor: usize,
    items: Items,
    /// What its items weigh so far.
    inside: Size,
}

/// How many levels of a spec path a limit's diagnostic names.
const PATH_LEVELS: usize = 12;

/// Why the parse stopped early.
pub(super) type Stop = Box<Diagnostic>;

/// The tree being built and what it weighs so far.
pub(super) struct Builder<'a> {
    source: &'a str,
    pub(super) chars: CharIndex<'a>,
    limits: &'a Limits,
    stack: Vec<Frame>,
    pub(super) root: Option<Node>,
    anchors: HashMap<usize, (Node, Size)>,
    pub(super) diagnostics: Vec<Diagnostic>,
    documents: usize,
    /// Values so far, aliases expanded.
    values: usize,
    aliases: usize,
    alias_values: usize,
    alias_bytes: usize,
}

impl<'a> Builder<'a> {
    pub(super) fn new(source: &'a str, limits: &'a Limits) -> Self {
        Builder {
            source,
            chars: CharIndex::new(source),
            limits,
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            diagnostics: Vec::new(),
            documents: 0,
            values: 0,
            aliases: 0,
            alias_values: 0,
            alias_bytes: 0,
        }
    }

    fn push_node(&mut self, node: Node, size: Size) {
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return;
        };
        frame.inside.values += size.values;
        frame.inside.text += size.text;
        frame.inside.height = frame.inside.height.max(size.height);
        match &mut frame.items {
            Items::Seq(items) => items.push(node),
            Items::Map { entries, pending_key } => match pending_key.take() {
                Some((key, key_span)) => entries.push((key, key_span, node)),
                None => {
                    let key = match node.kind {
                        NodeKind::Scalar { text, .. } => text,
                        _ => {
                            self.diagnostics.push(
                                Diagnostic::error(codes::YAML_SYNTAX, "a mapping key must be a plain string")
                                    .with_span(Some(node.span), "complex key")
                                    .with_help("write the key as a plain scalar"),
                            );
                            String::from("<complex key>")
                        }
                    };
                    *pending_key = Some((key, node.span));
                }
            },
        }
    }

    fn open(&mut self, at: usize, anchor: usize, items: Items) -> Result<(), Stop> {
        if self.stack.len() >= self.limits.depth {
            let d = Diagnostic::error(
                codes::NESTING_TOO_DEEP,
                format!("mappings and sequences nest more than {} deep here", self.limits.depth),
            )
            .with_path(self.path())
            .with_span(Some(self.span_at(at)), format!("level {}", self.stack.len() + 1))
            .with_help("flatten this value; no spec field nests anywhere near this deep");
            return Err(Box::new(d));
        }
        self.count_values(at, 1)?;
        self.stack.push(Frame { start: at, anchor, items, inside: Size::default() });
        Ok(())
    }

    fn close(&mut self, end: usize) {
        let Some(frame) = self.stack.pop() else { return };
        let span = Span::new(frame.start, end.max(frame.start));
        let kind = match frame.items {
            Items::Map { entries, .. } => {
                self.report_duplicates(&entries);
                NodeKind::Map(entries)
            }
            Items::Seq(items) => NodeKind::Seq(items),
        };
        let node = Node { span, kind };
        let size = Size { values: frame.inside.values + 1, text: frame.inside.text, height: frame.inside.height + 1 };
        if frame.anchor != 0 {
            self.anchors.insert(frame.anchor, (node.clone(), size));
        }
        self.push_node(node, size);
    }

    /// Reports every key written twice in a mapping; sorting keeps a large mapping cheap.
    fn report_duplicates(&mut self, entries: &[(String, Span, Node)]) {
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by(|&a, &b| entries[a].0.cmp(&entries[b].0).then(a.cmp(&b)));
        // Equal keys are adjacent, the first written first: every repeat points at that one.
        let mut first = None;
        for &i in &order {
            let again = &entries[i];
            match first.map(|f: usize| &entries[f]) {
                Some(first) if first.0 == again.0 => self.diagnostics.push(
                    Diagnostic::error(codes::DUPLICATE_KEY, format!("duplicate key `{}`", again.0))
                        .with_span(Some(again.1), "written again here")
                        .with_secondary(Some(first.1), "first written here")
                        .with_help("remove one of the two; YAML keeps only one and stratoform will not guess which"),
                ),
                _ => first = Some(i),
            }
        }
    }

    fn frame_start(&self) -> Option<usize> {
        self.stack.last().map(|f| f.start)
    }

    fn last_end(&self) -> usize {
        let end = self.stack.last().and_then(|f| match &f.items {
            Items::Map { entries, .. } => entries.last().map(|(_, _, n)| n.span.end),
            Items::Seq(items) => items.last().map(|n| n.span.end),
        });
        end.unwrap_or(0)
    }

    /// The 1-based line of a byte offset.
    fn line_of(&self, at: usize) -> usize {
        self.source.as_bytes()[..at.min(self.source.len())].iter().filter(|&&b| b == b'\n').count() + 1
    }

    /// A one-character span at a byte offset.
    fn span_at(&self, at: usize) -> Span {
        Span::new(at, ceil_boundary(self.source, at + 1))
    }

    /// The spec path of the value being read; past [`PATH_LEVELS`] levels, `…`.
    fn path(&self) -> String {
        let mut pointer = String::new();
        for frame in self.stack.iter().take(PATH_LEVELS) {
            pointer.push('/');
            match &frame.items {
                Items::Map { pending_key: Some((key, _)), .. } => pointer.push_str(&crate::tree::escape(key)),
                Items::Map { .. } => pointer.push('?'),
                Items::Seq(items) => pointer.push_str(&items.len().to_string()),
            }
        }
        let path = crate::tree::spec_path(&pointer);
        if self.stack.len() > PATH_LEVELS { path + "…" } else { path }
    }

    fn count_values(&mut self, at: usize, n: usize) -> Result<(), Stop> {
        self.values = self.values.saturating_add(n);
        if self.values <= self.limits.values {
            return Ok(());
        }
        let d = Diagnostic::error(
            codes::TOO_MANY_VALUES,
            format!("the document holds more than {} values", count(self.limits.values)),
        )
        .with_span(Some(self.span_at(at)), "the limit is passed here")
        .with_help("a spec this large is not one stratoform can check; split the platform into several specs");
        Err(Box::new(d))
    }

    fn scalar(&mut self, at: usize, text: String, style: TScalarStyle, anchor: usize) -> Result<(), Stop> {
        if text.len() > self.limits.scalar_bytes {
            let what = match self.stack.last().map(|f| &f.items) {
                Some(Items::Map { pending_key: None, .. }) => "key",
                _ => "value",
            };
            let d = Diagnostic::error(
                codes::TOO_LONG,
                format!("a {what} of {} is longer than the {} a scalar may hold", bytes(text.len()), bytes(self.limits.scalar_bytes)),
            )
            .with_path(self.path())
            .with_span(Some(self.span_at(at)), format!("this {what} starts here"))
            .with_help("shorten it; no spec field takes a value anywhere near this long");
            return Err(Box::new(d));
        }
        self.count_values(at, 1)?;
        let quoted = !matches!(style, TScalarStyle::Plain);
        let raw_len = match style {
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => text.len() + 2,
            _ => text.len(),
        };
        let end = ceil_boundary(self.source, at + raw_len);
        let size = Size { values: 1, text: text.len(), height: 0 };
        let node = Node { span: Span::new(at, end), kind: NodeKind::Scalar { text, quoted } };
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        self.push_node(node, size);
        Ok(())
    }

    fn alias(&mut self, at: usize, id: usize) -> Result<(), Stop> {
        let Some((node, size)) = self.anchors.get(&id) else {
            // An alias inside its own anchor: the parser knows the name, the value is not built yet.
            self.count_values(at, 1)?;
            let node = Node { span: self.span_at(at), kind: NodeKind::Scalar { text: String::new(), quoted: false } };
            self.push_node(node, Size { values: 1, text: 0, height: 0 });
            return Ok(());
        };
        let (anchored_at, size) = (node.span, *size);
        self.aliases += 1;
        self.alias_values = self.alias_values.saturating_add(size.values);
        self.alias_bytes = self.alias_bytes.saturating_add(size.text);
        let limits = self.limits;
        let name = || alias_name(self.source, at);
        let over = if self.aliases > limits.aliases {
            Some(format!("more than {} aliases are used", count(limits.aliases)))
        } else if self.alias_values > limits.alias_values {
            Some(format!("alias `{}` makes aliases add more than {} values to the document", name(), count(limits.alias_values)))
        } else if self.alias_bytes > limits.alias_bytes {
            Some(format!("alias `{}` makes aliases add more than {} of text to the document", name(), bytes(limits.alias_bytes)))
        } else {
            None
        };
        if let Some(message) = over {
            // The anchored value is named by its line, not labelled: it may be a long one.
            let anchored_line = count(self.line_of(anchored_at.start));
            let d = Diagnostic::error(codes::ALIAS_EXPANSION, message)
                .with_path(self.path())
                .with_span(
                    Some(self.span_at(at)),
                    format!("this alias adds {} values and {} (the value it repeats is on line {anchored_line})", count(size.values), bytes(size.text)),
                )
                .with_help("write the repeated value out, or repeat less of it; a small file that expands to a huge document is a YAML bomb");
            return Err(Box::new(d));
        }
        if self.stack.len() + size.height > limits.depth {
            let anchored_line = count(self.line_of(anchored_at.start));
            let d = Diagnostic::error(
                codes::NESTING_TOO_DEEP,
                format!("alias `{}` nests mappings and sequences more than {} deep here", name(), limits.depth),
            )
            .with_path(self.path())
            .with_span(
                Some(self.span_at(at)),
                format!("adds {} levels below level {} (the value it repeats is on line {anchored_line})", size.height, self.stack.len()),
            )
            .with_help("flatten the repeated value, or use it less deep; no spec field nests anywhere near this deep");
            return Err(Box::new(d));
        }
        self.count_values(at, size.values)?;
        // Within the limits just checked, so the copy is bounded.
        let node = self.anchors[&id].0.clone();
        self.push_node(node, size);
        Ok(())
    }

    /// Takes one event; a limit passed stops the parse with its diagnostic.
    pub(super) fn on_event(&mut self, ev: Event, mark: Marker) -> Result<(), Stop> {
        let at = self.chars.byte(mark.index());
        match ev {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > self.limits.documents {
                    let d = Diagnostic::error(
                        codes::TOO_MANY_DOCUMENTS,
                        match self.limits.documents {
                            1 => "a spec file holds one YAML document, and another one starts here".to_owned(),
                            n => format!("a spec file holds at most {} YAML documents, and another one starts here", count(n)),
                        },
                    )
                    .with_span(Some(self.span_at(at)), format!("document {}", self.documents))
                    .with_help("remove the `---` line, or split the documents into one file per platform");
                    return Err(Box::new(d));
                }
            }
            Event::MappingStart(anchor, _) => {
                self.open(at, anchor, Items::Map { entries: Vec::new(), pending_key: None })?;
            }
            Event::SequenceStart(anchor, _) => self.open(at, anchor, Items::Seq(Vec::new()))?,
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
            Event::Scalar(text, style, anchor, _) => self.scalar(at, text, style, anchor)?,
            Event::Alias(id) => self.alias(at, id)?,
            _ => {}
        }
        Ok(())
    }
}

/// The `*name` written at a byte offset.
fn alias_name(source: &str, at: usize) -> String {
    let rest = source.get(at..).unwrap_or_default();
    rest.chars().enumerate().take_while(|&(i, c)| i == 0 || !(c.is_whitespace() || ",[]{}".contains(c))).take(64).map(|(_, c)| c).collect()
}
