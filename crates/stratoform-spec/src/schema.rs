//! The JSON Schema (draft 2020-12) of the spec, generated from the types.

use crate::Platform;

/// The schema's `$id`.
pub const SCHEMA_ID: &str = "https://stratoform.dev/schema/v1alpha1/platform.json";

/// Generates the JSON Schema of a platform spec.
pub fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<Platform>();
    let mut value = serde_json::to_value(schema).expect("a schema serializes");
    drop_null(&mut value);
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

/// Optional fields are simply not required; `null` is not a value a spec writes. Removing the
/// `null` alternatives schemars adds keeps the schema simple for editors and keeps validation
/// errors precise (an `anyOf` hides the real error inside its branches).
fn drop_null(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(obj) => {
            if let Some(Value::Array(types)) = obj.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    obj.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(branches)) = obj.get("anyOf") {
                let rest: Vec<Value> = branches.iter().filter(|b| b.get("type") != Some(&Value::from("null"))).cloned().collect();
                if rest.len() == 1 && rest.len() < branches.len() {
                    obj.remove("anyOf");
                    if let Value::Object(inner) = &rest[0] {
                        for (k, v) in inner {
                            obj.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                    }
                }
            }
            if let Some(Value::Array(options)) = obj.get_mut("enum") {
                options.retain(|o| !o.is_null());
            }
            for v in obj.values_mut() {
                drop_null(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}
