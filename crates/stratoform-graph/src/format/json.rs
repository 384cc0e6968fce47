//! The plan as JSON: `{"waves": [{"index": 0, "units": [{"name", "kind", "after", "reason", ...}]}]}`.

use serde::Serialize;

use crate::{TeardownWave, Wave};

#[derive(Serialize)]
struct Plan<'a, W> {
    environment: &'a str,
    waves: &'a [W],
    #[serde(skip_serializing_if = "Option::is_none")]
    kept: Option<&'a [String]>,
}

/// The deployment waves as pretty JSON, with a trailing newline.
pub fn json(env: &str, waves: &[Wave]) -> String {
    let mut s = serde_json::to_string_pretty(&Plan { environment: env, waves, kept: None }).expect("plans serialize");
    s.push('\n');
    s
}

/// The teardown waves as pretty JSON, with the stacks that are kept.
pub fn json_teardown(env: &str, waves: &[TeardownWave], kept: &[String]) -> String {
    let mut s = serde_json::to_string_pretty(&Plan { environment: env, waves, kept: Some(kept) }).expect("plans serialize");
    s.push('\n');
    s
}
