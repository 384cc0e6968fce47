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
    quiet_on_closed_pipe();
    let cli = cli::Cli::parse();
    commands::run(cli).into()
}

/// `stratoform schema | head`: when the reader of standard output goes away, stop quietly with
/// the status a shell gives a program that a closed pipe stopped (128 + SIGPIPE), as `cat` does,
/// instead of a panic with a backtrace. Rust ignores SIGPIPE, so the failed write panics (in
/// `print!` and in the writers of clap's generators); every other panic is reported as usual.
fn quiet_on_closed_pipe() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload.downcast_ref::<String>().map(String::as_str).or_else(|| payload.downcast_ref::<&str>().copied());
        if message.is_some_and(|m| m.contains("Broken pipe") || m.contains("BrokenPipe")) {
            std::process::exit(141);
        }
        report(info);
    }));
}
