//! Swapping a finished generation into place. On Linux the staging directory and the output
//! directory trade places in one `renameat2(RENAME_EXCHANGE)`; where the file system does not
//! support that, two renames do the job and a run that dies between them is repaired by
//! [`recover`] on the next run. Either way a reader sees the whole old or the whole new tree.

use std::io;
use std::path::{Path, PathBuf};

/// The sibling directories a write uses next to `DIR`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Siblings {
    /// `.DIR.stratoform-staging`: the new generation while it is built.
    pub staging: PathBuf,
    /// `.DIR.stratoform-old`: the previous generation between the two renames of the fallback.
    pub old: PathBuf,
}

/// The sibling directories of an output directory.
pub fn siblings(dir: &Path) -> Siblings {
    let name = dir.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let parent = dir.parent().unwrap_or(Path::new(""));
    Siblings {
        staging: parent.join(format!(".{name}.stratoform-staging")),
        old: parent.join(format!(".{name}.stratoform-old")),
    }
}

/// What [`recover`] found from an earlier, interrupted run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recovery {
    /// Nothing was left over.
    Nothing,
    /// A run died between the fallback's two renames; the previous output was put back.
    RestoredPrevious,
    /// A staging or old directory was left over and removed; `DIR` was complete.
    RemovedLeftovers,
}

/// Repairs what an interrupted run left next to `dir`.
pub fn recover(dir: &Path) -> io::Result<Recovery> {
    let s = siblings(dir);
    let mut outcome = Recovery::Nothing;
    if exists(&s.old)? {
        if exists(dir)? {
            std::fs::remove_dir_all(&s.old)?;
            outcome = Recovery::RemovedLeftovers;
        } else {
            std::fs::rename(&s.old, dir)?;
            outcome = Recovery::RestoredPrevious;
        }
    }
    if exists(&s.staging)? {
        std::fs::remove_dir_all(&s.staging)?;
        if outcome == Recovery::Nothing {
            outcome = Recovery::RemovedLeftovers;
        }
    }
    Ok(outcome)
}

/// How the generations were swapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `DIR` did not exist; one rename.
    Rename,
    /// One atomic exchange.
    Exchange,
    /// Two renames (the file system cannot exchange).
    TwoRenames,
}

/// Puts `staging` in place of `dir`. Returns how, and where the previous generation now is
/// (to be removed by the caller), if there was one.
pub fn swap(staging: &Path, dir: &Path, try_exchange: bool) -> io::Result<(Method, Option<PathBuf>)> {
    if !exists(dir)? {
        std::fs::rename(staging, dir)?;
        return Ok((Method::Rename, None));
    }
    if try_exchange {
        match rustix::fs::renameat_with(rustix::fs::CWD, staging, rustix::fs::CWD, dir, rustix::fs::RenameFlags::EXCHANGE) {
            Ok(()) => return Ok((Method::Exchange, Some(staging.to_owned()))),
            Err(e) if [rustix::io::Errno::INVAL, rustix::io::Errno::NOSYS, rustix::io::Errno::OPNOTSUPP].contains(&e) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let old = siblings(dir).old;
    std::fs::rename(dir, &old)?;
    if let Err(e) = std::fs::rename(staging, dir) {
        // Put the previous generation back before reporting.
        std::fs::rename(&old, dir)?;
        return Err(e);
    }
    Ok((Method::TwoRenames, Some(old)))
}

fn exists(path: &Path) -> io::Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(root: &Path, name: &str, file: &str) -> PathBuf {
        let d = root.join(name);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("f"), file).unwrap();
        d
    }

    #[test]
    fn exchange_and_fallback_both_swap() {
        for try_exchange in [true, false] {
            let root = tempfile::tempdir().unwrap();
            let dir = dir_with(root.path(), "out", "old");
            let staging = dir_with(root.path(), ".out.stratoform-staging", "new");
            let (method, previous) = swap(&staging, &dir, try_exchange).unwrap();
            assert_eq!(std::fs::read_to_string(dir.join("f")).unwrap(), "new");
            let previous = previous.unwrap();
            assert_eq!(std::fs::read_to_string(previous.join("f")).unwrap(), "old");
            if !try_exchange {
                assert_eq!(method, Method::TwoRenames);
            }
        }
    }

    #[test]
    fn recovers_a_run_that_died_between_the_renames() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        let s = siblings(&dir);
        dir_with(root.path(), ".out.stratoform-old", "previous");
        dir_with(root.path(), ".out.stratoform-staging", "half");
        assert_eq!(recover(&dir).unwrap(), Recovery::RestoredPrevious);
        assert_eq!(std::fs::read_to_string(dir.join("f")).unwrap(), "previous");
        assert!(!s.staging.exists() && !s.old.exists());
        assert_eq!(recover(&dir).unwrap(), Recovery::Nothing);
    }

    #[test]
    fn removes_an_old_generation_left_after_a_finished_swap() {
        let root = tempfile::tempdir().unwrap();
        let dir = dir_with(root.path(), "out", "new");
        dir_with(root.path(), ".out.stratoform-old", "previous");
        assert_eq!(recover(&dir).unwrap(), Recovery::RemovedLeftovers);
        assert_eq!(std::fs::read_to_string(dir.join("f")).unwrap(), "new");
    }
}
