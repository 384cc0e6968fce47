//! Structural validation against the generated JSON Schema: every unknown key, wrong type,
//! missing field and malformed value in one pass, each mapped back to its span.

use std::sync::LazyLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;
use stratoform_diagnostics::{codes, Diagnostic, Span};
use stratoform_spec as spec;

use crate::suggest::did_you_mean;
use crate::tree::{escape, span_of, spec_path, SpanMap};

/// The JSON Schema of the spec as checked in (`schema/platform.schema.json`, kept equal to
/// [`spec::schema::json_schema`] by the tests): parsing it is several times faster than
/// generating it at every start.
const CHECKED_IN: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema/platform.schema.json"));

static SCHEMA: LazyLock<Value> = LazyLock::new(|| serde_json::from_str(CHECKED_IN).unwrap_or_else(|_| spec::schema::json_schema()));
static VALIDATOR: LazyLock<Validator> =
    LazyLock::new(|| jsonschema::draft202012::new(&SCHEMA).expect("the generated schema compiles"));

/// A scenario file (`stratoform simulate --scenarios`): a list of scenarios as the spec's
/// `scenarios:` holds them, checked against the same definitions.
static SCENARIOS_VALIDATOR: LazyLock<Validator> = LazyLock::new(|| {
    let mut schema = SCHEMA.clone();
    if let Value::Object(root) = &mut schema {
        for key in ["title", "description", "properties", "additionalProperties", "required"] {
            root.remove(key);
        }
        let list = SCHEMA.pointer(SCENARIO_LIST).cloned().unwrap_or(Value::Null);
        root.extend(list.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.clone())));
    }
    jsonschema::draft202012::new(&schema).expect("the scenario list schema compiles")
});

/// Where the spec's scenarios sit in its schema.
const SCENARIO_LIST: &str = "/properties/scenarios";

/// Starts building the validator on another thread, once per process: generating and compiling
/// the schema is the largest fixed cost of a load (several milliseconds), and it does not need
/// the spec, so it runs while the file is read and parsed. Validation waits for it.
pub(crate) fn prepare() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // Without a thread (none may be available) validation builds it when first used.
        let _ = std::thread::Builder::new().name("schema".into()).spawn(|| LazyLock::force(&VALIDATOR));
    });
}

/// Validates a (merged) document; returns one diagnostic per problem.
pub fn validate(doc: &Value, spans: &SpanMap) -> Vec<Diagnostic> {
    validate_with_pointers(doc, spans).0
}

/// Validates a document; returns the diagnostics and the JSON pointer of every offending value
/// (for an unknown key, the key's own pointer).
pub fn validate_with_pointers(doc: &Value, spans: &SpanMap) -> (Vec<Diagnostic>, Vec<String>) {
    let mut out = Vec::new();
    let mut pointers = Vec::new();
    let errors: Vec<ValidationError<'_>> = VALIDATOR.iter_errors(doc).collect();
    let renames = Renames::of(&errors, "");
    for error in &errors {
        let at = error.instance_path().as_str().to_owned();
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                pointers.extend(unexpected.iter().map(|k| format!("{at}/{}", escape(k))));
            }
            _ => pointers.push(at),
        }
        report(error, doc, spans, "", &renames, &mut out);
    }
    (out, pointers)
}

/// Validates a scenario file, a list of scenarios; returns one diagnostic per problem, with the
/// same hints as in a spec (paths such as `[0].kind`).
pub fn validate_scenarios(doc: &Value, spans: &SpanMap) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let errors: Vec<ValidationError<'_>> = SCENARIOS_VALIDATOR.iter_errors(doc).collect();
    let renames = Renames::of(&errors, "/scenarios");
    for error in &errors {
        report(error, doc, spans, "/scenarios", &renames, &mut out);
    }
    out.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    out
}

/// Misspelt required fields: an unknown key whose closest field is a required one missing from
/// the same mapping (`imgae:` without `image:`). One diagnostic says it, the unknown key's, with
/// the rename as its fix; the missing field is not reported apart.
struct Renames {
    /// (pointer of the mapping, the key as written, the field it should be).
    found: Vec<(String, String, String)>,
}

impl Renames {
    /// `prefix`: where the document sits in a spec (see [`report`]).
    fn of(errors: &[ValidationError<'_>], prefix: &str) -> Self {
        let missing: Vec<(&str, &str)> = errors
            .iter()
            .filter_map(|e| match e.kind() {
                ValidationErrorKind::Required { property } => Some((e.instance_path().as_str(), property.as_str()?)),
                _ => None,
            })
            .collect();
        let mut found: Vec<(String, String, String)> = Vec::new();
        for e in errors {
            let ValidationErrorKind::AdditionalProperties { unexpected } = e.kind() else { continue };
            let at = e.instance_path().as_str();
            let allowed = schema_at(&format!("{prefix}{at}")).map(property_names).unwrap_or_default();
            for key in unexpected {
                let Some(field) = did_you_mean(key, allowed.iter().map(String::as_str)) else { continue };
                let taken = found.iter().any(|(p, _, f)| p == at && f == field);
                if missing.contains(&(at, field)) && !taken {
                    found.push((at.to_owned(), key.clone(), field.to_owned()));
                }
            }
        }
        Self { found }
    }

    /// The field that the unknown key `key` of the mapping at `at` should be renamed to.
    fn of_key(&self, at: &str, key: &str) -> Option<&str> {
        self.found.iter().find(|(p, k, _)| p == at && k == key).map(|(_, _, f)| f.as_str())
    }

    /// Whether the missing field `field` of the mapping at `at` is written under another name.
    fn renamed(&self, at: &str, field: &str) -> bool {
        self.found.iter().any(|(p, _, f)| p == at && f == field)
    }
}

/// Whether the schema requires the field `key` of the object at `parent` (`None`: unknown).
pub fn is_required(parent: &str, key: &str) -> Option<bool> {
    let node = schema_at(parent)?;
    if node.get("properties").and_then(|p| p.get(key)).is_none() && node.get("additionalProperties") == Some(&Value::Bool(false)) {
        // An unknown key is never required.
        return Some(false);
    }
    Some(node.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|k| k == key)))
}

/// Whether `key` is one the schema of the object at `parent` does not define (and the object
/// takes no keys but its properties): a key the typed spec would never hold.
pub fn is_unknown_key(parent: &str, key: &str) -> bool {
    schema_at(parent).is_some_and(|node| {
        node.get("properties").and_then(|p| p.get(key)).is_none()
            && node.get("additionalProperties") == Some(&Value::Bool(false))
            && node.get("patternProperties").is_none()
    })
}

fn value_span(spans: &SpanMap, pointer: &str) -> Option<Span> {
    span_of(spans, pointer).map(|s| s.value)
}

fn key_span(spans: &SpanMap, pointer: &str) -> Option<Span> {
    span_of(spans, pointer).map(|s| s.key.unwrap_or(s.value))
}

/// Turns a validation error into diagnostics. `prefix` is where the validated document sits in a
/// spec, for looking up its schema: empty for a spec, `/scenarios` for a scenario file.
fn report(error: &ValidationError<'_>, doc: &Value, spans: &SpanMap, prefix: &str, renames: &Renames, out: &mut Vec<Diagnostic>) {
    let pointer = error.instance_path().as_str().to_owned();
    let schema = format!("{prefix}{pointer}");
    let path = spec_path(&pointer);
    let instance = doc.pointer(&pointer).unwrap_or(&Value::Null);
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let node = schema_at(&schema);
            let allowed = node.map(property_names).unwrap_or_default();
            let keyed_by_pattern = node.and_then(|n| n.get("patternProperties")).is_some();
            for key in unexpected {
                let child = format!("{pointer}/{}", escape(key));
                if keyed_by_pattern {
                    out.push(
                        Diagnostic::error(codes::INVALID_NAME, format!("`{key}` is not a valid name"))
                            .with_path(spec_path(&child))
                            .with_span(key_span(spans, &child), "invalid name")
                            .with_help("names are lowercase letters, digits and `-`, start with a letter and have at most 63 characters"),
                    );
                    continue;
                }
                let d = Diagnostic::error(codes::UNKNOWN_KEY, format!("unknown key `{key}` in `{path}`")).with_path(spec_path(&child));
                if let Some(field) = renames.of_key(&pointer, key) {
                    out.push(
                        d.with_span(key_span(spans, &child), format!("not a field here, and the required `{field}` is missing"))
                            .with_help(format!("rename `{key}` to `{field}`")),
                    );
                    continue;
                }
                let d = d.with_span(key_span(spans, &child), "not a field here");
                let d = match did_you_mean(key, allowed.iter().map(String::as_str)) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None if allowed.is_empty() => d.with_help("remove it"),
                    None => d.with_help(format!("remove it; the fields here are {}", list(&allowed))),
                };
                out.push(d);
            }
        }
        ValidationErrorKind::Required { property } => {
            let field = property.as_str().unwrap_or_default();
            if renames.renamed(&pointer, field) {
                // Said by the unknown key's diagnostic, as a rename.
                return;
            }
            let about = schema_at(&schema)
                .and_then(|n| n.get("properties"))
                .and_then(|p| p.get(field))
                .and_then(description)
                .unwrap_or_default();
            let help = if about.is_empty() { format!("add `{field}:`") } else { format!("add `{field}:` ({about})") };
            out.push(
                Diagnostic::error(codes::MISSING_FIELD, format!("missing field `{field}` in `{path}`"))
                    .with_path(format!("{path}.{field}").replace("(root).", ""))
                    .with_span(key_span(spans, &pointer), format!("`{field}` is required here"))
                    .with_help(help),
            );
        }
        ValidationErrorKind::Type { kind } => {
            let expected = type_name(kind);
            let found = json_type(instance);
            let mut help = format!("write {expected} here");
            if expected == "a string" && matches!(instance, Value::Number(_) | Value::Bool(_)) {
                help = format!("quote the value so YAML reads it as a string: `\"{instance}\"`");
            }
            out.push(
                Diagnostic::error(codes::WRONG_TYPE, format!("expected {expected} for `{path}`, found {found}"))
                    .with_path(path)
                    .with_span(value_span(spans, &pointer), format!("this is {found}"))
                    .with_help(help),
            );
        }
        ValidationErrorKind::Enum { options } => {
            let options: Vec<String> =
                options.as_array().into_iter().flatten().filter_map(|o| o.as_str().map(str::to_owned)).collect();
            out.push(enum_error(&pointer, instance, &options, spans));
        }
        ValidationErrorKind::Constant { expected_value } => {
            let options: Vec<String> = expected_value.as_str().map(str::to_owned).into_iter().collect();
            out.push(enum_error(&pointer, instance, &options, spans));
        }
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            let consts: Option<Vec<String>> = context
                .iter()
                .map(|branch| match branch.first().map(ValidationError::kind) {
                    Some(ValidationErrorKind::Constant { expected_value }) => expected_value.as_str().map(str::to_owned),
                    Some(ValidationErrorKind::Enum { options }) => {
                        options.as_array().and_then(|a| a.first()).and_then(Value::as_str).map(str::to_owned)
                    }
                    _ => None,
                })
                .collect();
            match consts {
                Some(options) if !options.is_empty() => out.push(enum_error(&pointer, instance, &options, spans)),
                _ => {
                    // Report the branch that got furthest (fewest errors) as the likely intent.
                    if let Some(best) = context.iter().min_by_key(|b| b.len()) {
                        let renames = Renames::of(best, prefix);
                        for e in best {
                            report(e, doc, spans, prefix, &renames, out);
                        }
                    }
                }
            }
        }
        ValidationErrorKind::Pattern { pattern } => out.push(pattern_error(&pointer, &schema, instance, pattern, spans)),
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::ExclusiveMinimum { limit } => out.push(
            Diagnostic::error(codes::OUT_OF_RANGE, format!("`{path}` is {instance}, below the minimum {limit}"))
                .with_path(path)
                .with_span(value_span(spans, &pointer), "too small")
                .with_help(format!("use a value of at least {limit}")),
        ),
        ValidationErrorKind::Maximum { limit } | ValidationErrorKind::ExclusiveMaximum { limit } => out.push(
            Diagnostic::error(codes::OUT_OF_RANGE, format!("`{path}` is {instance}, above the maximum {limit}"))
                .with_path(path)
                .with_span(value_span(spans, &pointer), "too large")
                .with_help(format!("use a value of at most {limit}")),
        ),
        ValidationErrorKind::MinItems { limit } => out.push(
            Diagnostic::error(codes::EMPTY_LIST, format!("`{path}` needs at least {limit} item(s)"))
                .with_path(path)
                .with_span(value_span(spans, &pointer), "empty")
                .with_help("add an item"),
        ),
        other => out.push(
            Diagnostic::error(codes::INVALID_VALUE, format!("invalid value for `{path}`: {error}"))
                .with_path(path)
                .with_span(value_span(spans, &pointer), format!("{other:?}").split(' ').next().unwrap_or("").to_owned()),
        ),
    }
}

fn enum_error(pointer: &str, instance: &Value, options: &[String], spans: &SpanMap) -> Diagnostic {
    let path = spec_path(pointer);
    let (code, what) = match pointer {
        "/apiVersion" => (codes::API_VERSION, "unsupported `apiVersion`"),
        "/kind" => (codes::KIND, "wrong `kind`"),
        _ => (codes::INVALID_ENUM, "invalid value"),
    };
    let shown = instance.as_str().map_or_else(|| instance.to_string(), str::to_owned);
    let d = Diagnostic::error(code, format!("{what} `{shown}` for `{path}`"))
        .with_path(path)
        .with_span(value_span(spans, pointer), "not one of the allowed values");
    match instance.as_str().and_then(|s| did_you_mean(s, options.iter().map(String::as_str))) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help(format!("use one of {}", list(options))),
    }
}

fn pattern_error(pointer: &str, schema: &str, instance: &Value, pattern: &str, spans: &SpanMap) -> Diagnostic {
    let path = spec_path(pointer);
    let shown = instance.as_str().unwrap_or_default();
    let (code, what, help): (&str, &str, String) = if pattern == spec::Name::PATTERN {
        (codes::INVALID_NAME, "name", "names are lowercase letters, digits and `-`, start with a letter and have at most 63 characters".into())
    } else if pattern == spec::Ipv4Cidr::PATTERN {
        (codes::INVALID_CIDR, "CIDR block", "write an IPv4 block with a prefix length from 0 to 32, such as `10.0.0.0/16`".into())
    } else if pattern == spec::RegionName::PATTERN {
        (codes::INVALID_REGION, "region", "write an AWS region code such as `us-east-1`".into())
    } else if pattern == spec::AzName::PATTERN {
        (codes::INVALID_AZ, "availability zone", "write the region followed by a zone letter, such as `us-east-1a`".into())
    } else if pattern == spec::Duration::PATTERN {
        (codes::INVALID_DURATION, "duration", "write a whole number and a unit (`ms`, `s`, `m`, `h`, `d`), such as `30s`".into())
    } else if pattern == spec::InstanceType::PATTERN {
        (
            codes::UNKNOWN_INSTANCE_TYPE,
            "instance type",
            "write `<class><generation><attributes>.<size>`, such as `m7g.large`, `m7i-flex.xlarge`, `c8gd.2xlarge` or `m7i.metal-24xl`".into(),
        )
    } else if pattern == spec::KubernetesVersion::PATTERN {
        (codes::INVALID_VERSION, "Kubernetes version", "write the minor version as EKS names it, quoted, such as `\"1.35\"`".into())
    } else if pattern == spec::VersionConstraint::PATTERN {
        (
            codes::INVALID_VERSION,
            "version constraint",
            "write Terraform constraint syntax: conditions such as `>= 1.6.0` or `~> 5.100`, separated by commas".into(),
        )
    } else {
        let example = schema_at(schema)
            .and_then(|n| n.get("examples"))
            .and_then(|e| e.get(0))
            .and_then(Value::as_str)
            .map(|e| format!(", such as `{e}`"))
            .unwrap_or_default();
        (codes::INVALID_FORMAT, "value", format!("write a value matching `{pattern}`{example}"))
    };
    Diagnostic::error(code, format!("invalid {what} `{shown}` for `{path}`"))
        .with_path(path)
        .with_span(value_span(spans, pointer), format!("not a valid {what}"))
        .with_help(help)
}

fn list(items: &[String]) -> String {
    const MAX: usize = 12;
    let mut shown: Vec<String> = items.iter().take(MAX).map(|s| format!("`{s}`")).collect();
    if items.len() > MAX {
        shown.push(format!("and {} more", items.len() - MAX));
    }
    shown.join(", ")
}

fn type_name(kind: &TypeKind) -> String {
    let one = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "object" => "a mapping".to_owned(),
        "array" => "a list".to_owned(),
        "string" => "a string".to_owned(),
        "integer" => "a whole number".to_owned(),
        "number" => "a number".to_owned(),
        "boolean" => "`true` or `false`".to_owned(),
        other => format!("a {other}"),
    };
    match kind {
        TypeKind::Single(t) => one(t),
        TypeKind::Multiple(ts) => ts.iter().map(|t| one(&t)).collect::<Vec<_>>().join(" or "),
    }
}

fn json_type(v: &Value) -> String {
    match v {
        Value::Null => "nothing (null)".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) if n.is_f64() => format!("the number `{n}`"),
        Value::Number(n) => format!("the whole number `{n}`"),
        Value::String(s) => format!("the string `{s}`"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn resolve(node: &Value) -> &Value {
    let mut node = node;
    for _ in 0..16 {
        match node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(ptr) => match SCHEMA.pointer(ptr) {
                Some(target) => node = target,
                None => break,
            },
            None => break,
        }
    }
    node
}

/// The schema of the value at an instance pointer.
pub fn schema_at(pointer: &str) -> Option<&'static Value> {
    let mut node = resolve(&SCHEMA);
    for seg in pointer.split('/').skip(1) {
        let seg = crate::tree::unescape(seg);
        let next = if let Some(p) = node.get("properties").and_then(|p| p.get(&seg)) {
            p
        } else if let Some(items) = node.get("items").filter(|_| seg.bytes().all(|b| b.is_ascii_digit())) {
            items
        } else if let Some(pp) = node.get("patternProperties").and_then(Value::as_object) {
            pp.values().next()?
        } else { node.get("additionalProperties").filter(|a| a.is_object())? };
        node = resolve(next);
    }
    Some(node)
}

fn property_names(node: &Value) -> Vec<String> {
    node.get("properties").and_then(Value::as_object).map(|p| p.keys().cloned().collect()).unwrap_or_default()
}

fn description(node: &Value) -> Option<String> {
    let text = node.get("description").or_else(|| resolve(node).get("description"))?.as_str()?;
    let first = text.split(". ").next().unwrap_or(text).trim_end_matches('.');
    Some(first.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_schema_is_the_generated_one() {
        let embedded: Value = serde_json::from_str(CHECKED_IN).expect("the checked-in schema is JSON");
        assert!(
            embedded == spec::schema::json_schema(),
            "schema/platform.schema.json differs from the spec's types: run `STRATOFORM_UPDATE_SCHEMA=1 cargo test -p stratoform-spec --test schema`"
        );
    }
}
