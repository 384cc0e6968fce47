//! The command line definition; completions and the man page are generated from it.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Turn one declarative platform spec into Terraform, GitOps manifests, docs, a plan, a review
/// and a simulation.
#[derive(Debug, Parser)]
#[command(name = "stratoform", version, about, long_about = None)]
pub struct Cli {
    /// Colour: auto, always or never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Terminal colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when writing to a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Output format of diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Human,
    /// For machines.
    Json,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a spec and report every problem at once (exit 2 when invalid).
    Validate {
        /// The spec file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print the JSON Schema (draft 2020-12) of the spec.
    Schema,
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}
