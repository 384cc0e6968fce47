//! Prints an `hcl::Body` exactly as `terraform fmt` lays it out.
//!
//! hcl-rs's own formatter is not `terraform fmt`: it does not align `=` in attribute runs. This
//! printer follows the rules of Terraform's formatter (hclwrite) for the shapes stratoform emits:
//! two-space indents per open bracket line, `=` aligned within a run of consecutive one-line
//! assignments (a multi-line value ends the run and is not aligned), a blank line around blocks,
//! `{}`/`[]` for empty collections and multi-line objects with one item per line.
//!
//! hcl-rs has no comments in a body; a checkov skip ([`crate::checkov`]) travels as a marker
//! attribute that this printer writes as the `#checkov:skip=<ID>:<reason>` comment line.

use hcl::expr::{Expression, FuncCall, ObjectKey};
use hcl::structure::{Body, Structure};

/// Prints a body at the top level.
pub fn print_body(body: &Body) -> String {
    let mut out = Vec::new();
    body_lines(body, 0, &mut out);
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// One logical item of a body or object: either a single-line `key = value` (alignable) or
/// pre-rendered multi-line text.
enum Item {
    Assign { key: String, value: String },
    Lines(Vec<String>),
    Blank,
}

fn pad(indent: usize) -> String {
    "  ".repeat(indent)
}

fn body_lines(body: &Body, indent: usize, out: &mut Vec<String>) {
    let mut items = Vec::new();
    let mut prev_block = None::<bool>;
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) if attr.key() == crate::checkov::MARKER => {
                items.push(Item::Lines(vec![format!("{}{}", pad(indent), crate::checkov::comment(&attr.expr))]));
            }
            Structure::Attribute(attr) => {
                if prev_block == Some(true) {
                    items.push(Item::Blank);
                }
                items.push(assign_item(attr.key(), &attr.expr, indent));
                prev_block = Some(false);
            }
            Structure::Block(block) => {
                if prev_block.is_some() {
                    items.push(Item::Blank);
                }
                let mut head = format!("{}{}", pad(indent), block.identifier());
                for label in block.labels() {
                    head.push(' ');
                    head.push_str(&quote(label.as_str()));
                }
                if block.body().0.is_empty() {
                    head.push_str(" {}");
                    items.push(Item::Lines(vec![head]));
                } else {
                    head.push_str(" {");
                    let mut lines = vec![head];
                    body_lines(block.body(), indent + 1, &mut lines);
                    lines.push(format!("{}}}", pad(indent)));
                    items.push(Item::Lines(lines));
                }
                prev_block = Some(true);
            }
        }
    }
    emit_items(items, indent, out);
}

/// Emits items, aligning `=` within each run of consecutive single-line assignments.
fn emit_items(items: Vec<Item>, indent: usize, out: &mut Vec<String>) {
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Item::Assign { .. } => {
                let start = i;
                while i < items.len() && matches!(items[i], Item::Assign { .. }) {
                    i += 1;
                }
                let width = items[start..i]
                    .iter()
                    .map(|it| match it {
                        Item::Assign { key, .. } => key.chars().count(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0);
                for it in &items[start..i] {
                    if let Item::Assign { key, value } = it {
                        out.push(format!("{}{key:<width$} = {value}", pad(indent)));
                    }
                }
            }
            Item::Lines(lines) => {
                out.extend(lines.iter().cloned());
                i += 1;
            }
            Item::Blank => {
                out.push(String::new());
                i += 1;
            }
        }
    }
}

fn assign_item(key: &str, expr: &Expression, indent: usize) -> Item {
    match multi_line(expr, indent) {
        None => Item::Assign { key: key.to_owned(), value: inline(expr) },
        Some((open, mut lines)) => {
            lines.insert(0, format!("{}{key} = {open}", pad(indent)));
            Item::Lines(lines)
        }
    }
}

/// Whether an expression prints over several lines.
fn is_multi_line(expr: &Expression) -> bool {
    match expr {
        Expression::Object(o) => !o.is_empty(),
        Expression::Array(a) => a.iter().any(is_multi_line),
        Expression::FuncCall(f) => f.args.iter().any(is_multi_line),
        _ => false,
    }
}

/// For a multi-line expression: the text after `key = ` on the first line, and the following
/// lines (the last one closing the brackets), indented for an item at `indent`.
fn multi_line(expr: &Expression, indent: usize) -> Option<(String, Vec<String>)> {
    if !is_multi_line(expr) {
        return None;
    }
    match expr {
        Expression::Object(o) => {
            let mut lines = Vec::new();
            object_items(o, indent + 1, &mut lines);
            lines.push(format!("{}}}", pad(indent)));
            Some(("{".into(), lines))
        }
        Expression::Array(a) => {
            let mut lines = Vec::new();
            for e in a {
                match multi_line(e, indent + 1) {
                    None => lines.push(format!("{}{},", pad(indent + 1), inline(e))),
                    Some((open, mut rest)) => {
                        lines.push(format!("{}{open}", pad(indent + 1)));
                        if let Some(last) = rest.last_mut() {
                            last.push(',');
                        }
                        lines.extend(rest);
                    }
                }
            }
            lines.push(format!("{}]", pad(indent)));
            Some(("[".into(), lines))
        }
        Expression::FuncCall(f) => func_multi_line(f, indent),
        _ => None,
    }
}

/// `name(a, b, {` ... `})`: only the last argument may span lines.
fn func_multi_line(f: &FuncCall, indent: usize) -> Option<(String, Vec<String>)> {
    let (last, init) = f.args.split_last()?;
    assert!(!init.iter().any(is_multi_line), "only the last argument of `{}` may span lines", f.name.name);
    let (open, rest) = multi_line(last, indent)?;
    let mut head = format!("{}(", f.name.name);
    for a in init {
        head.push_str(&inline(a));
        head.push_str(", ");
    }
    head.push_str(&open);
    let mut rest = rest;
    if let Some(l) = rest.last_mut() {
        l.push(')');
    }
    Some((head, rest))
}

fn object_items(o: &hcl::expr::Object<ObjectKey, Expression>, indent: usize, out: &mut Vec<String>) {
    let items = o
        .iter()
        .map(|(k, v)| {
            let key = match k {
                ObjectKey::Identifier(id) => id.as_str().to_owned(),
                ObjectKey::Expression(Expression::String(s)) => quote(s),
                ObjectKey::Expression(e @ (Expression::TemplateExpr(_) | Expression::Traversal(_) | Expression::Variable(_))) => inline(e),
                ObjectKey::Expression(e) => format!("({})", inline(e)),
                other => unreachable!("object key {other:?}"),
            };
            assign_item(&key, v, indent)
        })
        .collect();
    emit_items(items, indent, out);
}

/// A single-line rendering of an expression.
pub fn inline_pub(expr: &Expression) -> String {
    inline(expr)
}

/// A single-line rendering.
fn inline(expr: &Expression) -> String {
    match expr {
        Expression::Null => "null".into(),
        Expression::Bool(b) => b.to_string(),
        Expression::Number(n) => n.to_string(),
        Expression::String(s) => quote(s),
        Expression::Array(a) => format!("[{}]", a.iter().map(inline).collect::<Vec<_>>().join(", ")),
        Expression::Object(o) if o.is_empty() => "{}".into(),
        Expression::Object(o) => {
            let items: Vec<String> = o
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        ObjectKey::Identifier(id) => id.as_str().to_owned(),
                        ObjectKey::Expression(Expression::String(s)) => quote(s),
                        ObjectKey::Expression(e) => inline(e),
                        other => unreachable!("object key {other:?}"),
                    };
                    format!("{key} = {}", inline(v))
                })
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
        Expression::Conditional(c) => format!("{} ? {} : {}", inline(&c.cond_expr), inline(&c.true_expr), inline(&c.false_expr)),
        Expression::Parenthesis(e) => format!("({})", inline(e)),
        Expression::FuncCall(f) => {
            let args = f.args.iter().map(inline).collect::<Vec<_>>().join(", ");
            let dots = if f.expand_final { "..." } else { "" };
            format!("{}({args}{dots})", f.name.name)
        }
        Expression::ForExpr(f) => {
            let vars = match &f.key_var {
                Some(k) => format!("{}, {}", k.as_str(), f.value_var.as_str()),
                None => f.value_var.as_str().to_owned(),
            };
            let cond = f.cond_expr.as_ref().map(|c| format!(" if {}", inline(c))).unwrap_or_default();
            let group = if f.grouping { "..." } else { "" };
            match &f.key_expr {
                Some(k) => format!("{{ for {vars} in {} : {} => {}{group}{cond} }}", inline(&f.collection_expr), inline(k), inline(&f.value_expr)),
                None => format!("[for {vars} in {} : {}{cond}]", inline(&f.collection_expr), inline(&f.value_expr)),
            }
        }
        other => hcl::format::to_string(other).expect("hcl-rs formats every expression"),
    }
}

/// A quoted HCL string: escapes quotes, backslashes, control characters and template openers.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsl::*;

    #[test]
    fn aligns_runs_and_breaks_on_multi_line_values() {
        let body = Body(vec![block(
            "resource",
            &["aws_vpc", "this"],
            vec![
                attr("cidr_block", s("10.0.0.0/16")),
                attr("enable_dns_support", true),
                attr("tags", obj([("Name", s("main")), ("kubernetes.io/role/elb", s("1"))])),
                attr("x", ex("var.name")),
                block("lifecycle", &[], vec![attr("prevent_destroy", true)]),
            ],
        )]);
        insta::assert_snapshot!(print_body(&body), @r#"
        resource "aws_vpc" "this" {
          cidr_block         = "10.0.0.0/16"
          enable_dns_support = true
          tags = {
            Name                     = "main"
            "kubernetes.io/role/elb" = "1"
          }
          x = var.name

          lifecycle {
            prevent_destroy = true
          }
        }
        "#);
    }

    #[test]
    fn escapes_template_openers() {
        assert_eq!(quote("a ${b} %{c} \"d\"\n"), r#""a $${b} %%{c} \"d\"\n""#);
    }

    #[test]
    fn a_skip_prints_as_a_comment_inside_its_block() {
        let mut items = vec![block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "rdp"],
            vec![attr("from_port", n(3389)), attr("to_port", n(3389)), attr("referenced_security_group_id", ex("var.group"))],
        )];
        crate::checkov::annotate(crate::checkov::Scope::Stack, &mut items);
        let text = print_body(&Body(items));
        assert!(text.starts_with("resource \"aws_vpc_security_group_ingress_rule\" \"rdp\" {\n  #checkov:skip=CKV_AWS_25:the source is a security group"), "{text}");
        assert!(text.contains("\n  from_port                    = 3389\n"), "{text}");
    }
}
