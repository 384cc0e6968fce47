//! A small static evaluator over rendered Terraform: what each stack creates, with the names it
//! gives them, read from the HCL alone.
//!
//! It follows module calls (`source = "../../modules/x"`) with their arguments, variable
//! defaults and `.tfvars`, locals, `var.`/`local.`/`each.`/`count.` references, `for_each` and
//! `count`, `for` expressions, conditionals and the functions the modules use for names. What
//! only exists after apply (IDs, data sources, ARNs the provider computes) is [`V::Unknown`],
//! and an unknown never matches a name.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use hcl::expr::{BinaryOperator, Expression, ObjectKey, Operation, TraversalOperator, UnaryOperator};
use hcl::template::{Directive, Element, Template};
use hcl::{Body, TemplateExpr};

use crate::tree::{join, Tree};

/// A value, possibly unknown before apply.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    /// Known only after apply.
    Unknown,
    /// `null`.
    Null,
    /// A bool.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// A list, tuple or set.
    List(Vec<V>),
    /// A map or object.
    Map(BTreeMap<String, V>),
}

impl V {
    /// The string, when known and a string (numbers and bools as Terraform prints them).
    pub fn as_str(&self) -> Option<String> {
        match self {
            V::Str(s) => Some(s.clone()),
            V::Num(n) if n.fract() == 0.0 => Some(format!("{}", *n as i64)),
            V::Num(n) => Some(n.to_string()),
            V::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
    fn truthy(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            V::Str(s) if s == "true" => Some(true),
            V::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }
    fn num(&self) -> Option<f64> {
        match self {
            V::Num(n) => Some(*n),
            V::Str(s) => s.parse().ok(),
            _ => None,
        }
    }
    fn get(&self, key: &str) -> V {
        match self {
            V::Map(m) => m.get(key).cloned().unwrap_or(V::Unknown),
            V::List(l) => key.parse::<usize>().ok().and_then(|i| l.get(i).cloned()).unwrap_or(V::Unknown),
            _ => V::Unknown,
        }
    }
    /// The entries to iterate: `(key, value)` of a map, `(index, value)` of a list.
    fn entries(&self) -> Option<Vec<(V, V)>> {
        match self {
            V::Map(m) => Some(m.iter().map(|(k, v)| (V::Str(k.clone()), v.clone())).collect()),
            V::List(l) => Some(l.iter().enumerate().map(|(i, v)| (V::Num(i as f64), v.clone())).collect()),
            V::Null => Some(Vec::new()),
            _ => None,
        }
    }
}

fn from_hcl(v: &hcl::Value) -> V {
    match v {
        hcl::Value::Null => V::Null,
        hcl::Value::Bool(b) => V::Bool(*b),
        hcl::Value::Number(n) => V::Num(n.as_f64().unwrap_or(0.0)),
        hcl::Value::String(s) => V::Str(s.clone()),
        hcl::Value::Array(a) => V::List(a.iter().map(from_hcl).collect()),
        hcl::Value::Object(o) => V::Map(o.iter().map(|(k, v)| (k.clone(), from_hcl(v))).collect()),
    }
}

/// One resource instance a stack creates.
#[derive(Clone, Debug)]
pub struct Created {
    /// The stack's directory name.
    pub stack: String,
    /// The stack's region (`var.region`), when known.
    pub region: Option<String>,
    /// `aws_kms_alias` and so on.
    pub rtype: String,
    /// `module.kms_infra.aws_kms_alias.this["x"]`.
    pub address: String,
    /// The file that declares it, relative to DIR.
    pub file: String,
    /// Its top-level attributes, evaluated.
    pub attrs: BTreeMap<String, V>,
}

impl Created {
    /// A known string attribute.
    pub fn attr(&self, name: &str) -> Option<String> {
        self.attrs.get(name).and_then(V::as_str)
    }
    /// A known tag value.
    pub fn tag(&self, key: &str) -> Option<String> {
        match self.attrs.get("tags") {
            Some(V::Map(m)) => m.get(key).and_then(V::as_str),
            _ => None,
        }
    }
}

/// A `templatefile()` call that an output named `kubernetes_files` makes, per key.
#[derive(Clone, Debug)]
pub struct TemplateCall {
    /// The output key: the path of the file Argo CD reads.
    pub key: String,
    /// The template path relative to DIR, when it resolves inside the tree.
    pub template: Option<String>,
    /// The variables bound in the call.
    pub vars: Vec<String>,
}

#[derive(Debug, Default)]
struct Module {
    dir: String,
    variables: BTreeMap<String, Option<Expression>>,
    locals: HashMap<String, Expression>,
    resources: Vec<Res>,
    calls: Vec<Res>,
    outputs: HashMap<String, Expression>,
    /// `provider "aws"` blocks: `aws` or `aws.<alias>` to their `region` expression.
    providers: BTreeMap<String, Option<Expression>>,
}

#[derive(Debug)]
struct Res {
    rtype: String,
    name: String,
    file: String,
    body: Body,
}

impl Res {
    fn attr(&self, name: &str) -> Option<&Expression> {
        self.body.attributes().find(|a| a.key.as_str() == name).map(|a| &a.expr)
    }
}

/// Evaluates the stacks of one rendered tree; modules are parsed once.
pub struct Evaluator<'t> {
    tree: &'t Tree,
    modules: RefCell<HashMap<String, Rc<Module>>>,
    /// Files that did not parse, with the parser's message.
    pub errors: RefCell<Vec<(String, String)>>,
}

struct Instance {
    module: Rc<Module>,
    vars: HashMap<String, V>,
    locals: RefCell<HashMap<String, V>>,
    children: RefCell<HashMap<String, Rc<Instance>>>,
    path: String,
    depth: usize,
    /// The region of each provider configuration this instance sees: `aws`, `aws.<alias>`.
    regions: HashMap<String, Option<String>>,
}

#[derive(Clone, Default)]
struct Scope {
    each: Option<(V, V)>,
    count: Option<V>,
    vars: Vec<(String, V)>,
}

impl<'t> Evaluator<'t> {
    /// An evaluator over `tree`.
    pub fn new(tree: &'t Tree) -> Self {
        Self { tree, modules: RefCell::new(HashMap::new()), errors: RefCell::new(Vec::new()) }
    }

    fn module(&self, dir: &str) -> Rc<Module> {
        if let Some(m) = self.modules.borrow().get(dir) {
            return m.clone();
        }
        let mut m = Module { dir: dir.to_owned(), ..Module::default() };
        for file in self.tree.files_in(dir).into_iter().filter(|f| f.ends_with(".tf")) {
            let text = self.tree.get(file).unwrap_or_default();
            let body = match hcl::parse(text) {
                Ok(b) => b,
                Err(e) => {
                    self.errors.borrow_mut().push((file.to_owned(), e.to_string()));
                    continue;
                }
            };
            for block in body.blocks() {
                let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
                match (block.identifier(), labels.as_slice()) {
                    ("variable", [name]) => {
                        let default = block.body().attributes().find(|a| a.key.as_str() == "default").map(|a| a.expr.clone());
                        m.variables.insert((*name).to_owned(), default);
                    }
                    ("locals", []) => {
                        for a in block.body().attributes() {
                            m.locals.insert(a.key.to_string(), a.expr.clone());
                        }
                    }
                    ("resource", [t, n]) => m.resources.push(Res { rtype: (*t).to_owned(), name: (*n).to_owned(), file: file.to_owned(), body: block.body().clone() }),
                    // Lookups: `data.<type>`, so no rule that asks what a stack creates matches one.
                    ("data", [t, n]) if *t != "terraform_remote_state" => {
                        m.resources.push(Res { rtype: format!("data.{t}"), name: (*n).to_owned(), file: file.to_owned(), body: block.body().clone() })
                    }
                    ("module", [n]) => m.calls.push(Res { rtype: "module".into(), name: (*n).to_owned(), file: file.to_owned(), body: block.body().clone() }),
                    ("provider", [p]) => {
                        let alias = block.body().attributes().find(|a| a.key.as_str() == "alias").and_then(|a| match &a.expr {
                            Expression::String(s) => Some(s.clone()),
                            _ => None,
                        });
                        let region = block.body().attributes().find(|a| a.key.as_str() == "region").map(|a| a.expr.clone());
                        m.providers.insert(alias.map_or_else(|| (*p).to_owned(), |a| format!("{p}.{a}")), region);
                    }
                    ("output", [n]) => {
                        if let Some(a) = block.body().attributes().find(|a| a.key.as_str() == "value") {
                            m.outputs.insert((*n).to_owned(), a.expr.clone());
                        }
                    }
                    _ => {}
                }
            }
        }
        let m = Rc::new(m);
        self.modules.borrow_mut().insert(dir.to_owned(), m.clone());
        m
    }

    /// The `.tfvars` values of a stack in a state scope: `terraform.tfvars`, then `<scope>.tfvars`
    /// (the environment's, or the account's for a stack applied once per account).
    fn tfvars(&self, dir: &str, scope: &str) -> HashMap<String, V> {
        let mut vars = HashMap::new();
        for name in ["terraform.tfvars".to_owned(), format!("{scope}.tfvars")] {
            let file = format!("{dir}/{name}");
            let Some(text) = self.tree.get(&file) else { continue };
            match hcl::from_str::<hcl::Value>(text) {
                Ok(hcl::Value::Object(o)) => vars.extend(o.iter().map(|(k, v)| (k.clone(), from_hcl(v)))),
                Ok(_) => {}
                Err(e) => self.errors.borrow_mut().push((file, e.to_string())),
            }
        }
        vars
    }

    fn instance(&self, dir: &str, given: HashMap<String, V>, path: String, depth: usize, regions: HashMap<String, Option<String>>) -> Rc<Instance> {
        let module = self.module(dir);
        let mut inst = Instance { module: module.clone(), vars: HashMap::new(), locals: RefCell::new(HashMap::new()), children: RefCell::new(HashMap::new()), path, depth, regions };
        let mut vars = HashMap::new();
        for (name, default) in &module.variables {
            let v = match given.get(name) {
                Some(v) => v.clone(),
                None => default.as_ref().map_or(V::Unknown, |d| self.eval(&inst, &Scope::default(), d)),
            };
            vars.insert(name.clone(), v);
        }
        inst.vars = vars;
        // A root stack's own provider blocks say where its resources go.
        for (name, region) in &module.providers {
            let r = region.as_ref().and_then(|e| self.eval(&inst, &Scope::default(), e).as_str());
            inst.regions.insert(name.clone(), r);
        }
        Rc::new(inst)
    }

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

    fn key(&self, inst: &Instance, scope: &Scope, k: &ObjectKey) -> Option<String> {
        match k {
            ObjectKey::Identifier(i) => Some(i.to_string()),
            ObjectKey::Expression(e) => self.eval(inst, scope, e).as_str(),
            _ => None,
        }
    }

    /// The instances of a resource or module call: each with its `each`/`count` scope and key.
    fn expand(&self, inst: &Instance, res: &Res) -> Vec<(String, Scope)> {
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

    fn child(&self, inst: &Instance, call: &Res, label: &str, scope: &Scope) -> Option<Rc<Instance>> {
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

    fn eval(&self, inst: &Instance, scope: &Scope, expr: &Expression) -> V {
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

fn binary(op: BinaryOperator, l: &V, r: &V) -> V {
    use BinaryOperator as B;
    match op {
        B::Eq | B::NotEq => {
            if *l == V::Unknown || *r == V::Unknown {
                return V::Unknown;
            }
            let eq = l == r || (l.as_str().is_some() && l.as_str() == r.as_str());
            V::Bool(if op == B::Eq { eq } else { !eq })
        }
        B::And | B::Or => match (l.truthy(), r.truthy()) {
            (Some(a), Some(b)) => V::Bool(if op == B::And { a && b } else { a || b }),
            (Some(false), _) | (_, Some(false)) if op == B::And => V::Bool(false),
            (Some(true), _) | (_, Some(true)) if op == B::Or => V::Bool(true),
            _ => V::Unknown,
        },
        _ => {
            let (Some(a), Some(b)) = (l.num(), r.num()) else { return V::Unknown };
            match op {
                B::Plus => V::Num(a + b),
                B::Minus => V::Num(a - b),
                B::Mul => V::Num(a * b),
                B::Div => V::Num(a / b),
                B::Mod => V::Num(a % b),
                B::Less => V::Bool(a < b),
                B::LessEq => V::Bool(a <= b),
                B::Greater => V::Bool(a > b),
                B::GreaterEq => V::Bool(a >= b),
                _ => V::Unknown,
            }
        }
    }
}

fn strs(args: &[V]) -> Option<Vec<String>> {
    args.iter().map(V::as_str).collect()
}

fn list(v: &V) -> Option<Vec<V>> {
    match v {
        V::List(l) => Some(l.clone()),
        _ => None,
    }
}

/// The functions the modules use for names and collections; anything else is unknown.
fn call(name: &str, args: &[V]) -> V {
    let s = |i: usize| args.get(i).and_then(V::as_str);
    let out = match name {
        "lower" => s(0).map(|x| V::Str(x.to_lowercase())),
        "upper" => s(0).map(|x| V::Str(x.to_uppercase())),
        "trimspace" => s(0).map(|x| V::Str(x.trim().to_owned())),
        "trimsuffix" => s(0).zip(s(1)).map(|(x, y)| V::Str(x.strip_suffix(y.as_str()).unwrap_or(&x).to_owned())),
        "trimprefix" => s(0).zip(s(1)).map(|(x, y)| V::Str(x.strip_prefix(y.as_str()).unwrap_or(&x).to_owned())),
        "replace" => match (s(0), s(1), s(2)) {
            (Some(x), Some(from), Some(to)) if !(from.starts_with('/') && from.ends_with('/') && from.len() > 1) => Some(V::Str(x.replace(&from, &to))),
            _ => None,
        },
        "substr" => match (s(0), args.get(1).and_then(V::num), args.get(2).and_then(V::num)) {
            (Some(x), Some(off), Some(len)) => {
                let chars: Vec<char> = x.chars().collect();
                let start = (off.max(0.0) as usize).min(chars.len());
                let end = if len < 0.0 { chars.len() } else { (start + len as usize).min(chars.len()) };
                Some(V::Str(chars[start..end].iter().collect()))
            }
            _ => None,
        },
        "format" => s(0).and_then(|f| format(&f, &args[1..])).map(V::Str),
        "join" => s(0).zip(args.get(1).and_then(list)).and_then(|(sep, l)| strs(&l).map(|p| V::Str(p.join(&sep)))),
        "split" => s(0).zip(s(1)).map(|(sep, x)| V::List(x.split(sep.as_str()).map(|p| V::Str(p.to_owned())).collect())),
        "concat" => args.iter().map(list).collect::<Option<Vec<_>>>().map(|ls| V::List(ls.concat())),
        "merge" => {
            let mut m = BTreeMap::new();
            for a in args {
                match a {
                    V::Map(x) => m.extend(x.clone()),
                    V::Null => {}
                    _ => return V::Unknown,
                }
            }
            Some(V::Map(m))
        }
        "keys" => match args.first() {
            Some(V::Map(m)) => Some(V::List(m.keys().map(|k| V::Str(k.clone())).collect())),
            _ => None,
        },
        "values" => match args.first() {
            Some(V::Map(m)) => Some(V::List(m.values().cloned().collect())),
            _ => None,
        },
        "toset" | "distinct" => args.first().and_then(list).map(|l| {
            let mut out: Vec<V> = Vec::new();
            for v in l {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            V::List(out)
        }),
        "tolist" | "tomap" | "tostring" | "nonsensitive" => args.first().cloned(),
        "sort" => args.first().and_then(list).and_then(|l| strs(&l)).map(|mut l| {
            l.sort();
            V::List(l.into_iter().map(V::Str).collect())
        }),
        "length" => match args.first() {
            Some(V::List(l)) => Some(V::Num(l.len() as f64)),
            Some(V::Map(m)) => Some(V::Num(m.len() as f64)),
            Some(V::Str(x)) => Some(V::Num(x.chars().count() as f64)),
            _ => None,
        },
        "coalesce" => args.iter().find(|a| !matches!(a, V::Null | V::Unknown) && a.as_str().is_none_or(|x| !x.is_empty())).cloned().filter(|_| !args.contains(&V::Unknown)),
        "lookup" => match (args.first(), s(1)) {
            (Some(V::Map(m)), Some(k)) => m.get(&k).cloned().or_else(|| args.get(2).cloned()),
            _ => None,
        },
        "try" => args.iter().find(|a| **a != V::Unknown).cloned(),
        "contains" => args.first().and_then(list).zip(args.get(1)).and_then(|(l, x)| {
            if l.contains(&V::Unknown) || *x == V::Unknown { None } else { Some(V::Bool(l.contains(x))) }
        }),
        "startswith" => s(0).zip(s(1)).map(|(x, p)| V::Bool(x.starts_with(&p))),
        "endswith" => s(0).zip(s(1)).map(|(x, p)| V::Bool(x.ends_with(&p))),
        "strcontains" => s(0).zip(s(1)).map(|(x, p)| V::Bool(x.contains(&p))),
        "element" => args.first().and_then(list).zip(args.get(1).and_then(V::num)).and_then(|(l, i)| if l.is_empty() { None } else { l.get(i as usize % l.len()).cloned() }),
        "flatten" => args.first().and_then(list).map(|l| V::List(l.into_iter().flat_map(|v| list(&v).unwrap_or_else(|| vec![v])).collect())),
        "range" => match (args.first().and_then(V::num), args.get(1).and_then(V::num)) {
            (Some(n), None) => Some(V::List((0..n as i64).map(|i| V::Num(i as f64)).collect())),
            (Some(a), Some(b)) => Some(V::List((a as i64..b as i64).map(|i| V::Num(i as f64)).collect())),
            _ => None,
        },
        "anytrue" => args.first().and_then(list).map(|l| l.iter().map(V::truthy).collect::<Option<Vec<_>>>().map_or(V::Unknown, |b| V::Bool(b.iter().any(|x| *x)))),
        _ => None,
    };
    out.unwrap_or(V::Unknown)
}

/// `format()` with the verbs the modules use: `%s`, `%d`, `%v`, `%%`.
fn format(f: &str, args: &[V]) -> Option<String> {
    let mut out = String::new();
    let mut it = f.chars();
    let mut next = args.iter();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match it.next()? {
            '%' => out.push('%'),
            's' | 'd' | 'v' => out.push_str(&next.next()?.as_str()?),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> Tree {
        Tree::from_files(files.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())))
    }

    #[test]
    fn names_flow_through_module_calls_tfvars_locals_and_for_each() {
        let t = tree(&[
            ("terraform/stacks/dev-x/terraform.tfvars", "env = \"dev\"\nregion = \"us-east-1\"\nqueues = { a = { n = \"one\" }, b = { n = \"two\" } }\n"),
            ("terraform/stacks/dev-x/variables.tf", "variable \"env\" {}\nvariable \"region\" {}\nvariable \"queues\" {}\n"),
            (
                "terraform/stacks/dev-x/main.tf",
                "locals { prefix = \"p-${var.env}\" }\nmodule \"kms\" {\n  source = \"../../modules/kms\"\n  alias = format(\"%s-%s\", local.prefix, var.region)\n}\nresource \"aws_sqs_queue\" \"q\" {\n  for_each = var.queues\n  name = lower(\"${local.prefix}-${each.value.n}\")\n}\nresource \"aws_iam_role\" \"r\" {\n  name = module.kms.alias_name\n}\n",
            ),
            ("terraform/modules/kms/variables.tf", "variable \"alias\" {}\nvariable \"unused\" { default = \"d\" }\n"),
            ("terraform/modules/kms/main.tf", "resource \"aws_kms_key\" \"this\" {}\nresource \"aws_kms_alias\" \"this\" {\n  name = \"alias/${var.alias}\"\n  target_key_id = aws_kms_key.this.key_id\n}\n"),
            ("terraform/modules/kms/outputs.tf", "output \"alias_name\" { value = aws_kms_alias.this.name }\n"),
        ]);
        let ev = Evaluator::new(&t);
        let created = ev.stack("dev-x", "dev");
        let names: Vec<(String, Option<String>)> = created.iter().map(|c| (c.address.clone(), c.attr("name"))).collect();
        assert_eq!(
            names,
            [
                ("aws_sqs_queue.q[\"a\"]".to_owned(), Some("p-dev-one".to_owned())),
                ("aws_sqs_queue.q[\"b\"]".to_owned(), Some("p-dev-two".to_owned())),
                ("aws_iam_role.r".to_owned(), Some("alias/p-dev-us-east-1".to_owned())),
                ("module.kms.aws_kms_key.this".to_owned(), None),
                ("module.kms.aws_kms_alias.this".to_owned(), Some("alias/p-dev-us-east-1".to_owned())),
            ]
        );
        assert_eq!(created[4].attrs.get("target_key_id"), Some(&V::Unknown));
        assert!(ev.errors.borrow().is_empty());
    }

    #[test]
    fn a_replicated_secret_exists_in_each_replica_region() {
        let t = tree(&[
            ("terraform/stacks/dev-x/terraform.tfvars", "region = \"us-east-1\"\n"),
            ("terraform/stacks/dev-x/variables.tf", "variable \"region\" {}\n"),
            ("terraform/stacks/dev-x/providers.tf", "provider \"aws\" {\n  region = var.region\n}\n"),
            (
                "terraform/stacks/dev-x/main.tf",
                "module \"s\" {\n  source = \"../../modules/secrets\"\n  replicas = { \"us-west-2\" = null }\n}\nresource \"aws_secretsmanager_secret\" \"lit\" {\n  name = \"b\"\n  replica {\n    region = \"eu-west-1\"\n  }\n}\n",
            ),
            ("terraform/modules/secrets/variables.tf", "variable \"replicas\" { default = {} }\n"),
            (
                "terraform/modules/secrets/main.tf",
                "resource \"aws_secretsmanager_secret\" \"this\" {\n  name = \"a\"\n  dynamic \"replica\" {\n    for_each = var.replicas\n    content {\n      region = replica.key\n    }\n  }\n}\n",
            ),
        ]);
        let ev = Evaluator::new(&t);
        let mut found: Vec<(Option<String>, Option<String>)> = ev.stack("dev-x", "dev").iter().map(|c| (c.attr("name"), c.region.clone())).collect();
        found.sort();
        let some = |a: &str, r: &str| (Some(a.to_owned()), Some(r.to_owned()));
        assert_eq!(found, [some("a", "us-east-1"), some("a", "us-west-2"), some("b", "eu-west-1"), some("b", "us-east-1")]);
    }

    #[test]
    fn functions() {
        assert_eq!(call("substr", &[V::Str("abcdef".into()), V::Num(1.0), V::Num(3.0)]), V::Str("bcd".into()));
        assert_eq!(call("replace", &[V::Str("a.b.c".into()), V::Str(".".into()), V::Str("-".into())]), V::Str("a-b-c".into()));
        assert_eq!(call("join", &[V::Str("-".into()), V::List(vec![V::Str("a".into()), V::Num(2.0)])]), V::Str("a-2".into()));
        assert_eq!(call("format", &[V::Str("%s-%d%%".into()), V::Str("x".into()), V::Num(3.0)]), V::Str("x-3%".into()));
        assert_eq!(call("merge", &[V::Map(BTreeMap::new()), V::Unknown]), V::Unknown);
        assert_eq!(call("jsonencode", &[V::Null]), V::Unknown);
    }
}
