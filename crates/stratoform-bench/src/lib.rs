//! Benchmarks for stratoform: a synthetic spec generator ([`synthetic`]), the timing harness
//! ([`measure`]), the examples' dependency graphs ([`graph`]) and whole-process runs of the real binary ([`process`], [`processes`]) that the
//! `stratoform-bench` binary uses. `cargo run -p stratoform-bench --release`.

pub mod graph;
pub mod lifecycle;
pub mod measure;
pub mod process;
pub mod processes;
pub mod render;
pub mod synthetic;
pub mod verify;
