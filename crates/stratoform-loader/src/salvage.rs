//! Salvage: when part of a spec is malformed, the rest is still checked. Each offending value is
//! cut back to the nearest enclosing field the schema does not require, and the semantic checks
//! run on what remains, so one run reports a typo in one place and an overlap in another.
//! Findings that the cut itself could cause are dropped: every dangling reference, missing tier
//! or account (their target may have been cut), and anything inside an object that lost a field.
//! Cutting a key the schema does not define loses nothing the typed spec would hold, so when only
//! such keys were cut (misspelt or unknown keys), every finding is kept: an unknown key in one
//! place never hides a dangling reference or an impossible bound in another.

use serde_json::Value;
use stratoform_diagnostics::{codes, Diagnostic};
use stratoform_spec::Platform;

use crate::tree::{spec_path, unescape, SpanMap};
use crate::{semantic, structure, LoadedEnvironment};

/// How many cut-and-revalidate rounds to try before giving up.
const ROUNDS: usize = 8;

/// The semantic findings of what remains of `doc` once the values at `pointers` are cut.
pub fn semantic_findings(env: &str, mut doc: Value, mut pointers: Vec<String>, spans: &SpanMap) -> Vec<Diagnostic> {
    let mut pruned: Vec<Cut> = Vec::new();
    for _ in 0..ROUNDS {
        let removed = cut(&mut doc, &pointers);
        if removed.is_empty() {
            return Vec::new();
        }
        pruned.extend(removed.into_iter().filter(|c| !cut_only_an_unknown_key(&c.pointer)));
        let (errors, next) = structure::validate_with_pointers(&doc, spans);
        if !errors.is_empty() {
            pointers = next;
            continue;
        }
        match serde_path_to_error::deserialize::<_, Platform>(&doc) {
            Ok(platform) => {
                let loaded = LoadedEnvironment { name: env.to_owned(), platform, spans: spans.clone() };
                return semantic::validate(&loaded).into_iter().filter(|d| unaffected(d, &pruned)).collect();
            }
            Err(e) => pointers = vec![crate::to_pointer(&e.path().to_string())],
        }
    }
    Vec::new()
}

/// Removes the nearest optional field enclosing each pointer; returns what was removed.
pub fn prune(doc: &mut Value, pointers: &[String]) -> Vec<String> {
    cut(doc, pointers).into_iter().map(|c| c.pointer).collect()
}

/// A field cut from the document.
struct Cut {
    /// Where it was.
    pointer: String,
    /// Whether it held a list (of items the spec names), not a value of its object.
    list: bool,
}

/// [`prune`], saying of each cut whether it held a list.
fn cut(doc: &mut Value, pointers: &[String]) -> Vec<Cut> {
    let mut removed: Vec<Cut> = Vec::new();
    // What was cut, to skip pointers inside it by looking up their ancestors (not every cut).
    let mut cut_set: std::collections::HashSet<String> = std::collections::HashSet::new();
    for pointer in pointers {
        if ancestors(pointer).any(|a| cut_set.contains(a)) {
            continue;
        }
        let mut at = pointer.as_str();
        while let Some(cut) = at.rfind('/') {
            let (parent, key) = (&at[..cut], unescape(&at[cut + 1..]));
            let parent_is_object = doc.pointer(parent).is_some_and(Value::is_object);
            if parent_is_object && structure::is_required(parent, &key) == Some(false) {
                if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
                    let list = map.remove(&key).is_some_and(|v| v.is_array());
                    removed.push(Cut { pointer: at.to_owned(), list });
                    cut_set.insert(at.to_owned());
                }
                break;
            }
            at = parent;
        }
    }
    removed
}

/// Whether the cut at `pointer` removed a key the schema does not define.
fn cut_only_an_unknown_key(pointer: &str) -> bool {
    pointer.rfind('/').is_some_and(|cut| structure::is_unknown_key(&pointer[..cut], &unescape(&pointer[cut + 1..])))
}

/// Whether a finding cannot have been caused by cutting `pruned` (the cuts of defined fields). A
/// cut value may change what its object means, so findings in that object go; a cut list only
/// empties itself, so findings inside the object's other lists and maps stay (an item with a
/// missing field in `hosts` does not hide a bound in `clusters`).
fn unaffected(d: &Diagnostic, pruned: &[Cut]) -> bool {
    if pruned.is_empty() {
        return true;
    }
    if [codes::DANGLING_REFERENCE, codes::MISSING_TIER, codes::MISSING_ACCOUNT].contains(&d.code.as_str()) {
        return false;
    }
    let Some(path) = &d.path else { return false };
    !pruned.iter().any(|c| {
        let p = c.pointer.as_str();
        let within = |scope: &str| path == scope || path.starts_with(&format!("{scope}.")) || path.starts_with(&format!("{scope}["));
        // The object that lost a field (or, for a top-level field, the field itself).
        let object = match p.rfind('/') {
            Some(0) | None => p,
            Some(cut) => &p[..cut],
        };
        let object = spec_path(object);
        if !c.list {
            return within(&object);
        }
        // A cut list: the list itself, and the object's own values (not what its other fields hold).
        let own = path.strip_prefix(&format!("{object}.")).is_some_and(|rest| !rest.contains(['.', '[']));
        within(&spec_path(p)) || path == &object || own
    })
}

/// The pointer itself and every pointer that encloses it (`/a/b/c`, `/a/b`, `/a`).
fn ancestors(pointer: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(pointer), |p| p.rfind('/').filter(|&i| i > 0).map(|i| &p[..i]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cuts_back_to_the_nearest_optional_field() {
        let mut doc = json!({"apiVersion": "x", "regions": [{"name": "us-east-1", "clusters": [{"name": "a", "bogus": 1}]}]});
        let removed = prune(&mut doc, &["/regions/0/clusters/0/bogus".into()]);
        assert_eq!(removed, ["/regions/0/clusters/0/bogus"]);
        assert_eq!(doc["regions"][0]["clusters"][0], json!({"name": "a"}));
        // `name` is required, so the whole (optional) `clusters` list goes.
        let removed = prune(&mut doc, &["/regions/0/clusters/0/name".into()]);
        assert_eq!(removed, ["/regions/0/clusters"]);
        // Nothing optional encloses a required root field.
        assert!(prune(&mut doc, &["/apiVersion".into()]).is_empty());
    }

    #[test]
    fn an_unknown_key_is_a_harmless_cut() {
        assert!(cut_only_an_unknown_key("/regions/0/clusters/0/bogus"));
        assert!(cut_only_an_unknown_key("/metadata/onwer"));
        assert!(!cut_only_an_unknown_key("/regions/0/clusters/0/vpc"));
        assert!(!cut_only_an_unknown_key("/regions/0/clusters"));
    }
}
