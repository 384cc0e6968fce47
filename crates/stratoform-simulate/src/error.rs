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

/// The fix for a name that is none of `known`: the closest one when it looks like a typo of it
/// (by the loader's own measure, so a scenario file gets the hints a spec gets), else the list.
pub(crate) fn one_of<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let known: Vec<&str> = known.into_iter().collect();
    match stratoform_diagnostics::did_you_mean(name, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("use one of {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_close_name_is_suggested_else_every_name_listed() {
        assert_eq!(one_of("us-wets-2", ["us-east-1", "us-west-2"]), "did you mean `us-west-2`?");
        assert_eq!(one_of("zzz", ["us-east-1", "us-west-2"]), "use one of `us-east-1`, `us-west-2`");
    }
}
