//! Directory metadata across generations. The swap puts a new directory in place of every old
//! one — the output directory itself, the directories stratoform generates and those someone
//! made by hand, including directories that hold both — so each would come out with the mode
//! and owner of a fresh `mkdir`. Before the swap, every directory of the new generation that
//! existed in the old one gets the old one's mode, owner and group (where the process may set
//! them) and, when it holds the same names as before, its modification time.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;

use crate::scan::EntryKind;

/// Copies the metadata of every directory of `old` (the output directory and every directory
/// in `entries`, its scan) onto the same path in `new`, where that is a directory too. Deepest
/// first, so that a mode which shuts the process out of a directory is set after its children.
pub fn carry_dir_metadata(old: &Path, new: &Path, entries: &BTreeMap<String, EntryKind>) -> io::Result<()> {
    let dirs = entries.iter().filter(|(_, kind)| **kind == EntryKind::Dir).map(|(path, _)| path.as_str());
    for rel in dirs.rev().chain([""]) {
        let (from, to) = if rel.is_empty() { (old.to_owned(), new.to_owned()) } else { (old.join(rel), new.join(rel)) };
        if std::fs::symlink_metadata(&to).is_ok_and(|m| m.is_dir()) {
            let same_names = names(&from)? == names(&to)?;
            copy_dir_metadata(&from, &to, same_names)?;
        }
    }
    Ok(())
}

/// Gives `to` the modification and access times (when `times`), the owner and group (each
/// where the process may set it) and the mode of `from`, in that order: a change of owner may
/// clear mode bits, and a restrictive mode may stop the process from setting the times.
pub fn copy_dir_metadata(from: &Path, to: &Path, times: bool) -> io::Result<()> {
    let meta = std::fs::symlink_metadata(from)?;
    if times {
        let t = std::fs::FileTimes::new().set_modified(meta.modified()?).set_accessed(meta.accessed()?);
        std::fs::File::open(to)?.set_times(t)?;
    }
    let now = std::fs::symlink_metadata(to)?;
    if (now.uid(), now.gid()) != (meta.uid(), meta.gid()) {
        match std::os::unix::fs::chown(to, Some(meta.uid()), Some(meta.gid())) {
            Ok(()) => {}
            // Only root gives a directory away; the owner may still pick one of its groups.
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => match std::os::unix::fs::chown(to, None, Some(meta.gid())) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {}
                Err(e) => return Err(e),
            },
            Err(e) => return Err(e),
        }
    }
    std::fs::set_permissions(to, meta.permissions())
}

/// The names directly in a directory.
fn names(dir: &Path) -> io::Result<BTreeSet<std::ffi::OsString>> {
    std::fs::read_dir(dir)?.map(|e| e.map(|e| e.file_name())).collect()
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn copies_mode_and_times_of_a_directory() {
        let root = tempfile::tempdir().unwrap();
        let (old, new) = (root.path().join("old"), root.path().join("new"));
        std::fs::create_dir_all(old.join("keep")).unwrap();
        std::fs::create_dir_all(new.join("keep")).unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o2750)).unwrap();
        let past = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        std::fs::File::open(old.join("keep")).unwrap().set_times(std::fs::FileTimes::new().set_modified(past)).unwrap();
        std::fs::set_permissions(old.join("keep"), std::fs::Permissions::from_mode(0o700)).unwrap();

        carry_dir_metadata(&old, &new, &BTreeMap::from([("keep".to_owned(), EntryKind::Dir)])).unwrap();
        assert_eq!(mode(&new), 0o2750);
        assert_eq!(mode(&new.join("keep")), 0o700);
        assert_eq!(std::fs::metadata(new.join("keep")).unwrap().modified().unwrap(), past, "same names: same time");
    }

    #[test]
    fn a_directory_whose_names_changed_keeps_its_new_time() {
        let root = tempfile::tempdir().unwrap();
        let (old, new) = (root.path().join("old"), root.path().join("new"));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(new.join("added"), "").unwrap();
        let past = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        std::fs::File::open(&old).unwrap().set_times(std::fs::FileTimes::new().set_modified(past)).unwrap();
        carry_dir_metadata(&old, &new, &BTreeMap::new()).unwrap();
        assert_ne!(std::fs::metadata(&new).unwrap().modified().unwrap(), past);
    }

    #[test]
    fn copies_the_owner_when_root() {
        let root = tempfile::tempdir().unwrap();
        if std::fs::metadata(root.path()).unwrap().uid() != 0 {
            eprintln!("skip: giving a directory to another user needs root");
            return;
        }
        let (old, new) = (root.path().join("old"), root.path().join("new"));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::create_dir_all(&new).unwrap();
        std::os::unix::fs::chown(&old, Some(12345), Some(23456)).unwrap();
        copy_dir_metadata(&old, &new, false).unwrap();
        let m = std::fs::metadata(&new).unwrap();
        assert_eq!((m.uid(), m.gid()), (12345, 23456));
    }
}
