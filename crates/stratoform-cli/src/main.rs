//! `stratoform`: one reviewed spec in, a proven AWS + Kubernetes platform out.

mod cli;
mod commands;
mod exit;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    commands::run(cli).into()
}
