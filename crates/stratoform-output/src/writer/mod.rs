//! Writes an [`OutputTree`] into a directory deterministically and atomically.
//!
//! The new generation is built complete in a sibling staging directory: every file of the tree,
//! every file of the old directory that stratoform did not generate (hard-linked, or copied
//! where links fail), and the manifest. Then the staging directory and the output directory
//! trade places (see [`crate::swap`]) and the previous generation is removed. A run that fails
//! or dies before the swap leaves the output directory as it was; the next run clears what it
//! left behind. A file whose contents are unchanged is hard-linked from the previous generation
//! instead of written again, so only what changed is new data; when nothing changes at all (every
//! file and the manifest already as they would be written), the output is left as it is. Before anything is written, every path the tree needs is checked: a file that
//! stratoform did not generate, or a generated file edited since, is never overwritten or
//! deleted — the write is refused and nothing changes. Directories that existed before keep
//! their mode and owner across the swap (see [`crate::metadata`]).
//!
//! Durability: by default ([`Flush::Written`]) every file this run wrote (new and changed
//! files, the manifest) and every directory of the new generation is flushed with `fsync`, several
//! at a time, before the swap, and the parent directory after it. Nothing else on the disk is
//! waited for. [`Flush::FileSystem`] (`render --durable`) flushes the whole file system with one
//! `syncfs` instead, as earlier versions always did.
//!
//! - `mod.rs`: [`write`] and [`write_with`], one generation from checks to swap
//! - `errors`: the [`WriteError`]s and the [`Conflict`]s that refuse a write
//! - `options`: [`WriteOptions`], [`Flush`] and the [`WriteReport`]
//! - `previous`: the output directory as it is: path checks, manifest, entries, digests
//! - `staging`: building the staging directory: writing, carrying over, flushing

mod errors;
mod options;
mod previous;
mod staging;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use crate::manifest::{sha256, Manifest, MANIFEST_FILE};
use crate::metadata::carry_dir_metadata;
use crate::scan::{parents, EntryKind};
use crate::swap::{self, Recovery};
use crate::OutputTree;

pub use errors::{Conflict, ConflictKind, WriteError};
pub use options::{Flush, WriteOptions, WriteReport};

use previous::{check_paths, current, generated_digests, unedited};
use staging::{carry_over, directories, fsync_all, put, put_all, Made};

/// Writes `tree` into `dir`, recording `spec` as its source: the spec's path relative to `dir`
/// ([`crate::spec_from_output`]), so that the manifest is the same from any working directory.
pub fn write(dir: &Path, tree: &OutputTree, spec: &str) -> Result<WriteReport, WriteError> {
    write_with(dir, tree, spec, &WriteOptions::default())
}

/// [`write`] with options.
pub fn write_with(dir: &Path, tree: &OutputTree, spec: &str, options: &WriteOptions) -> Result<WriteReport, WriteError> {
    check_paths(dir, tree)?;
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| WriteError::Scan { dir: parent.to_owned(), source })?;
    }
    let recovery = swap::recover(dir).map_err(|source| WriteError::Recover { dir: dir.to_owned(), source })?;
    let (manifest, entries) = current(dir)?;
    let disk = generated_digests(dir, &manifest, &entries)?;

    let mut conflicts = Vec::new();
    let mut report = WriteReport { recovery: (recovery != Recovery::Nothing).then_some(recovery), ..Default::default() };
    // Each file's digest, computed once; generated files whose contents stay the same.
    let digests: BTreeMap<&str, String> = tree.iter().map(|(path, contents)| (path, sha256(contents.as_bytes()))).collect();
    let mut same: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (path, _) in tree.iter() {
        match entries.get(path) {
            None => report.added.push(path.to_owned()),
            Some(EntryKind::File) => match (manifest.files.get(path), disk.get(path)) {
                (Some(recorded), Some(actual)) if recorded == actual => {
                    if *actual == digests[path] {
                        report.unchanged += 1;
                        same.insert(path);
                    } else {
                        report.changed.push(path.to_owned());
                    }
                }
                (Some(_), _) => conflicts.push(Conflict { path: path.to_owned(), kind: ConflictKind::Edited }),
                (None, _) => conflicts.push(Conflict { path: path.to_owned(), kind: ConflictKind::HandWritten }),
            },
            Some(_) => conflicts.push(Conflict { path: path.to_owned(), kind: ConflictKind::NotAFile }),
        }
        for parent in parents(path) {
            let generated_file = unedited(&manifest, &disk, parent);
            if matches!(entries.get(parent), Some(k) if *k != EntryKind::Dir) && !generated_file {
                conflicts.push(Conflict { path: parent.to_owned(), kind: ConflictKind::NotAFile });
            }
        }
    }
    for (path, recorded) in &manifest.files {
        if tree.get(path).is_some() || entries.get(path.as_str()) != Some(&EntryKind::File) {
            continue;
        }
        if disk.get(path) == Some(recorded) {
            report.removed.push(path.clone());
        } else {
            conflicts.push(Conflict { path: path.clone(), kind: ConflictKind::Edited });
        }
    }
    if !conflicts.is_empty() {
        conflicts.sort_by(|a, b| a.path.cmp(&b.path));
        conflicts.dedup();
        return Err(WriteError::Refused { dir: dir.to_owned(), conflicts });
    }

    // The manifest of the new generation, built once from the digests.
    let files: BTreeMap<String, String> = digests.iter().map(|(p, d)| ((*p).to_owned(), d.clone())).collect();
    let new_manifest = Manifest::new(spec, files).to_json();
    if report.added.is_empty() && report.changed.is_empty() && report.removed.is_empty() && recovery == Recovery::Nothing && dir.exists() {
        // Nothing to change: every generated file is there with these bytes. When the manifest
        // says the same too, the output stays as it is: no new generation, no swap.
        let current = std::fs::read(dir.join(MANIFEST_FILE)).ok();
        if current.as_deref() == Some(new_manifest.as_bytes()) {
            report.kept = entries
                .iter()
                .filter(|(path, kind)| **kind == EntryKind::File && !unedited(&manifest, &disk, path))
                .map(|(path, _)| path.clone())
                .collect();
            if options.flush == Flush::FileSystem {
                let flushed = std::fs::File::open(dir).and_then(|fd| rustix::fs::syncfs(&fd).map_err(std::io::Error::from));
                flushed.map_err(|source| WriteError::Swap { dir: dir.to_owned(), source })?;
            }
            return Ok(report);
        }
    }

    let staging = swap::siblings(dir).staging;
    let stage = || -> std::io::Result<Vec<String>> {
        std::fs::create_dir(&staging)?;
        // Private while it is built; before the swap it gets the output directory's own mode,
        // or that of a fresh directory when there is none yet.
        let fresh = std::fs::metadata(&staging)?.permissions();
        std::fs::set_permissions(&staging, std::fs::Permissions::from_mode(0o700))?;
        let mut made = Made::default();
        let mut fresh_files: Vec<(PathBuf, &str)> = Vec::new();
        for (path, contents) in tree.iter() {
            let to = staging.join(path);
            made.parent_of(&to)?;
            // The same bytes as the previous generation's file: share its inode.
            if !(same.contains(path) && std::fs::hard_link(dir.join(path), &to).is_ok()) {
                fresh_files.push((to, contents));
            }
        }
        // New and changed files, several at a time; with `Flush::Written` each is flushed as
        // it is written, while its descriptor is open.
        put_all(&fresh_files, options.flush == Flush::Written)?;
        let mut written: Vec<PathBuf> = Vec::new();
        let kept = carry_over(dir, &staging, &manifest, &disk, &entries, &mut written)?;
        let manifest_path = staging.join(MANIFEST_FILE);
        put(&manifest_path, new_manifest.as_bytes())?;
        written.push(manifest_path);
        if dir.exists() {
            carry_dir_metadata(dir, &staging, &entries)?;
        } else {
            std::fs::set_permissions(&staging, fresh)?;
        }
        match options.flush {
            Flush::None => {}
            Flush::Written => {
                // Every directory of the generation is new (carried-over ones too), so each
                // is flushed for its entries; the files written above are flushed already, the
                // manifest and the copies of files stratoform did not generate are not.
                written.extend(directories(&staging)?);
                fsync_all(&written)?;
            }
            Flush::FileSystem => {
                let fd = std::fs::File::open(&staging)?;
                rustix::fs::syncfs(&fd)?;
            }
        }
        Ok(kept)
    };
    report.kept = match stage() {
        Ok(kept) => kept,
        Err(source) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(WriteError::Stage { staging, source });
        }
    };
    if options.die_before_swap {
        return Err(WriteError::Stage { staging, source: std::io::Error::other("stopped before the swap") });
    }
    let (method, previous) = match swap::swap(&staging, dir, options.exchange) {
        Ok(done) => done,
        Err(source) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(WriteError::Swap { dir: dir.to_owned(), source });
        }
    };
    report.method = Some(method);
    if options.flush == Flush::Written
        && let Some(parent) = dir.parent()
    {
        // The swap is an entry of the parent directory: flush it so the new generation stays.
        let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
        if let Err(source) = std::fs::File::open(parent).and_then(|f| f.sync_all()) {
            return Err(WriteError::Swap { dir: dir.to_owned(), source });
        }
    }
    if let Some(previous) = previous
        && std::fs::remove_dir_all(&previous).is_err()
    {
        report.leftover = Some(previous);
    }
    Ok(report)
}
