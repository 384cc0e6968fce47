//! A small Markdown writer: headings, paragraphs and tables whose cells are escaped.

use std::fmt::Write;

/// A Markdown document under construction.
pub(crate) struct Doc {
    out: String,
}

/// A table: a header row and rows of cells.
pub(crate) struct Table {
    head: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(head: &[&str]) -> Self {
        Self { head: head.iter().map(|h| (*h).to_owned()).collect(), rows: Vec::new() }
    }
    pub fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.head.len());
        self.rows.push(cells);
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Escapes a table cell: pipes and newlines would break the row.
pub(crate) fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Inline code, with backticks in the text doubled around.
pub(crate) fn code(text: &str) -> String {
    if text.contains('`') { format!("`` {text} ``") } else { format!("`{text}`") }
}

impl Doc {
    /// A document with the generated-file header and a title.
    pub fn new(header: &str, title: &str) -> Self {
        let mut out = String::new();
        let _ = writeln!(out, "<!-- {header} -->\n\n# {title}\n");
        Self { out }
    }
    pub fn h2(&mut self, text: &str) {
        let _ = writeln!(self.out, "## {text}\n");
    }
    pub fn h3(&mut self, text: &str) {
        let _ = writeln!(self.out, "### {text}\n");
    }
    pub fn para(&mut self, text: &str) {
        let _ = writeln!(self.out, "{}\n", text.trim());
    }
    pub fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }
    pub fn table(&mut self, t: &Table) {
        let _ = writeln!(self.out, "| {} |", t.head.join(" | "));
        let _ = writeln!(self.out, "|{}", "---|".repeat(t.head.len()));
        for r in &t.rows {
            let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
            let _ = writeln!(self.out, "| {} |", cells.join(" | "));
        }
        self.out.push('\n');
    }
    pub fn mermaid(&mut self, source: &str) {
        let _ = writeln!(self.out, "```mermaid\n{}```\n", source);
    }
    pub fn finish(self) -> String {
        let mut s = self.out;
        while s.ends_with("\n\n") {
            s.pop();
        }
        s
    }
}

/// An enum value as the spec spells it (`whenEmptyOrUnderutilized`, `route53`).
pub(crate) fn spec_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}
