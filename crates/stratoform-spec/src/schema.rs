//! The JSON Schema (draft 2020-12) of the spec, generated from the types.

use crate::Platform;

/// The schema's `$id`.
pub const SCHEMA_ID: &str = "https://stratoform.dev/schema/v1alpha1/platform.json";

/// Generates the JSON Schema of a platform spec.
pub fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<Platform>();
    let mut value = serde_json::to_value(schema).expect("a schema serializes");
    if let Some(obj) = value.as_object_mut() {
        obj.insert("$id".into(), SCHEMA_ID.into());
    }
    value
}

/// The schema as pretty JSON with a trailing newline, exactly as `stratoform schema` prints it.
pub fn json_schema_string() -> String {
    let mut s = serde_json::to_string_pretty(&json_schema()).expect("a schema serializes");
    s.push('\n');
    s
}
