//! Building the new generation in the staging directory: writing files, carrying over what
//! stratoform did not generate, and flushing what this run wrote.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::previous::{unedited, Entries};
use crate::manifest::Manifest;
use crate::scan::EntryKind;

/// Writes a new file into an existing directory (flushed to disk later, see [`Flush`]).
pub(super) fn put(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)
}

/// Writes every file into its existing directory, [`FLUSHERS`] at a time (or two when nothing is
/// flushed: then the CPU, not the disk, is what they wait for); `flush`: each is flushed to disk
/// before its descriptor is closed.
pub(super) fn put_all(files: &[(PathBuf, &str)], flush: bool) -> std::io::Result<()> {
    let threads = if flush { FLUSHERS } else { 2 };
    in_parallel(files.len(), threads, |i| {
        let (path, contents) = &files[i];
        let mut f = std::fs::File::create(path)?;
        f.write_all(contents.as_bytes())?;
        if flush { f.sync_all() } else { Ok(()) }
    })
}

/// Runs `job(0..count)` on up to `threads` threads; the first error is returned.
fn in_parallel(count: usize, threads: usize, job: impl Fn(usize) -> std::io::Result<()> + Sync) -> std::io::Result<()> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || -> std::io::Result<()> {
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if i >= count {
                return Ok(());
            }
            job(i)?;
        }
    };
    if count <= 1 || threads <= 1 {
        return work();
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(count)).map(|_| scope.spawn(work)).collect();
        workers.into_iter().try_for_each(|w| w.join().unwrap_or_else(|_| Err(std::io::Error::other("a writer thread panicked"))))
    })
}

/// The directories made so far, so each file's parents are created with one call at most.
#[derive(Default)]
pub(super) struct Made(std::collections::HashSet<PathBuf>);

impl Made {
    pub(super) fn parent_of(&mut self, path: &Path) -> std::io::Result<()> {
        if let Some(parent) = path.parent()
            && !self.0.contains(parent)
        {
            std::fs::create_dir_all(parent)?;
            self.0.insert(parent.to_owned());
        }
        Ok(())
    }
}

/// `root` and every directory below it.
pub(super) fn directories(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = vec![root.to_owned()];
    let mut next = 0;
    while next < out.len() {
        for entry in std::fs::read_dir(&out[next])? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                out.push(entry.path());
            }
        }
        next += 1;
    }
    Ok(out)
}

/// How many `fsync` calls run at once: the disk, not the CPU, is what they wait for, and
/// concurrent flushes share the file system's journal commits.
const FLUSHERS: usize = 16;

/// Flushes every path (files and directories) to disk, [`FLUSHERS`] at a time.
pub(super) fn fsync_all(paths: &[PathBuf]) -> std::io::Result<()> {
    in_parallel(paths.len(), FLUSHERS, |i| std::fs::File::open(&paths[i])?.sync_all())
}

/// Carries every entry stratoform did not generate into the staging directory (hard links where
/// the file system allows, copies listed in `copied` elsewhere); returns the files.
pub(super) fn carry_over(
    dir: &Path,
    staging: &Path,
    manifest: &Manifest,
    disk: &BTreeMap<String, String>,
    entries: &Entries,
    copied: &mut Vec<PathBuf>,
) -> std::io::Result<Vec<String>> {
    let mut kept = Vec::new();
    for (path, kind) in entries {
        let (from, to) = (dir.join(path), staging.join(path));
        let generated = *kind == EntryKind::File && unedited(manifest, disk, path);
        if generated {
            continue;
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match kind {
            EntryKind::Dir => {
                let prefix = format!("{path}/");
                let empty = entries.range(prefix.clone()..).next().is_none_or(|(k, _)| !k.starts_with(&prefix));
                if empty {
                    std::fs::create_dir_all(&to)?;
                }
            }
            EntryKind::Symlink => std::os::unix::fs::symlink(std::fs::read_link(&from)?, &to)?,
            EntryKind::File => {
                if std::fs::hard_link(&from, &to).is_err() {
                    // A copy is new data, flushed with what this run wrote.
                    std::fs::copy(&from, &to)?;
                    copied.push(to);
                }
                kept.push(path.clone());
            }
            EntryKind::Other => std::fs::hard_link(&from, &to)?,
        }
    }
    Ok(kept)
}
