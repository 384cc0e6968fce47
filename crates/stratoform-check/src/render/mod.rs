//! Renderers of a review report: one file per format.

pub mod human;
pub mod json;
pub mod sarif;
