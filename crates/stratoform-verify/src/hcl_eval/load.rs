//! Reading a module folder once (its resources, calls, variables, locals, outputs and providers),
//! a stack's `.tfvars`, and instances of a module with their arguments.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use hcl::expr::Expression;

use super::value::from_hcl;
use super::{Evaluator, Instance, Module, Res, Scope, V};

impl Evaluator<'_> {
    pub(super) fn module(&self, dir: &str) -> Rc<Module> {
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
    pub(super) fn tfvars(&self, dir: &str, scope: &str) -> HashMap<String, V> {
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

    pub(super) fn instance(&self, dir: &str, given: HashMap<String, V>, path: String, depth: usize, regions: HashMap<String, Option<String>>) -> Rc<Instance> {
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
}
