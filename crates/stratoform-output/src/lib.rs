//! The output of rendering: an in-memory tree of files, and the writer that puts it on disk
//! deterministically and atomically, never touching a file it did not generate.
//!
//! Modules:
//!
//! - `drift`: how an output directory differs from what a render would write
//! - `manifest`: which files stratoform generated, with their digests
//! - `metadata`: directory mode and owner across generations
//! - `scan`: what is in an output directory, and which paths a tree may use
//! - `spec_ref`: how generated files name the spec
//! - `swap`: swapping a finished generation into place
//! - `tree`: the in-memory tree of generated files
//! - `writer`: writing a tree deterministically and atomically

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
