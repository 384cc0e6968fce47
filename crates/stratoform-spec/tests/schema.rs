//! The checked-in JSON Schema must match the one generated from the types.
//! Set `STRATOFORM_UPDATE_SCHEMA=1` to rewrite it.

use std::path::PathBuf;

#[test]
fn checked_in_schema_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/platform.schema.json");
    let generated = stratoform_spec::schema::json_schema_string();
    if std::env::var_os("STRATOFORM_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("write schema");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    if checked_in != generated {
        let diff = similar::TextDiff::from_lines(&checked_in, &generated);
        panic!(
            "schema/platform.schema.json is stale; run `STRATOFORM_UPDATE_SCHEMA=1 cargo test -p stratoform-spec --test schema`\n{}",
            diff.unified_diff().context_radius(2)
        );
    }
}

#[test]
fn schema_is_draft_2020_12_and_closed() {
    let schema = stratoform_spec::schema::json_schema();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["additionalProperties"], false, "the root object must deny unknown keys");
    assert!(schema["$defs"]["Cluster"]["properties"]["nodeGroups"].is_object());
}
