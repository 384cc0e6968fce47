//! Benchmarks for stratoform: a synthetic spec generator ([`synthetic`]) and the timing harness
//! ([`measure`]) the `stratoform-bench` binary uses. `cargo run -p stratoform-bench --release`.

pub mod measure;
pub mod render;
pub mod synthetic;
pub mod verify;
