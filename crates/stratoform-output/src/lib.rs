//! The output of rendering: an in-memory tree of files, and the writer that puts it on disk
//! deterministically and atomically, never touching a file it did not generate.

pub mod tree;

pub use tree::OutputTree;
