//! A small static evaluator over rendered Terraform: what each stack creates, with the names it
//! gives them, read from the HCL alone.
//!
//! It follows module calls (`source = "../../modules/x"`) with their arguments, variable
//! defaults and `.tfvars`, locals, `var.`/`local.`/`each.`/`count.` references, `for_each` and
//! `count`, `for` expressions, conditionals and the functions the modules use for names. What
//! only exists after apply (IDs, data sources, ARNs the provider computes) is [`V::Unknown`],
//! and an unknown never matches a name.
//!
//! Its files, one concept each:
//!
//! - `value`: the values ([`V`]), conversions from HCL and the binary operators.
//! - `load`: a module folder read once, a stack's `.tfvars`, instances of a module.
//! - `collect`: `for_each`/`count` expansion, module calls, what each instance creates, and the
//!   `kubernetes_files` output's `templatefile()` calls.
//! - `eval`: expressions, references and templates.
//! - `functions`: the Terraform functions the modules call.

mod collect;
mod eval;
mod functions;
mod load;
mod value;

#[cfg(test)]
mod tests;

pub use value::V;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use hcl::expr::Expression;
use hcl::Body;

use crate::tree::Tree;

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
}
