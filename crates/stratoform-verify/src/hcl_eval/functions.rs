//! The Terraform functions the modules use for names and collections, and `format()`.

use std::collections::BTreeMap;

use super::value::{list, strs};
use super::V;

/// The functions the modules use for names and collections; anything else is unknown.
pub(super) fn call(name: &str, args: &[V]) -> V {
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
pub(super) fn format(f: &str, args: &[V]) -> Option<String> {
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
