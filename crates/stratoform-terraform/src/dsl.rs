//! Small constructors over hcl-rs's typed structure, so module code reads like the Terraform it
//! builds. Spec data always enters as typed values (strings are escaped by the printer); `ex`
//! parses fixed Terraform expressions written in this crate, never text built from spec data.

use hcl::expr::{Expression, FuncCall, Object, ObjectKey};
use hcl::structure::{Attribute, Block, Body, Structure};
use hcl::Identifier;

/// `key = value`.
pub fn attr(key: &str, value: impl Into<Expression>) -> Structure {
    Structure::Attribute(Attribute::new(Identifier::new(key).expect("attribute names are identifiers"), value.into()))
}

/// `ident "label" ... { body }`.
pub fn block(ident: &str, labels: &[&str], body: Vec<Structure>) -> Structure {
    Structure::Block(
        Block::builder(Identifier::new(ident).expect("block types are identifiers"))
            .add_labels(labels.iter().map(|l| l.to_string()))
            .add_structures(body)
            .build(),
    )
}

/// A block with owned labels.
pub fn block_owned(ident: &str, labels: Vec<String>, body: Vec<Structure>) -> Structure {
    let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    block(ident, &refs, body)
}

/// A fixed Terraform expression written in this crate (traversals, calls, `for` expressions).
pub fn ex(src: &str) -> Expression {
    src.parse().unwrap_or_else(|e| panic!("invalid expression `{src}`: {e}"))
}

/// A string literal.
pub fn s(v: impl Into<String>) -> Expression {
    Expression::String(v.into())
}

/// A number literal.
pub fn n(v: impl Into<i64>) -> Expression {
    Expression::Number(v.into().into())
}

/// A list of string literals.
pub fn strs<I, T>(items: I) -> Expression
where
    I: IntoIterator<Item = T>,
    T: Into<String>,
{
    Expression::Array(items.into_iter().map(|i| s(i)).collect())
}

/// A list.
pub fn list(items: impl IntoIterator<Item = Expression>) -> Expression {
    Expression::Array(items.into_iter().collect())
}

/// An object with keys in the given order (identifiers bare, anything else quoted).
pub fn obj<K: AsRef<str>>(items: impl IntoIterator<Item = (K, Expression)>) -> Expression {
    let mut o = Object::new();
    for (k, v) in items {
        o.insert(key(k.as_ref()), v);
    }
    Expression::Object(o)
}

/// An object key: bare when it is an identifier, quoted otherwise.
pub fn key(k: &str) -> ObjectKey {
    let ident = !k.is_empty()
        && k.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match Identifier::new(k) {
        Ok(id) if ident => ObjectKey::Identifier(id),
        _ => ObjectKey::Expression(s(k)),
    }
}

/// A function call.
pub fn call(name: &str, args: impl IntoIterator<Item = Expression>) -> Expression {
    let mut b = FuncCall::builder(Identifier::new(name).expect("function names are identifiers"));
    for a in args {
        b = b.arg(a);
    }
    Expression::FuncCall(Box::new(b.build()))
}

/// `jsonencode(value)` of a JSON value (IAM policies, ECR lifecycle rules).
pub fn jsonencode(value: &serde_json::Value) -> Expression {
    call("jsonencode", [json(value)])
}

/// `jsonencode()` of an IAM policy document (version 2012-10-17) with these statements.
pub fn policy_document(statements: impl IntoIterator<Item = Expression>) -> Expression {
    call("jsonencode", [obj([("Version", s("2012-10-17")), ("Statement", list(statements))])])
}

/// A JSON value as an HCL expression.
pub fn json(value: &serde_json::Value) -> Expression {
    match value {
        serde_json::Value::Null => Expression::Null,
        serde_json::Value::Bool(b) => Expression::Bool(*b),
        serde_json::Value::Number(num) => {
            if let Some(i) = num.as_i64() {
                n(i)
            } else {
                Expression::Number(hcl::Number::from_f64(num.as_f64().unwrap_or_default()).unwrap_or_else(|| 0.into()))
            }
        }
        serde_json::Value::String(v) => s(v.clone()),
        serde_json::Value::Array(items) => list(items.iter().map(json)),
        serde_json::Value::Object(map) => obj(map.iter().map(|(k, v)| (k.as_str(), json(v)))),
    }
}

/// A map of string tags.
pub fn string_map<'a>(items: impl IntoIterator<Item = (&'a String, &'a String)>) -> Expression {
    obj(items.into_iter().map(|(k, v)| (k.as_str(), s(v.clone()))))
}

/// A Terraform identifier from a spec name (`-` and `.` become `_`).
pub fn ident(name: &str) -> String {
    let mut out: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// A body from structures.
pub fn body(items: Vec<Structure>) -> Body {
    Body(items)
}

/// `variable "name" { type, description, default }`.
pub fn variable(name: &str, ty: &str, description: &str, default: Option<Expression>) -> Structure {
    let mut items = vec![attr("type", ex(ty)), attr("description", s(description))];
    if let Some(d) = default {
        items.push(attr("default", d));
    }
    block("variable", &[name], items)
}

/// `output "name" { description, value }`.
pub fn output(name: &str, description: &str, value: Expression) -> Structure {
    block("output", &[name], vec![attr("description", s(description)), attr("value", value)])
}

/// An object whose keys are expressions (template keys such as `"${var.issuer}:sub"`).
pub fn obj_expr_keys(items: impl IntoIterator<Item = (Expression, Expression)>) -> Expression {
    let mut o = Object::new();
    for (k, v) in items {
        o.insert(ObjectKey::Expression(k), v);
    }
    Expression::Object(o)
}

/// An enum's serde name, uppercased (`TCP`, `HTTPS`).
pub fn serde_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}
