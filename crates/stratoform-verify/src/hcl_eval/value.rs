//! The values the evaluator computes ([`V`]), their conversions and the binary operators on them.

use std::collections::BTreeMap;

use hcl::expr::BinaryOperator;

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
    pub(super) fn truthy(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            V::Str(s) if s == "true" => Some(true),
            V::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }
    pub(super) fn num(&self) -> Option<f64> {
        match self {
            V::Num(n) => Some(*n),
            V::Str(s) => s.parse().ok(),
            _ => None,
        }
    }
    pub(super) fn get(&self, key: &str) -> V {
        match self {
            V::Map(m) => m.get(key).cloned().unwrap_or(V::Unknown),
            V::List(l) => key.parse::<usize>().ok().and_then(|i| l.get(i).cloned()).unwrap_or(V::Unknown),
            _ => V::Unknown,
        }
    }
    /// The entries to iterate: `(key, value)` of a map, `(index, value)` of a list.
    pub(super) fn entries(&self) -> Option<Vec<(V, V)>> {
        match self {
            V::Map(m) => Some(m.iter().map(|(k, v)| (V::Str(k.clone()), v.clone())).collect()),
            V::List(l) => Some(l.iter().enumerate().map(|(i, v)| (V::Num(i as f64), v.clone())).collect()),
            V::Null => Some(Vec::new()),
            _ => None,
        }
    }
}

pub(super) fn from_hcl(v: &hcl::Value) -> V {
    match v {
        hcl::Value::Null => V::Null,
        hcl::Value::Bool(b) => V::Bool(*b),
        hcl::Value::Number(n) => V::Num(n.as_f64().unwrap_or(0.0)),
        hcl::Value::String(s) => V::Str(s.clone()),
        hcl::Value::Array(a) => V::List(a.iter().map(from_hcl).collect()),
        hcl::Value::Object(o) => V::Map(o.iter().map(|(k, v)| (k.clone(), from_hcl(v))).collect()),
    }
}

pub(super) fn binary(op: BinaryOperator, l: &V, r: &V) -> V {
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

pub(super) fn strs(args: &[V]) -> Option<Vec<String>> {
    args.iter().map(V::as_str).collect()
}

pub(super) fn list(v: &V) -> Option<Vec<V>> {
    match v {
        V::List(l) => Some(l.clone()),
        _ => None,
    }
}
