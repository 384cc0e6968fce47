//! An in-memory tree of generated files, keyed by relative path in sorted order.

use std::collections::BTreeMap;

/// Generated files by relative path (`/`-separated), in sorted order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutputTree {
    files: BTreeMap<String, String>,
}

impl OutputTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a file; a later insert at the same path replaces the earlier one.
    pub fn insert(&mut self, path: impl Into<String>, contents: impl Into<String>) {
        self.files.insert(path.into(), contents.into());
    }
    /// Adds every file of another tree under a prefix (`prefix/path`).
    pub fn merge_under(&mut self, prefix: &str, other: OutputTree) {
        for (p, c) in other.files {
            let path = if prefix.is_empty() { p } else { format!("{}/{p}", prefix.trim_end_matches('/')) };
            self.files.insert(path, c);
        }
    }
    /// A file's contents.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }
    /// Every file, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, c)| (p.as_str(), c.as_str()))
    }
    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }
    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
