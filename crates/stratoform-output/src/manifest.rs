//! The manifest: which files of an output directory stratoform generated, with their digests,
//! so that a later run knows what it may replace or remove and what belongs to someone else.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's file name, at the root of the output directory.
pub const MANIFEST_FILE: &str = ".stratoform-manifest.json";

/// The manifest format this build writes and reads.
pub const MANIFEST_VERSION: u32 = 1;

/// The record of one generation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The manifest format version ([`MANIFEST_VERSION`]).
    pub version: u32,
    /// What wrote it.
    pub generator: String,
    /// The spec the files were rendered from, by its path relative to the output directory
    /// (see [`crate::spec_ref`]).
    pub spec: String,
    /// The sha256 (lowercase hex) of every generated file, by `/`-separated relative path.
    pub files: BTreeMap<String, String>,
}

/// Why a manifest could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadManifestError {
    /// The file exists but cannot be read.
    #[error("cannot read `{}`", path.display())]
    Io {
        /// The manifest's path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a manifest this build understands.
    #[error("`{}` is not a stratoform manifest (version {MANIFEST_VERSION})", path.display())]
    Parse {
        /// The manifest's path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
}

impl Manifest {
    /// A manifest for a spec and its files.
    pub fn new(spec: &str, files: BTreeMap<String, String>) -> Self {
        Self { version: MANIFEST_VERSION, generator: "stratoform".into(), spec: spec.to_owned(), files }
    }

    /// Reads the manifest of an output directory; `None` when the directory has none.
    pub fn read(dir: &Path) -> Result<Option<Self>, ReadManifestError> {
        let path = dir.join(MANIFEST_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(ReadManifestError::Io { path, source }),
        };
        let manifest: Self =
            serde_json::from_str(&text).map_err(|source| ReadManifestError::Parse { path: path.clone(), source })?;
        if manifest.version != MANIFEST_VERSION {
            let source = <serde_json::Error as serde::de::Error>::custom(format!("unsupported version {}", manifest.version));
            return Err(ReadManifestError::Parse { path, source });
        }
        Ok(Some(manifest))
    }

    /// The manifest as pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a manifest serializes");
        s.push('\n');
        s
    }

    /// Whether a path was generated.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }
}

/// The sha256 of some bytes, as lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_sha256() {
        assert_eq!(sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn round_trips_and_rejects_other_versions() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Manifest::read(dir.path()).unwrap().is_none());
        let m = Manifest::new("platform.yaml", BTreeMap::from([("a/b.tf".into(), sha256(b"x"))]));
        std::fs::write(dir.path().join(MANIFEST_FILE), m.to_json()).unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), Some(m));
        std::fs::write(dir.path().join(MANIFEST_FILE), r#"{"version":9,"generator":"x","spec":"s","files":{}}"#).unwrap();
        assert!(matches!(Manifest::read(dir.path()), Err(ReadManifestError::Parse { .. })));
    }
}
