//! Docs facts: every DNS zone, DNS record and ECR pull-through cache that an environment's docs
//! show is created by a resource of a stack the environment applies. A fact that only the docs
//! carry is a promise nobody keeps: the record the on-call engineer reads about does not resolve.
//!
//! The tables are read from the rendered `docs/<env>/traffic.md` and `docs/<env>/data.md`, by
//! their column headers, so a renamed column fails loudly in the mutation tests rather than
//! silently proving nothing.

use crate::finding::{self, Finding};
use crate::hcl_eval::Created;
use crate::tree::Tree;
use crate::Links;

/// The rows of the table whose header row starts with `first`, as (line, cells by header).
fn table(text: &str, first: &str) -> Vec<(usize, Vec<(String, String)>)> {
    let mut rows = Vec::new();
    let mut header: Option<Vec<String>> = None;
    for (i, line) in text.lines().enumerate() {
        let cells: Vec<String> = line.trim().strip_prefix('|').and_then(|l| l.strip_suffix('|')).map(|l| l.split('|').map(|c| c.trim().to_owned()).collect()).unwrap_or_default();
        match &header {
            _ if cells.is_empty() => header = None,
            None if cells.first().is_some_and(|c| c == first) => header = Some(cells),
            None => {}
            Some(_) if cells.iter().all(|c| c.chars().all(|ch| ch == '-' || ch == ':')) => {}
            Some(h) => rows.push((i + 1, h.iter().cloned().zip(cells).collect())),
        }
    }
    rows
}

fn cell<'a>(row: &'a [(String, String)], name: &str) -> &'a str {
    row.iter().find(|(h, _)| h == name).map_or("", |(_, v)| v.as_str())
}

/// Whether some stack creates a resource of one of `types` whose `attr` is `value`.
fn created_with(created: &[Created], types: &[&str], attr: &str, value: &str) -> bool {
    let trim = |s: &str| s.trim_end_matches('.').to_ascii_lowercase();
    created.iter().any(|c| types.contains(&c.rtype.as_str()) && c.attr(attr).is_some_and(|v| trim(&v) == trim(value)))
}

/// Proves the docs facts of one environment.
pub fn prove(tree: &Tree, env: &str, created: &[Created], findings: &mut Vec<Finding>, links: &mut Links) {
    let mut check = |file: &str, line: usize, ok: bool, what: String, help: &str| {
        *links.entry("docs").or_default() += 1;
        if !ok {
            findings.push(Finding::new(finding::DOCS_NOT_ENACTED, file, line, what, help));
        }
    };
    let traffic = format!("docs/{env}/traffic.md");
    if let Some(text) = tree.get(&traffic) {
        for (line, row) in table(text, "Zone") {
            let (zone, provider, managed) = (cell(&row, "Zone"), cell(&row, "Provider"), cell(&row, "Managed"));
            if managed != "yes" {
                continue;
            }
            let (types, attr): (&[&str], &str) = if provider == "Cloudflare" { (&["cloudflare_zone"], "zone") } else { (&["aws_route53_zone"], "name") };
            check(
                &traffic,
                line,
                created_with(created, types, attr, zone),
                format!("the docs show the {provider} zone `{zone}` as managed by stratoform, and no stack `{env}` applies creates it"),
                "create the zone in the stack that owns it (the long-lived stack, or the environment's primary-region stack for a private or ephemeral zone), or mark it `managed: false` in the spec",
            );
        }
        for (line, row) in table(text, "Name").into_iter().filter(|(_, r)| r.iter().any(|(h, _)| h == "Points to")) {
            let name = cell(&row, "Name");
            check(
                &traffic,
                line,
                created_with(created, &["aws_route53_record", "cloudflare_record", "cloudflare_dns_record"], "name", name),
                format!("the docs show the DNS record `{name}`, and no stack `{env}` applies creates it"),
                "render the record in the stack of its zone (literal values in the zone's stack, load balancer aliases in the environment or edge stack)",
            );
        }
    }
    let data = format!("docs/{env}/data.md");
    if let Some(text) = tree.get(&data) {
        for (line, row) in table(text, "Pull-through cache") {
            let prefix = cell(&row, "Pull-through cache");
            check(
                &data,
                line,
                created_with(created, &["aws_ecr_pull_through_cache_rule"], "ecr_repository_prefix", prefix),
                format!("the docs show the ECR pull-through cache `{prefix}`, and no stack `{env}` applies creates its rule"),
                "create the rule (and its credentials secret) in the long-lived stack of the cache's region",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_read_by_header() {
        let text = "# T\n\n| Zone | Managed |\n|---|---|\n| a.com | yes |\n| b.com | no |\n\nafter\n| Zone | x |\n";
        let rows = table(text, "Zone");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 5);
        assert_eq!(cell(&rows[1].1, "Managed"), "no");
        assert_eq!(cell(&rows[1].1, "Zone"), "b.com");
    }
}
