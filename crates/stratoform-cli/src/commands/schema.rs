//! `stratoform schema`: the JSON Schema of the spec.

use crate::exit::ExitStatus;

/// Prints the schema.
pub fn run() -> ExitStatus {
    print!("{}", stratoform_spec::schema::json_schema_string());
    ExitStatus::Clean
}
