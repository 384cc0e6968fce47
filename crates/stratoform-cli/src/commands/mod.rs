//! One file per subcommand.

mod bootstrap;
mod check;
mod completions;
mod down;
mod drift;
pub mod init;
mod plan;
mod render;
mod schema;
mod simulate;
mod spec;
mod sweep;
mod up;
mod validate;
mod verify;

use std::io::IsTerminal;

use crate::cli::{Cli, Color, Command};
use crate::exit::ExitStatus;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitStatus {
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match cli.command {
        Command::Validate { file, format } => validate::run(&file, format, color),
        Command::Plan { file, env, destroy, format } => plan::run(&file, env.as_deref(), destroy, format, color),
        Command::Check { file, env, format, explain, rendered } => {
            check::run(file.as_deref(), env.as_deref(), format, explain.as_deref(), rendered.as_deref(), color)
        }
        Command::Verify { file, out, env, format } => verify::run(&file, &out, env.as_deref(), format, color),
        Command::Simulate { file, scenarios, scenario, seed, format, out } => {
            simulate::run(&file, scenarios.as_deref(), scenario, seed, format, out.as_deref(), color)
        }
        Command::Render { file, out, env, check, diff, allow_findings, durable, target } => {
            render::run(&file, &out, env.as_deref(), render::Options { check, diff, allow_findings, durable, target }, color)
        }
        Command::Up { at, out, yes, edge } => {
            up::run(&at.file, &at.env, &out, up::Target { local: at.local, endpoint: at.local_endpoint.as_deref(), yes, read_only: false }, edge, color)
        }
        Command::Down { at, all, yes } => {
            down::run(&at.file, &at.env, up::Target { local: at.local, endpoint: at.local_endpoint.as_deref(), yes, read_only: false }, all, color)
        }
        Command::Drift { at, format } => {
            drift::run(&at.file, &at.env, up::Target { local: at.local, endpoint: at.local_endpoint.as_deref(), yes: false, read_only: true }, format, color)
        }
        Command::Init { from, path } => init::run(from.as_deref(), &path),
        Command::Schema => schema::run(),
        Command::Completions { shell } => completions::completions(shell),
        Command::Man => completions::man(),
    }
}
