//! The output directory as it is before a write: whether the paths can be written at all, its
//! manifest and entries, and which generated files are still as they were generated.

use std::collections::BTreeMap;
use std::path::Path;

use super::WriteError;
use crate::manifest::{sha256, Manifest, MANIFEST_FILE};
use crate::scan::{invalid_path, parents, scan, EntryKind};
use crate::OutputTree;

pub(super) fn check_paths(dir: &Path, tree: &OutputTree) -> Result<(), WriteError> {
    if dir.file_name().is_none() {
        return Err(WriteError::InvalidDir { dir: dir.to_owned(), reason: "give the output a directory of its own, such as `out/`" });
    }
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(WriteError::InvalidDir { dir: dir.to_owned(), reason: "it is a symlink; pass the directory it points to" });
    }
    if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(WriteError::InvalidDir { dir: dir.to_owned(), reason: "it is a file, not a directory" });
    }
    for (path, _) in tree.iter() {
        if let Some(reason) = invalid_path(path) {
            return Err(WriteError::InvalidPath { path: path.to_owned(), reason });
        }
        if parents(path).any(|p| tree.get(p).is_some()) {
            return Err(WriteError::InvalidPath { path: path.to_owned(), reason: "a parent of it is a file of the same tree" });
        }
    }
    Ok(())
}

pub(super) type Entries = BTreeMap<String, EntryKind>;

/// The manifest and entries of the output directory as it is (empty when it does not exist).
pub(super) fn current(dir: &Path) -> Result<(Manifest, Entries), WriteError> {
    if !dir.exists() {
        return Ok((Manifest::new("", BTreeMap::new()), Entries::new()));
    }
    let manifest = Manifest::read(dir)
        .map_err(|source| WriteError::ReadManifest { dir: dir.to_owned(), source })?
        .unwrap_or_else(|| Manifest::new("", BTreeMap::new()));
    let mut entries = scan(dir).map_err(|source| WriteError::Scan { dir: dir.to_owned(), source })?;
    entries.remove(MANIFEST_FILE);
    Ok((manifest, entries))
}

/// The digests of the files on disk that the manifest says were generated.
pub(super) fn generated_digests(dir: &Path, manifest: &Manifest, entries: &Entries) -> Result<BTreeMap<String, String>, WriteError> {
    let mut out = BTreeMap::new();
    for path in manifest.files.keys() {
        if entries.get(path.as_str()) == Some(&EntryKind::File) {
            let bytes = std::fs::read(dir.join(path)).map_err(|source| WriteError::Scan { dir: dir.to_owned(), source })?;
            out.insert(path.clone(), sha256(&bytes));
        }
    }
    Ok(out)
}

/// Whether `path` is a file the manifest records and nobody edited since (its bytes on disk have
/// the recorded digest).
pub(super) fn unedited(manifest: &Manifest, disk: &BTreeMap<String, String>, path: &str) -> bool {
    manifest.contains(path) && disk.get(path) == manifest.files.get(path)
}

