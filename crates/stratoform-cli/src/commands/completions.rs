//! `stratoform completions SHELL` and `stratoform man`, generated from the CLI definition.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::exit::ExitStatus;

/// Prints completions for a shell.
pub fn completions(shell: clap_complete::Shell) -> ExitStatus {
    clap_complete::generate(shell, &mut Cli::command(), "stratoform", &mut std::io::stdout());
    ExitStatus::Clean
}

/// Prints the man page.
pub fn man() -> ExitStatus {
    match clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()) {
        Ok(()) => ExitStatus::Clean,
        Err(e) => {
            eprintln!("error: cannot write the man page: {e}");
            ExitStatus::Failure
        }
    }
}
