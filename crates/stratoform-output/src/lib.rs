//! The output of rendering: an in-memory tree of files, and the writer that puts it on disk
//! deterministically and atomically, never touching a file it did not generate.

pub mod drift;
pub mod manifest;
pub mod metadata;
pub mod scan;
pub mod spec_ref;
pub mod swap;
pub mod tree;
pub mod writer;

pub use drift::{check, check_with, Change, CheckError, CheckOptions, Drift};
pub use manifest::{Manifest, MANIFEST_FILE};
pub use spec_ref::spec_from_output;
pub use tree::OutputTree;
pub use writer::{write, write_with, Conflict, ConflictKind, Flush, WriteError, WriteOptions, WriteReport};
