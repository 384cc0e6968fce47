//! `stratoform`: one reviewed spec in, a proven AWS + Kubernetes platform out.

mod cli;
mod commands;
mod exit;

use std::process::ExitCode;

use clap::Parser;

/// The allocator: rendering builds and drops many small strings and JSON values, which the
/// system allocator serves markedly slower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    commands::run(cli).into()
}
