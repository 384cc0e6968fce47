//! Walking a stack's instances: `for_each`/`count` expansion, module calls and the resources each
//! instance creates, and the `templatefile()` calls of the `kubernetes_files` output.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use hcl::expr::{Expression, ObjectKey, TraversalOperator};
use hcl::Body;

use super::{Created, Evaluator, Instance, Res, Scope, TemplateCall, V};
use crate::tree::join;

impl Evaluator<'_> {
    /// Everything a stack creates in a state scope.
    pub fn stack(&self, stack: &str, scope: &str) -> Vec<Created> {
        let dir = format!("terraform/stacks/{stack}");
        let vars = self.tfvars(&dir, scope);
        let inst = self.instance(&dir, vars, String::new(), 0, HashMap::new());
        let mut out = Vec::new();
        self.collect(&inst, stack, &mut out);
        out
    }

    /// The `templatefile()` calls of a stack's `kubernetes_files` output.
    pub fn kubernetes_files(&self, stack: &str) -> Option<Vec<TemplateCall>> {
        let dir = format!("terraform/stacks/{stack}");
        let module = self.module(&dir);
        let expr = module.outputs.get("kubernetes_files")?;
        let inst = self.instance(&dir, HashMap::new(), String::new(), 0, HashMap::new());
        let mut calls = Vec::new();
        let Expression::Object(o) = expr else { return Some(calls) };
        for (k, v) in o {
            let key = self.key(&inst, &Scope::default(), k).unwrap_or_default();
            let (template, vars) = match v {
                Expression::FuncCall(f) if f.name.name.as_str() == "templatefile" => {
                    let template = f.args.first().map(|a| self.eval(&inst, &Scope::default(), a)).and_then(|p| p.as_str()).map(|p| join("", &p));
                    let vars = match f.args.get(1) {
                        Some(Expression::Object(o)) => o.keys().filter_map(|k| self.key(&inst, &Scope::default(), k)).collect(),
                        _ => Vec::new(),
                    };
                    (template, vars)
                }
                _ => (None, Vec::new()),
            };
            calls.push(TemplateCall { key, template, vars });
        }
        Some(calls)
    }

    pub(super) fn key(&self, inst: &Instance, scope: &Scope, k: &ObjectKey) -> Option<String> {
        match k {
            ObjectKey::Identifier(i) => Some(i.to_string()),
            ObjectKey::Expression(e) => self.eval(inst, scope, e).as_str(),
            _ => None,
        }
    }

    /// The instances of a resource or module call: each with its `each`/`count` scope and key.
    pub(super) fn expand(&self, inst: &Instance, res: &Res) -> Vec<(String, Scope)> {
        if let Some(fe) = res.attr("for_each") {
            let v = self.eval(inst, &Scope::default(), fe);
            return match v.entries() {
                Some(entries) => entries
                    .into_iter()
                    .map(|(k, val)| {
                        // A set's elements are their own keys.
                        let key = if matches!(v, V::List(_)) { val.clone() } else { k };
                        let label = format!("[\"{}\"]", key.as_str().unwrap_or_default());
                        (label, Scope { each: Some((key, val)), ..Scope::default() })
                    })
                    .collect(),
                None => vec![("[*]".into(), Scope { each: Some((V::Unknown, V::Unknown)), ..Scope::default() })],
            };
        }
        if let Some(c) = res.attr("count") {
            return match self.eval(inst, &Scope::default(), c).num() {
                Some(n) => (0..n.max(0.0) as usize).map(|i| (format!("[{i}]"), Scope { count: Some(V::Num(i as f64)), ..Scope::default() })).collect(),
                None => vec![("[*]".into(), Scope { count: Some(V::Unknown), ..Scope::default() })],
            };
        }
        vec![(String::new(), Scope::default())]
    }

    fn collect(&self, inst: &Rc<Instance>, stack: &str, out: &mut Vec<Created>) {
        for res in &inst.module.resources {
            let provider = res.attr("provider").and_then(ref_name).unwrap_or_else(|| "aws".to_owned());
            let region = inst.regions.get(&provider).cloned().flatten();
            for (label, scope) in self.expand(inst, res) {
                let attrs: BTreeMap<String, V> =
                    res.body.attributes().filter(|a| a.key.as_str() != "for_each" && a.key.as_str() != "count").map(|a| (a.key.to_string(), self.eval(inst, &scope, &a.expr))).collect();
                let created = Created {
                    stack: stack.to_owned(),
                    region: region.clone(),
                    rtype: res.rtype.clone(),
                    address: format!("{}{}.{}{label}", inst.path, res.rtype, res.name),
                    file: res.file.clone(),
                    attrs,
                };
                // A replicated resource (a Secrets Manager secret's `replica` blocks) also exists,
                // under the same name, in each replica's region.
                for r in self.replica_regions(inst, &scope, &res.body) {
                    out.push(Created { region: Some(r.clone()), address: format!("{}.replica[\"{r}\"]", created.address), ..created.clone() });
                }
                out.push(created);
            }
        }
        for call in &inst.module.calls {
            for (label, scope) in self.expand(inst, call) {
                if let Some(child) = self.child(inst, call, &label, &scope) {
                    self.collect(&child, stack, out);
                }
            }
        }
    }

    /// The regions of a resource's `replica` blocks, literal or `dynamic`, when known.
    fn replica_regions(&self, inst: &Instance, scope: &Scope, body: &Body) -> Vec<String> {
        let region = |body: &Body, scope: &Scope| body.attributes().find(|a| a.key.as_str() == "region").and_then(|a| self.eval(inst, scope, &a.expr).as_str());
        let mut out = Vec::new();
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
            match (block.identifier(), labels.as_slice()) {
                ("replica", []) => out.extend(region(block.body(), scope)),
                ("dynamic", ["replica"]) => {
                    let Some(fe) = block.body().attributes().find(|a| a.key.as_str() == "for_each") else { continue };
                    let Some(content) = block.body().blocks().find(|b| b.identifier() == "content") else { continue };
                    for (k, v) in self.eval(inst, scope, &fe.expr).entries().unwrap_or_default() {
                        let mut s = scope.clone();
                        s.vars.push(("replica".into(), V::Map(BTreeMap::from([("key".to_owned(), k), ("value".to_owned(), v)]))));
                        out.extend(region(content.body(), &s));
                    }
                }
                _ => {}
            }
        }
        out
    }

    pub(super) fn child(&self, inst: &Instance, call: &Res, label: &str, scope: &Scope) -> Option<Rc<Instance>> {
        let cache_key = format!("{}{label}", call.name);
        if let Some(c) = inst.children.borrow().get(&cache_key) {
            return Some(c.clone());
        }
        if inst.depth > 8 {
            return None;
        }
        let source = call.attr("source").and_then(|s| self.eval(inst, scope, s).as_str())?;
        if !source.starts_with('.') {
            return None;
        }
        let dir = join(&inst.module.dir, &source);
        let args = call
            .body
            .attributes()
            .filter(|a| !matches!(a.key.as_str(), "source" | "for_each" | "count" | "providers" | "depends_on" | "version"))
            .map(|a| (a.key.to_string(), self.eval(inst, scope, &a.expr)))
            .collect();
        // The provider configurations the call passes, else the default one.
        let mut regions = HashMap::new();
        regions.insert("aws".to_owned(), inst.regions.get("aws").cloned().flatten());
        if let Some(Expression::Object(o)) = call.attr("providers") {
            for (k, v) in o {
                let inner = match k {
                    ObjectKey::Identifier(i) => Some(i.to_string()),
                    ObjectKey::Expression(e) => ref_name(e),
                    _ => None,
                };
                if let (Some(inner), Some(outer)) = (inner, ref_name(v)) {
                    regions.insert(inner, inst.regions.get(&outer).cloned().flatten());
                }
            }
        }
        let child = self.instance(&dir, args, format!("{}module.{}{label}.", inst.path, call.name), inst.depth + 1, regions);
        inst.children.borrow_mut().insert(cache_key, child.clone());
        Some(child)
    }
}

/// `aws.us_west_2` of a provider reference.
fn ref_name(e: &Expression) -> Option<String> {
    match e {
        Expression::Variable(v) => Some(v.to_string()),
        Expression::Traversal(t) => {
            let mut s = ref_name(&t.expr)?;
            for op in &t.operators {
                let TraversalOperator::GetAttr(a) = op else { return None };
                s.push('.');
                s.push_str(a.as_str());
            }
            Some(s)
        }
        _ => None,
    }
}
