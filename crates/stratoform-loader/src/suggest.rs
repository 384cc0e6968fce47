//! "Did you mean" suggestions, from the diagnostics crate (the simulator's scenario checks use
//! the same function).

pub use stratoform_diagnostics::suggest::did_you_mean;
