//! Loading the spec for a subcommand: read it, validate it and resolve the chosen environments.
//! Every command that needs models reports a failure here the same way: the file's diagnostics
//! (warnings too), a summary saying what did not happen, or the resolve error (an unknown
//! environment's error names the ones there are).

use std::error::Error;
use std::path::Path;

use stratoform_diagnostics::human;
use stratoform_loader::Loaded;
use stratoform_model::Model;

use crate::exit::ExitStatus;

/// The loaded spec at `file` and the models of `env` (or of every environment). `stopped`
/// completes the summary line of an invalid spec, such as "nothing was rendered".
pub fn load_models(file: &Path, env: Option<&str>, color: bool, stopped: &str) -> Result<(Loaded, Vec<Model>), ExitStatus> {
    let loaded = stratoform_loader::load_file(file).map_err(|e| fail(&e))?;
    if !loaded.diagnostics.is_empty() {
        eprint!("{}", human::render(&loaded.file, &loaded.diagnostics, color));
    }
    if loaded.has_errors() {
        eprintln!("{}: {}; {stopped}", loaded.file.name(), human::summary(&loaded.diagnostics));
        return Err(ExitStatus::Failure);
    }
    let models = Model::resolve_all(&loaded, env).map_err(|e| fail(&e))?;
    Ok((loaded, models))
}

/// Prints `error:` with an error and its causes; the status of a failed command.
pub fn fail(e: &dyn Error) -> ExitStatus {
    eprint!("error: ");
    print_causes(e);
    ExitStatus::Failure
}

/// Prints an error and its causes, one per line.
pub fn print_causes(e: &dyn Error) {
    eprintln!("{e}");
    let mut source = e.source();
    while let Some(s) = source {
        eprintln!("  caused by: {s}");
        source = s.source();
    }
}
