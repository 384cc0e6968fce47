//! What is in an output directory now, and which relative paths a tree may use.

use std::collections::BTreeMap;
use std::path::Path;

/// What a path in a directory is. Symlinks are never followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link (to anything).
    Symlink,
    /// A socket, FIFO or device.
    Other,
}

/// Every entry below `root` (not `root` itself), by `/`-separated relative path, sorted.
pub fn scan(root: &Path) -> std::io::Result<BTreeMap<String, EntryKind>> {
    let mut out = BTreeMap::new();
    walk(root, "", &mut out)?;
    Ok(out)
}

fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, EntryKind>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        let ft = entry.file_type()?;
        let kind = if ft.is_symlink() {
            EntryKind::Symlink
        } else if ft.is_dir() {
            EntryKind::Dir
        } else if ft.is_file() {
            EntryKind::File
        } else {
            EntryKind::Other
        };
        out.insert(rel.clone(), kind);
        if kind == EntryKind::Dir {
            walk(&entry.path(), &rel, out)?;
        }
    }
    Ok(())
}

/// Why a tree path cannot be written; `None` when it is a plain relative path.
pub fn invalid_path(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("it is empty");
    }
    if path.starts_with('/') {
        return Some("it is absolute");
    }
    if path.contains('\0') || path.contains('\\') {
        return Some("it contains a NUL byte or a backslash");
    }
    if path.split('/').any(|seg| seg.is_empty() || seg == "." || seg == "..") {
        return Some("it has an empty, `.` or `..` segment");
    }
    if path == crate::MANIFEST_FILE {
        return Some("it is the manifest's own name");
    }
    None
}

/// The parent directories of a relative path, shortest first (`a`, `a/b` for `a/b/c`).
pub fn parents(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_escaping_paths() {
        assert_eq!(invalid_path("terraform/main.tf"), None);
        assert!(invalid_path("../x").is_some());
        assert!(invalid_path("/etc/passwd").is_some());
        assert!(invalid_path("a//b").is_some());
        assert!(invalid_path(crate::MANIFEST_FILE).is_some());
    }

    #[test]
    fn lists_parents() {
        assert_eq!(parents("a/b/c").collect::<Vec<_>>(), ["a", "a/b"]);
        assert_eq!(parents("c").count(), 0);
    }
}
