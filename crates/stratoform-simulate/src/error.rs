//! Why a scenario cannot be simulated: always naming the scenario, the place in the spec and the fix.

/// A scenario that cannot run as written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SimulateError {
    /// A field of the scenario is wrong or points at something that is not there.
    #[error("scenario `{scenario}`: {message}")]
    Invalid {
        /// The scenario's name.
        scenario: String,
        /// JSON pointer of the offending value in the effective spec.
        pointer: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// Its load curve cannot be built.
    #[error("scenario `{scenario}`: {message}")]
    Load {
        /// The scenario's name.
        scenario: String,
        /// JSON pointer of the scenario's `load`.
        pointer: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
}

impl SimulateError {
    /// The JSON pointer of the offending value, when known.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Self::Invalid { pointer, .. } | Self::Load { pointer, .. } => Some(pointer),
        }
    }
    /// How to fix it.
    pub fn help(&self) -> &str {
        match self {
            Self::Invalid { help, .. } | Self::Load { help, .. } => help,
        }
    }
}
