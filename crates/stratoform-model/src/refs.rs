//! `${...}` references in Helm values and alarm dimensions, resolved against the model.
//!
//! Renderers supply what a reference means in their layer (a Terraform expression or a literal
//! value); this module finds and replaces them, and lists the ones it could not resolve.

/// Replaces every `${key}` in `text` with `lookup(key)`; returns the unresolved keys.
pub fn substitute(text: &str, mut lookup: impl FnMut(&str) -> Option<String>) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut missing = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let key = &after[..end];
                match lookup(key) {
                    Some(v) => out.push_str(&v),
                    None => {
                        missing.push(key.to_owned());
                        out.push_str(&rest[start..start + 3 + end]);
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    (out, missing)
}

/// Applies [`substitute`] to every string in a JSON value.
pub fn substitute_json(value: &mut serde_json::Value, lookup: &mut dyn FnMut(&str) -> Option<String>, missing: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => {
            let (new, miss) = substitute(s, &mut *lookup);
            *s = new;
            missing.extend(miss);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| substitute_json(v, lookup, missing)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| substitute_json(v, lookup, missing)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_and_reports_missing() {
        let (s, missing) = substitute("a-${x}-${y}-b", |k| (k == "x").then(|| "1".to_owned()));
        assert_eq!(s, "a-1-${y}-b");
        assert_eq!(missing, vec!["y".to_owned()]);
    }
}
