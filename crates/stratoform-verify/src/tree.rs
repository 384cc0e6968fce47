//! The rendered tree as read from disk: every text file by its path relative to DIR, and the
//! YAML documents of the Kubernetes files with the line each starts on.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};
use yaml_rust2::{Yaml, YamlLoader};

/// The files of a rendered tree.
#[derive(Debug, Default, Clone)]
pub struct Tree {
    files: BTreeMap<String, String>,
}

impl Tree {
    /// Reads every text file under `dir` (`.stratoform-manifest.json` and SVGs are skipped).
    pub fn read(dir: &Path) -> std::io::Result<Self> {
        if !dir.is_dir() {
            return Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("`{}` is not a directory", dir.display())));
        }
        let mut files = BTreeMap::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(d) = pending.pop() {
            for entry in std::fs::read_dir(&d)? {
                let path = entry?.path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                if rel.ends_with(".svg") || rel == ".stratoform-manifest.json" {
                    continue;
                }
                if let Ok(text) = std::fs::read_to_string(&path) {
                    files.insert(rel, text);
                }
            }
        }
        Ok(Self { files })
    }

    /// Writes every file under `dir` (a copy to plant a break in, for tests).
    pub fn write_to(&self, dir: &Path) -> std::io::Result<()> {
        for (rel, text) in &self.files {
            let p = dir.join(rel);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(p, text)?;
        }
        Ok(())
    }

    /// A tree from in-memory files (tests).
    pub fn from_files(files: impl IntoIterator<Item = (String, String)>) -> Self {
        Self { files: files.into_iter().collect() }
    }

    /// The text of a file.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Whether a file exists.
    pub fn has_file(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Whether a directory (a prefix of some file) exists.
    pub fn has_dir(&self, path: &str) -> bool {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        self.files.range(prefix.clone()..).next().is_some_and(|(k, _)| k.starts_with(&prefix))
    }

    /// The files directly in a directory.
    pub fn files_in(&self, dir: &str) -> Vec<&str> {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        self.files
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.as_str())
            .filter(|k| !k[prefix.len()..].contains('/'))
            .collect()
    }

    /// Every file path.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The first 1-based line of `path` at or after `from` that contains `needle`, else `from`.
    pub fn line_of(&self, path: &str, from: usize, needle: &str) -> usize {
        let Some(text) = self.get(path) else { return from };
        text.lines()
            .enumerate()
            .skip(from.saturating_sub(1))
            .find(|(_, l)| l.contains(needle))
            .map_or(from, |(i, _)| i + 1)
    }
}

/// One YAML document of a file.
#[derive(Debug, Clone)]
pub struct Doc {
    /// The file, relative to DIR.
    pub file: String,
    /// The 1-based line the document starts on.
    pub line: usize,
    /// The document as JSON.
    pub value: Value,
}

impl Doc {
    /// `kind`.
    pub fn kind(&self) -> &str {
        self.value.get("kind").and_then(Value::as_str).unwrap_or("")
    }
    /// The API group of `apiVersion` (empty for core).
    pub fn group(&self) -> &str {
        let v = self.value.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        v.rsplit_once('/').map_or("", |(g, _)| g)
    }
    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("")
    }
    /// `metadata.namespace`, when set.
    pub fn namespace(&self) -> Option<&str> {
        self.value.pointer("/metadata/namespace").and_then(Value::as_str)
    }
    /// An annotation.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.value.get("metadata")?.get("annotations")?.get(key)?.as_str()
    }
}

/// The documents of a YAML file, or the parser's message.
pub fn parse_yaml(file: &str, text: &str) -> Result<Vec<Doc>, String> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
    // Document start lines: the line after each `---`, or 1.
    let mut starts: Vec<usize> = text.lines().enumerate().filter(|(_, l)| l.trim_end() == "---").map(|(i, _)| i + 2).collect();
    if starts.len() < docs.len() {
        starts.insert(0, 1);
    }
    Ok(docs
        .iter()
        .enumerate()
        .filter(|(_, y)| !matches!(y, Yaml::Null))
        .map(|(i, y)| Doc { file: file.to_owned(), line: starts.get(i).copied().unwrap_or(1), value: to_json(y) })
        .collect())
}

/// A YAML value as JSON (keys become strings).
pub fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Real(s) => s.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(Value::String(s.clone()), Value::Number),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        Yaml::Hash(h) => {
            let mut m = Map::new();
            for (k, v) in h {
                let key = match k {
                    Yaml::String(s) | Yaml::Real(s) => s.clone(),
                    Yaml::Integer(i) => i.to_string(),
                    Yaml::Boolean(b) => b.to_string(),
                    _ => continue,
                };
                m.insert(key, to_json(v));
            }
            Value::Object(m)
        }
        _ => Value::Null,
    }
}

/// Joins a relative path onto a directory, resolving `.` and `..`.
pub fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if rel.starts_with('/') { Vec::new() } else { dir.split('/').filter(|s| !s.is_empty()).collect() };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_keep_their_start_lines() {
        let docs = parse_yaml("a.yaml", "# head\n---\nkind: A\n---\nkind: B\nx: 1\n").unwrap();
        assert_eq!(docs.iter().map(|d| (d.kind().to_owned(), d.line)).collect::<Vec<_>>(), [("A".to_owned(), 3), ("B".to_owned(), 5)]);
    }

    #[test]
    fn paths_join() {
        assert_eq!(join("kubernetes/main/overlays/dev/cluster", "../../../base/cluster"), "kubernetes/main/base/cluster");
        let t = Tree::from_files([("a/b/c.yaml".to_owned(), String::new())]);
        assert!(t.has_dir("a/b") && t.has_dir("a") && !t.has_dir("a/c"));
        assert_eq!(t.files_in("a/b"), ["a/b/c.yaml"]);
        assert!(t.files_in("a").is_empty());
    }
}
