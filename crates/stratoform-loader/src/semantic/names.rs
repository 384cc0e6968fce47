//! Duplicate names in every named list. They are read from the document itself, not from the
//! typed spec, so that they are reported whatever is malformed elsewhere: salvage may cut a whole
//! list to get past a bad value in one of its items, and a duplicate in it would go unseen.

use std::collections::BTreeMap;

use serde_json::Value;
use stratoform_diagnostics::{codes, Diagnostic};

use crate::tree::{span_of, spec_path, SpanMap};

/// How an item of a list is named.
#[derive(Clone, Copy)]
enum Key {
    /// By one string field.
    Field(&'static str),
    /// A workload: by `namespace/name`.
    Workload,
}

impl Key {
    /// The name of an item; `None` when it has none (a structural error reports that).
    fn of(self, item: &Value) -> Option<String> {
        let field = |f: &str| item.get(f).and_then(Value::as_str);
        match self {
            Self::Field(f) => field(f).map(str::to_owned),
            Self::Workload => Some(format!("{}/{}", field("namespace")?, field("name")?)),
        }
    }
    /// The field that holds the name, for the span and the message.
    fn field(self) -> &'static str {
        match self {
            Self::Field(f) => f,
            Self::Workload => "name",
        }
    }
}

const NAME: Key = Key::Field("name");

/// The named lists under a region, and under a cluster.
const REGION_LISTS: [&str; 12] = [
    "vpcs", "clusters", "buckets", "databases", "caches", "documentDbs", "searchDomains", "fileSystems", "hosts", "loadBalancers", "peerings", "certificates",
];
const CLUSTER_LISTS: [(&str, Key); 10] = [
    ("nodeGroups", NAME),
    ("nodePools", NAME),
    ("addons", NAME),
    ("charts", Key::Field("release")),
    ("roles", NAME),
    ("namespaces", NAME),
    ("gateways", NAME),
    ("workloads", Key::Workload),
    ("issuers", NAME),
    ("storageClasses", NAME),
];

/// Reports two items of one list with the same name, in a (merged) document.
pub fn check(doc: &Value, spans: &SpanMap) -> Vec<Diagnostic> {
    let mut lists: Vec<(String, Key)> = ["/environments", "/regions", "/identity/kmsKeys", "/identity/secrets", "/identity/policies"]
        .into_iter()
        .map(|p| (p.to_owned(), NAME))
        .collect();
    lists.push(("/edge/zones".into(), Key::Field("domain")));
    lists.push(("/scenarios".into(), NAME));
    lists.push(("/manualSteps".into(), NAME));
    for (ri, region) in items(doc, "/regions") {
        let rp = format!("/regions/{ri}");
        lists.extend(REGION_LISTS.iter().map(|l| (format!("{rp}/{l}"), NAME)));
        for (ci, _) in items(region, "/clusters") {
            let cp = format!("{rp}/clusters/{ci}");
            lists.extend(CLUSTER_LISTS.iter().map(|(l, key)| (format!("{cp}/{l}"), *key)));
        }
    }
    let mut out = Vec::new();
    for (ptr, key) in lists {
        let mut first: BTreeMap<String, usize> = BTreeMap::new();
        for (i, item) in items(doc, &ptr) {
            let Some(name) = key.of(item) else { continue };
            match first.get(&name) {
                Some(&j) => {
                    let field = key.field();
                    let item = format!("{ptr}/{i}");
                    let here = format!("{item}/{field}");
                    let there = format!("{ptr}/{j}/{field}");
                    let span = |p: &str| span_of(spans, p).map(|s| s.value);
                    out.push(
                        Diagnostic::error(codes::DUPLICATE_NAME, format!("duplicate {field} `{name}` in `{}`", spec_path(&ptr)))
                            .with_path(spec_path(&item))
                            .with_span(span(&here).or(span(&item)), "used again here")
                            .with_secondary(span(&there), "first used here")
                            .with_help(format!("give each item of `{}` its own {field}", spec_path(&ptr))),
                    );
                }
                None => {
                    first.insert(name, i);
                }
            }
        }
    }
    out
}

/// The items of the list at `pointer` (none when it is not a list).
fn items<'a>(doc: &'a Value, pointer: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    doc.pointer(pointer).and_then(Value::as_array).into_iter().flatten().enumerate()
}
