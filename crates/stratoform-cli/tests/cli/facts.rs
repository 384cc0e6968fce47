//! Seed fidelity: each example keeps beside its spec a list of the facts its reference write-up
//! states (`examples/<name>/facts.yaml`), each with where in the rendered tree it takes effect (a
//! path or glob under `rendered/`) and a pattern that must match there. A fact counts only where
//! it is enacted, so files under `rendered/docs/` never satisfy one.

use std::path::Path;

use regex::Regex;

use crate::{examples, files_below, root};

/// The fewest facts a seed's list may hold.
const MIN_FACTS: usize = 20;

/// One stated fact of a seed and where the rendered output enacts it.
#[derive(Debug, Clone)]
struct Fact {
    /// The fact, in words.
    fact: String,
    /// A path or glob relative to `rendered/` (`*` within a folder, `**` across folders, `{a,b}`).
    glob: String,
    /// A regex that must match in at least one of the files the glob names.
    pattern: String,
}

/// A rendered file: its path relative to `rendered/` and its text.
type File = (String, String);

/// Reads the facts of a YAML list of `{fact, in, pattern}` maps (an optional `where` is ignored).
fn parse_facts(text: &str) -> Result<Vec<Fact>, String> {
    let docs = yaml_rust2::YamlLoader::load_from_str(text).map_err(|e| format!("not YAML: {e}"))?;
    let Some(list) = docs.first().and_then(|d| d.as_vec()) else {
        return Err("not a YAML list".into());
    };
    list.iter()
        .enumerate()
        .map(|(i, item)| {
            let map = item.as_hash().ok_or_else(|| format!("entry {}: not a map", i + 1))?;
            for key in map.keys() {
                let key = key.as_str().unwrap_or_default();
                if !matches!(key, "fact" | "in" | "pattern" | "where") {
                    return Err(format!("entry {}: unknown key `{key}`", i + 1));
                }
            }
            let field = |k: &str| item[k].as_str().map(str::to_owned).ok_or_else(|| format!("entry {}: `{k}` is missing or not a string", i + 1));
            Ok(Fact { fact: field("fact")?, glob: field("in")?, pattern: field("pattern")? })
        })
        .collect()
}

/// The facts of one example, or why there are none.
fn facts_of(example: &Path) -> Result<Vec<Fact>, String> {
    let path = example.join("facts.yaml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_facts(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A glob as an anchored regex over `/`-separated paths.
fn glob_regex(glob: &str) -> Regex {
    let mut re = String::from("^");
    let mut braces = 0;
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                if chars.peek() == Some(&'/') {
                    chars.next();
                    re.push_str("(?:[^/]+/)*");
                } else {
                    re.push_str(".*");
                }
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '{' => {
                braces += 1;
                re.push_str("(?:");
            }
            '}' if braces > 0 => {
                braces -= 1;
                re.push(')');
            }
            ',' if braces > 0 => re.push('|'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).unwrap_or_else(|e| panic!("glob `{glob}`: {e}"))
}

/// Checks one fact against a rendered tree held in memory; `Err` says why it is not enacted.
fn check_fact(fact: &Fact, files: &[File]) -> Result<(), String> {
    let pattern = Regex::new(&fact.pattern).map_err(|e| format!("the pattern does not compile: {e}"))?;
    let wanted = glob_regex(&fact.glob);
    let named: Vec<&File> = files.iter().filter(|(p, _)| wanted.is_match(p) && !p.starts_with("docs/")).collect();
    if named.is_empty() {
        return Err("no rendered file outside docs/ matches the glob".into());
    }
    if named.iter().any(|(_, text)| pattern.is_match(text)) {
        return Ok(());
    }
    Err(format!("the pattern matches none of the {} file(s) the glob names", named.len()))
}

/// Checks every fact; each failure as `example: fact [in glob] /pattern/: why`.
fn failures(example: &str, facts: &[Fact], files: &[File]) -> Vec<String> {
    facts
        .iter()
        .filter_map(|f| check_fact(f, files).err().map(|why| format!("{example}: {}\n    in: {}\n    pattern: {}\n    {why}", f.fact, f.glob, f.pattern)))
        .collect()
}

/// The rendered tree of an example, read into memory (files that are not UTF-8 are read lossily).
fn rendered(example: &str) -> Vec<File> {
    let tree = root().join("examples").join(example).join("rendered");
    files_below(&tree)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(tree.join(&p)).expect("a rendered file");
            (p.to_string_lossy().replace('\\', "/"), String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

#[test]
fn every_seed_fact_is_enacted_in_the_rendered_output() {
    let mut problems = Vec::new();
    let mut total = 0;
    for (name, _) in examples() {
        let facts = match facts_of(&root().join("examples").join(&name)) {
            Ok(facts) => facts,
            Err(e) => {
                problems.push(format!("{name}: no fact list: {e}"));
                continue;
            }
        };
        if facts.len() < MIN_FACTS {
            problems.push(format!("{name}: {} facts, fewer than {MIN_FACTS}", facts.len()));
        }
        total += facts.len();
        problems.extend(failures(&name, &facts, &rendered(&name)));
    }
    assert!(total > 0, "no facts were read");
    assert!(problems.is_empty(), "{} seed fact(s) not enacted in the rendered output:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_fact_pattern_compiles_and_names_no_docs_file() {
    let mut bad = Vec::new();
    for (name, _) in examples() {
        for f in facts_of(&root().join("examples").join(&name)).unwrap_or_default() {
            if let Err(e) = Regex::new(&f.pattern) {
                bad.push(format!("{name}: {}: {e}", f.fact));
            }
            if f.glob.starts_with("docs/") {
                bad.push(format!("{name}: {}: `{}` names docs, where nothing takes effect", f.fact, f.glob));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn an_example_without_a_fact_list_fails() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let err = facts_of(dir.path()).expect_err("no facts.yaml");
    assert!(err.contains("facts.yaml"), "{err}");
    assert!(parse_facts("fact: not a list").is_err());
    assert!(parse_facts("- fact: a\n  in: b\n  pattern: c\n  typo: d").is_err());
    assert!(parse_facts("- fact: a\n  in: b").is_err());
}

#[test]
fn globs_match_by_folder() {
    assert!(glob_regex("terraform/stacks/*/main.tf").is_match("terraform/stacks/dev/main.tf"));
    assert!(!glob_regex("terraform/stacks/*/main.tf").is_match("terraform/stacks/dev/x/main.tf"));
    assert!(glob_regex("kubernetes/**/values.yaml").is_match("kubernetes/values.yaml"));
    assert!(glob_regex("kubernetes/**/values.yaml").is_match("kubernetes/a/b/values.yaml"));
    assert!(glob_regex("terraform/{stacks,modules}/**").is_match("terraform/modules/eks/main.tf"));
    assert!(!glob_regex("terraform/stacks/*.tf").is_match("terraform/stacks/a.tfx"));
    assert!(glob_regex("a,b.yaml").is_match("a,b.yaml"));
}

/// A real fact fails once the text it matched is altered, and a bad pattern is reported rather
/// than passing; the checker works on content held in memory.
#[test]
fn a_mutated_file_fails_its_fact() {
    let name = "oneconnect";
    let facts = facts_of(&root().join("examples").join(name)).expect("the oneconnect facts");
    let files = rendered(name);
    let fact = facts.first().expect("a fact").clone();
    assert_eq!(check_fact(&fact, &files), Ok(()));
    let pattern = Regex::new(&fact.pattern).expect("compiles");
    let wanted = glob_regex(&fact.glob);
    let mutated: Vec<File> = files
        .iter()
        .map(|(p, text)| if wanted.is_match(p) { (p.clone(), pattern.replace_all(text, "<altered>").into_owned()) } else { (p.clone(), text.clone()) })
        .collect();
    let failed = failures(name, std::slice::from_ref(&fact), &mutated);
    assert_eq!(failed.len(), 1, "the altered text still satisfies `{}`", fact.fact);
    assert!(failed[0].contains(&fact.fact) && failed[0].contains(&fact.glob), "{}", failed[0]);
    eprintln!("as expected, the mutated tree fails:\n{}", failed[0]);
    let broken = Fact { pattern: "(unclosed".into(), ..fact.clone() };
    assert!(check_fact(&broken, &files).is_err_and(|e| e.contains("does not compile")));
    let nowhere = Fact { glob: "terraform/nowhere/*.tf".into(), ..fact };
    assert!(check_fact(&nowhere, &files).is_err_and(|e| e.contains("no rendered file")));
}

/// No fact of any list is vacuous: removing every match of its pattern from the files its glob
/// names makes it fail.
#[test]
fn every_fact_fails_when_its_matched_text_is_removed() {
    let mut vacuous = Vec::new();
    for (name, _) in examples() {
        let Ok(facts) = facts_of(&root().join("examples").join(&name)) else { continue };
        let files = rendered(&name);
        for fact in facts {
            let Ok(pattern) = Regex::new(&fact.pattern) else { continue };
            let wanted = glob_regex(&fact.glob);
            let cut: Vec<File> = files.iter().filter(|(p, _)| wanted.is_match(p)).map(|(p, t)| (p.clone(), pattern.replace_all(t, "").into_owned())).collect();
            if check_fact(&fact, &cut).is_ok() {
                vacuous.push(format!("{name}: {}", fact.fact));
            }
        }
    }
    assert!(vacuous.is_empty(), "facts that still pass with their matches removed:\n{}", vacuous.join("\n"));
}
