//! Exit statuses: 0 clean, 1 findings or stale output, 2 invalid input or failure.

use std::process::ExitCode;

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing to report.
    Clean,
    /// Findings, failed assertions or stale output.
    Findings,
    /// Invalid input or the tool failed.
    Failure,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> Self {
        ExitCode::from(match s {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Failure => 2,
        })
    }
}
