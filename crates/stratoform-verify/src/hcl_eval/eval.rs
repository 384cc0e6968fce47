//! Expressions: references (`var.`, `local.`, `each.`, `count.`, resources and modules),
//! operators, `for` expressions, conditionals and templates.

use std::collections::BTreeMap;

use hcl::expr::{Expression, Operation, TraversalOperator, UnaryOperator};
use hcl::template::{Directive, Element, Template};
use hcl::TemplateExpr;

use super::functions::call;
use super::value::binary;
use super::{Evaluator, Instance, Scope, V};

impl Evaluator<'_> {
    fn local(&self, inst: &Instance, name: &str) -> V {
        if let Some(v) = inst.locals.borrow().get(name) {
            return v.clone();
        }
        // Guard against cycles: unknown while being evaluated.
        inst.locals.borrow_mut().insert(name.to_owned(), V::Unknown);
        let v = inst.module.locals.get(name).map_or(V::Unknown, |e| self.eval(inst, &Scope::default(), e));
        inst.locals.borrow_mut().insert(name.to_owned(), v.clone());
        v
    }

    /// The value of a traversal's root and the operators it consumed.
    fn root<'e>(&self, inst: &Instance, scope: &Scope, expr: &Expression, ops: &'e [TraversalOperator]) -> (V, &'e [TraversalOperator]) {
        let Expression::Variable(var) = expr else { return (self.eval(inst, scope, expr), ops) };
        let name = var.as_str();
        if let Some((_, v)) = scope.vars.iter().rev().find(|(n, _)| n == name) {
            return (v.clone(), ops);
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        match name {
            "var" => match attr(0) {
                Some(a) => (inst.vars.get(a).cloned().unwrap_or(V::Unknown), &ops[1..]),
                None => (V::Unknown, &[]),
            },
            "local" => match attr(0) {
                Some(a) => (self.local(inst, a), &ops[1..]),
                None => (V::Unknown, &[]),
            },
            "each" => {
                let (k, v) = scope.each.clone().unwrap_or((V::Unknown, V::Unknown));
                match attr(0) {
                    Some("key") => (k, &ops[1..]),
                    Some("value") => (v, &ops[1..]),
                    _ => (V::Unknown, &[]),
                }
            }
            "count" => (scope.count.clone().unwrap_or(V::Unknown), &ops[ops.len().min(1)..]),
            "path" => match attr(0) {
                Some("module" | "root") => (V::Str(inst.module.dir.clone()), &ops[1..]),
                _ => (V::Unknown, &[]),
            },
            "module" => {
                let Some(call_name) = attr(0) else { return (V::Unknown, &[]) };
                let Some(call) = inst.module.calls.iter().find(|c| c.name == call_name) else { return (V::Unknown, &[]) };
                let mut rest = &ops[1..];
                let instances = self.expand(inst, call);
                let picked = if instances.len() == 1 && instances[0].0.is_empty() {
                    Some(instances[0].clone())
                } else if let Some(TraversalOperator::Index(i)) = rest.first() {
                    let key = self.eval(inst, scope, i).as_str();
                    rest = &rest[1..];
                    key.and_then(|k| instances.into_iter().find(|(l, _)| *l == format!("[\"{k}\"]") || *l == format!("[{k}]")))
                } else {
                    None
                };
                let Some((label, s)) = picked else { return (V::Unknown, &[]) };
                let Some(child) = self.child(inst, call, &label, &s) else { return (V::Unknown, &[]) };
                let Some(TraversalOperator::GetAttr(out)) = rest.first() else { return (V::Unknown, &[]) };
                let v = child.module.outputs.get(out.as_str()).map_or(V::Unknown, |e| self.eval(&child, &Scope::default(), e));
                (v, &rest[1..])
            }
            t if t.starts_with("aws_") || t.starts_with("cloudflare_") => {
                let Some(rname) = attr(0) else { return (V::Unknown, &[]) };
                let Some(res) = inst.module.resources.iter().find(|r| r.rtype == t && r.name == rname) else { return (V::Unknown, &[]) };
                let mut rest = &ops[1..];
                let instances = self.expand(inst, res);
                let picked = if instances.len() == 1 && instances[0].0.is_empty() {
                    Some(instances[0].1.clone())
                } else if let Some(TraversalOperator::Index(i)) = rest.first() {
                    let key = self.eval(inst, scope, i).as_str();
                    rest = &rest[1..];
                    key.and_then(|k| instances.into_iter().find(|(l, _)| *l == format!("[\"{k}\"]") || *l == format!("[{k}]")).map(|(_, s)| s))
                } else {
                    None
                };
                let Some(s) = picked else { return (V::Unknown, &[]) };
                let Some(TraversalOperator::GetAttr(a)) = rest.first() else { return (V::Unknown, &[]) };
                let v = res.attr(a.as_str()).map_or(V::Unknown, |e| self.eval(inst, &s, e));
                (v, &rest[1..])
            }
            _ => (V::Unknown, &[]),
        }
    }

    pub(super) fn eval(&self, inst: &Instance, scope: &Scope, expr: &Expression) -> V {
        match expr {
            Expression::Null => V::Null,
            Expression::Bool(b) => V::Bool(*b),
            Expression::Number(n) => V::Num(n.as_f64().unwrap_or(0.0)),
            Expression::String(s) => V::Str(s.clone()),
            Expression::Array(a) => V::List(a.iter().map(|e| self.eval(inst, scope, e)).collect()),
            Expression::Object(o) => {
                let mut m = BTreeMap::new();
                for (k, v) in o {
                    match self.key(inst, scope, k) {
                        Some(k) => {
                            m.insert(k, self.eval(inst, scope, v));
                        }
                        None => return V::Unknown,
                    }
                }
                V::Map(m)
            }
            Expression::TemplateExpr(t) => self.template(inst, scope, t),
            Expression::Variable(_) => self.root(inst, scope, expr, &[]).0,
            Expression::Traversal(t) => {
                let (mut v, rest) = self.root(inst, scope, &t.expr, &t.operators);
                for op in rest {
                    v = match op {
                        TraversalOperator::GetAttr(a) => v.get(a.as_str()),
                        TraversalOperator::Index(i) => match self.eval(inst, scope, i).as_str() {
                            Some(k) => v.get(&k),
                            None => V::Unknown,
                        },
                        TraversalOperator::LegacyIndex(i) => v.get(&i.to_string()),
                        _ => V::Unknown,
                    };
                }
                v
            }
            Expression::FuncCall(f) => {
                let args: Vec<V> = f.args.iter().map(|a| self.eval(inst, scope, a)).collect();
                let args = if f.expand_final {
                    let mut a = args;
                    match a.pop() {
                        Some(V::List(l)) => a.extend(l),
                        _ => return V::Unknown,
                    }
                    a
                } else {
                    args
                };
                call(f.name.name.as_str(), &args)
            }
            Expression::Parenthesis(e) => self.eval(inst, scope, e),
            Expression::Conditional(c) => match self.eval(inst, scope, &c.cond_expr).truthy() {
                Some(true) => self.eval(inst, scope, &c.true_expr),
                Some(false) => self.eval(inst, scope, &c.false_expr),
                None => V::Unknown,
            },
            Expression::Operation(op) => match op.as_ref() {
                Operation::Unary(u) => {
                    let v = self.eval(inst, scope, &u.expr);
                    match u.operator {
                        UnaryOperator::Not => v.truthy().map_or(V::Unknown, |b| V::Bool(!b)),
                        UnaryOperator::Neg => v.num().map_or(V::Unknown, |n| V::Num(-n)),
                    }
                }
                Operation::Binary(b) => {
                    let l = self.eval(inst, scope, &b.lhs_expr);
                    let r = self.eval(inst, scope, &b.rhs_expr);
                    binary(b.operator, &l, &r)
                }
            },
            Expression::ForExpr(f) => {
                let Some(entries) = self.eval(inst, scope, &f.collection_expr).entries() else { return V::Unknown };
                let mut list = Vec::new();
                let mut map: BTreeMap<String, V> = BTreeMap::new();
                for (k, v) in entries {
                    let mut s = scope.clone();
                    if let Some(kv) = &f.key_var {
                        s.vars.push((kv.to_string(), k));
                    }
                    s.vars.push((f.value_var.to_string(), v));
                    if let Some(c) = &f.cond_expr {
                        match self.eval(inst, &s, c).truthy() {
                            Some(true) => {}
                            Some(false) => continue,
                            None => return V::Unknown,
                        }
                    }
                    let val = self.eval(inst, &s, &f.value_expr);
                    match &f.key_expr {
                        Some(ke) => {
                            let Some(key) = self.eval(inst, &s, ke).as_str() else { return V::Unknown };
                            if f.grouping {
                                match map.entry(key).or_insert_with(|| V::List(Vec::new())) {
                                    V::List(l) => l.push(val),
                                    _ => return V::Unknown,
                                }
                            } else {
                                map.insert(key, val);
                            }
                        }
                        None => list.push(val),
                    }
                }
                if f.key_expr.is_some() { V::Map(map) } else { V::List(list) }
            }
            _ => V::Unknown,
        }
    }

    fn template(&self, inst: &Instance, scope: &Scope, t: &TemplateExpr) -> V {
        let Ok(tpl) = Template::from_expr(t) else { return V::Unknown };
        self.render(inst, scope, &tpl).map_or(V::Unknown, V::Str)
    }

    fn render(&self, inst: &Instance, scope: &Scope, tpl: &Template) -> Option<String> {
        let mut s = String::new();
        for el in tpl.elements() {
            match el {
                Element::Literal(l) => s.push_str(l),
                Element::Interpolation(i) => s.push_str(&self.eval(inst, scope, &i.expr).as_str()?),
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(i) => {
                        let branch = if self.eval(inst, scope, &i.cond_expr).truthy()? { Some(&i.true_template) } else { i.false_template.as_ref() };
                        if let Some(b) = branch {
                            s.push_str(&self.render(inst, scope, b)?);
                        }
                    }
                    Directive::For(_) => return None,
                },
            }
        }
        Some(s)
    }
}
