//! The loader's limits: each one at its boundary (the limit accepted, one more refused, so that
//! an off-by-one or a removed check fails here), the hostile inputs that motivated them, and
//! the deepest input the limits allow walked by every step on a 2 MiB thread stack (run this in
//! a debug build, where frames are largest).

use stratoform_diagnostics::codes;
use stratoform_loader::limits::{self, Limits};
use stratoform_loader::{load_str, load_str_with_limits, Loaded};

/// The limit codes a load reported.
fn limit_codes(loaded: &Loaded) -> Vec<&str> {
    loaded.diagnostics.iter().map(|d| d.code.as_str()).filter(|c| limits::is_limit(c)).collect()
}

/// Asserts that `text` passes `limits` and is refused with `code` when `lower` lowers them by one.
fn boundary(text: &str, limits: Limits, lower: impl Fn(&mut Limits), code: &str) {
    let at = load_str_with_limits("t.yaml", text, &limits);
    assert!(limit_codes(&at).is_empty(), "refused at the limit {limits:?}:\n{text}\n{:?}", at.diagnostics);
    let mut below = limits;
    lower(&mut below);
    let over = load_str_with_limits("t.yaml", text, &below);
    assert_eq!(limit_codes(&over), [code], "one over the limit {below:?}:\n{text}\n{:?}", over.diagnostics);
    let d = over.diagnostics.last().expect("a diagnostic");
    assert!(d.primary.is_some() && d.help.is_some(), "{d:?}");
}

fn with(f: impl Fn(&mut Limits)) -> Limits {
    let mut limits = Limits::DEFAULT;
    f(&mut limits);
    limits
}

#[test]
fn input_size_at_the_boundary() {
    let text = "a: 1\n";
    boundary(text, with(|l| l.input_bytes = 5), |l| l.input_bytes = 4, codes::INPUT_TOO_LARGE);
}

#[test]
fn depth_at_the_boundary_in_every_form() {
    for text in ["[[[1]]]", "- - - 1\n", "a:\n  b:\n    c: 1\n", "{a: {b: {c: 1}}}", "a:\n  - b: 1\n"] {
        boundary(text, with(|l| l.depth = 3), |l| l.depth = 2, codes::NESTING_TOO_DEEP);
    }
}

#[test]
fn depth_counts_what_aliases_bring_in() {
    // `b` is a list (level 2) holding the two levels of `x`: 4 levels.
    let text = "a: &x [[1]]\nb: [*x]\n";
    boundary(text, with(|l| l.depth = 4), |l| l.depth = 3, codes::NESTING_TOO_DEEP);
    // A chain of anchors, each one level deeper than the last, is as deep as it is long.
    let mut chain = String::from("a0: &a0 [1]\n");
    for i in 1..40 {
        chain.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
    }
    let loaded = load_str("chain.yaml", &chain.replace("[1]", &format!("{}1{}", "[".repeat(30), "]".repeat(30))));
    assert_eq!(limit_codes(&loaded), [codes::NESTING_TOO_DEEP]);
}

#[test]
fn values_at_the_boundary() {
    // A mapping, two keys and two values.
    boundary("a: 1\nb: 2\n", with(|l| l.values = 5), |l| l.values = 4, codes::TOO_MANY_VALUES);
    // Aliases count as what they expand to: the mapping, two keys, the list and its two items,
    // and the three again.
    boundary("a: &x [1, 2]\nb: *x\n", with(|l| l.values = 9), |l| l.values = 8, codes::TOO_MANY_VALUES);
}

#[test]
fn aliases_at_the_boundary() {
    let text = "a: &x [ab, cd]\nb: [*x, *x]\n";
    // Two uses, each adding three values and four bytes of text.
    boundary(text, with(|l| l.aliases = 2), |l| l.aliases = 1, codes::ALIAS_EXPANSION);
    boundary(text, with(|l| l.alias_values = 6), |l| l.alias_values = 5, codes::ALIAS_EXPANSION);
    boundary(text, with(|l| l.alias_bytes = 8), |l| l.alias_bytes = 7, codes::ALIAS_EXPANSION);
}

#[test]
fn scalars_at_the_boundary() {
    boundary("a: abcd\n", with(|l| l.scalar_bytes = 4), |l| l.scalar_bytes = 3, codes::TOO_LONG);
    boundary("a: \"ab\\tc\"\n", with(|l| l.scalar_bytes = 4), |l| l.scalar_bytes = 3, codes::TOO_LONG);
    boundary("a: |\n  abc\n", with(|l| l.scalar_bytes = 4), |l| l.scalar_bytes = 3, codes::TOO_LONG);
    let key = load_str_with_limits("t.yaml", "abcdef: 1\n", &with(|l| l.scalar_bytes = 3));
    assert!(key.diagnostics[0].message.starts_with("a key of 6 bytes"), "{:?}", key.diagnostics);
}

#[test]
fn lines_at_the_boundary() {
    // The second line, `b: 12`, is the longest: five bytes.
    boundary("a: 1\nb: 12\n", with(|l| l.line_bytes = 5), |l| l.line_bytes = 4, codes::TOO_LONG);
    let loaded = load_str_with_limits("t.yaml", "a: 1\nb: 12\n", &with(|l| l.line_bytes = 4));
    assert_eq!(loaded.diagnostics[0].message, "line 2 is 5 bytes long, longer than the 4 bytes a line may hold");
}

#[test]
fn documents_at_the_boundary() {
    let text = "a: 1\n---\nb: 2\n";
    boundary(text, with(|l| l.documents = 2), |l| l.documents = 1, codes::TOO_MANY_DOCUMENTS);
    let loaded = load_str("t.yaml", text);
    let d = &loaded.diagnostics[0];
    assert_eq!(loaded.file.line_col(d.primary.as_ref().unwrap().span.start), (2, 1), "{d:?}");
}

/// Runs `f` on a thread with a 2 MiB stack, as a debug build's test threads and many hosts have.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).expect("a thread").join().expect("no overflow, no panic")
}

/// Nesting 10,000 deep in each YAML form is refused at the limit, on a small stack.
#[test]
fn deep_input_is_refused_without_recursion() {
    let n = 10_000;
    let block_seq = format!("{}v\n", "- ".repeat(n));
    let block_map: String = (0..n).map(|i| format!("{}k:\n", " ".repeat(i))).collect::<String>() + &" ".repeat(n) + "v\n";
    let flow_seq = format!("{}v{}", "[".repeat(n), "]".repeat(n));
    let flow_map = format!("{}v{}", "{a: ".repeat(n), "}".repeat(n));
    let mixed: String = (0..n / 2).map(|i| format!("{}- k:\n", "  ".repeat(i))).collect();
    for (name, text) in [("block sequence", block_seq), ("block mapping", block_map), ("flow sequence", flow_seq), ("flow mapping", flow_map), ("mixed", mixed)] {
        let loaded = on_small_stack(move || load_str("deep.yaml", &text));
        assert_eq!(limit_codes(&loaded), [codes::NESTING_TOO_DEEP], "{name}: {:?}", loaded.diagnostics);
        let d = loaded.diagnostics.last().unwrap();
        assert!(d.message.contains("more than 64 deep"), "{name}: {}", d.message);
        assert!(loaded.file.text().len() < 100_000, "{name}: the report keeps only the start of the file");
    }
}

/// A valid spec (the CLI's small fixture) with `value` as a chart's Helm values and in an override.
fn spec_with_values(value: &str) -> String {
    format!(
        "apiVersion: stratoform.dev/v1alpha1\nkind: Platform\nmetadata:\n  name: demo\nenvironments:\n  - name: dev\n    account: \"123456789012\"\n  - name: prod\n    account: \"123456789012\"\n    overrides:\n      metadata:\n        tags: {{ deep: {value} }}\nregions:\n  - name: us-east-1\n    role: primary\n    vpcs:\n      - name: main\n        cidr: 10.0.0.0/16\n        azs: [us-east-1a, us-east-1b]\n        subnets:\n          public: {{ type: public, newbits: 8, netnum: 0 }}\n          private: {{ type: private, newbits: 4, netnum: 1 }}\n    clusters:\n      - name: main\n        vpc: main\n        version: \"1.33\"\n        nodeGroups:\n          - {{ name: workers, instanceTypes: [m5.large], min: 2, max: 4 }}\n        charts:\n          - {{ name: deep, release: deep, repo: \"https://charts.example.com\", chart: deep, version: 1.0.0, namespace: kube-system, values: {{ deep: {value} }} }}\n"
    )
}

/// The deepest value the limit allows, in a free-form field that every step walks (structure,
/// typed deserialization, semantic checks, the override merge, the error salvage), loads on a
/// 2 MiB stack; one level more is refused.
#[test]
fn the_deepest_allowed_input_is_walked_on_a_small_stack() {
    // The chart's `values` mapping is at level 8 (root, regions, a region, clusters, a cluster,
    // charts, a chart, values), and `deep` adds one more per bracket.
    let allowed = limits::MAX_DEPTH - 8;
    let nested = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let text = spec_with_values(&nested(allowed));
    let loaded = on_small_stack(move || load_str("deep.yaml", &text));
    assert!(limit_codes(&loaded).is_empty(), "{:?}", loaded.diagnostics);
    // The override's tags expect strings: the deep value is salvaged around, also on a small stack.
    assert!(loaded.diagnostics.iter().all(|d| !limits::is_limit(&d.code)));
    let text = spec_with_values(&nested(allowed + 1));
    let loaded = on_small_stack(move || load_str("deep.yaml", &text));
    assert_eq!(limit_codes(&loaded), [codes::NESTING_TOO_DEEP], "{:?}", loaded.diagnostics);

    // Valid at the limit: the same depth in the chart values only.
    let text = spec_with_values(&nested(allowed)).replace(&format!("tags: {{ deep: {} }}", nested(allowed)), "tags: { team: web }");
    let loaded = on_small_stack(move || load_str("deep.yaml", &text));
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
}

/// The "billion laughs": nine levels of aliases, each repeating the one before nine or ten
/// times (359 and 390 bytes); refused once aliases have added a million values, long before
/// the billion.
#[test]
fn billion_laughs_are_refused_quickly() {
    for width in [9, 10] {
        let text = laughs(width);
        assert!(text.len() < 400, "{width} wide: {} bytes", text.len());
        let loaded = on_small_stack(move || load_str("laughs.yaml", &text));
        assert_eq!(limit_codes(&loaded), [codes::ALIAS_EXPANSION], "{:?}", loaded.diagnostics);
    }
}

/// Nine levels of `width` aliases to the level before.
fn laughs(width: usize) -> String {
    let mut text = format!("a: &a [{}]\n", vec!["lol"; width].join(","));
    for (prev, name) in ('a'..='i').zip('b'..='j') {
        text.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); width].join(",")));
    }
    text
}

#[test]
fn many_aliases_of_a_large_value_are_refused() {
    // A 512 KiB string repeated 100 times would be 50 MiB of text.
    let text = format!("a: &big \"{}\"\nb: [{}]\n", "x".repeat(512 << 10), vec!["*big"; 100].join(", "));
    let loaded = load_str("big.yaml", &text);
    assert_eq!(limit_codes(&loaded), [codes::ALIAS_EXPANSION], "{:?}", loaded.diagnostics);
    assert!(loaded.diagnostics[0].message.contains("16 MiB of text"), "{}", loaded.diagnostics[0].message);
}

#[test]
fn a_huge_input_is_refused_before_it_is_parsed() {
    let text = "a: 1\n".repeat((limits::MAX_INPUT_BYTES / 5) + 1);
    let loaded = load_str("huge.yaml", &text);
    assert_eq!(limit_codes(&loaded), [codes::INPUT_TOO_LARGE]);
    assert_eq!(loaded.file.text(), "a: 1", "the report keeps the first line");
}

#[test]
fn many_documents_stop_at_the_second() {
    let text = "a: 1\n---\n".repeat(1_000_000);
    let loaded = load_str("docs.yaml", &text);
    assert_eq!(limit_codes(&loaded), [codes::TOO_MANY_DOCUMENTS]);
    assert!(loaded.file.text().len() < 100, "{:?}", loaded.file.text());
}

#[test]
fn a_long_line_is_reported_with_a_short_excerpt() {
    // A key longer than the limit, on one 2 MiB line.
    let text = format!("metadata:\n  {}: 1\n", "k".repeat(2 << 20));
    let loaded = load_str("long.yaml", &text);
    assert_eq!(limit_codes(&loaded), [codes::TOO_LONG], "{:?}", loaded.diagnostics);
    let d = &loaded.diagnostics[0];
    assert_eq!(d.message, "line 2 is 2,097,157 bytes long, longer than the 1 MiB a line may hold");
    assert!(loaded.file.text().len() < 200);
    let shown = stratoform_diagnostics::human::render(&loaded.file, &loaded.diagnostics, false);
    assert!(shown.contains("long.yaml:2:1") && shown.len() < 2_000, "{shown}");
}

#[test]
fn a_long_value_on_short_lines_is_refused() {
    let text = format!("metadata:\n  description: |\n{}", "    a line of the value\n".repeat(100_000));
    let loaded = load_str("long.yaml", &text);
    assert_eq!(limit_codes(&loaded), [codes::TOO_LONG], "{:?}", loaded.diagnostics);
    let d = &loaded.diagnostics[0];
    assert!(d.message.starts_with("a value of 2,000,000 bytes"), "{}", d.message);
    assert_eq!(d.path.as_deref(), Some("metadata.description"));
}

#[test]
fn many_values_are_refused() {
    // Four bytes a value: the input is within its limit, the values are not.
    let text = "- 1\n".repeat(limits::MAX_VALUES + 1);
    let loaded = load_str("values.yaml", &text);
    assert_eq!(limit_codes(&loaded), [codes::TOO_MANY_VALUES]);
}

#[test]
fn a_mapping_of_many_repeated_keys_is_checked_in_one_pass() {
    // A quadratic duplicate-key check would take minutes here.
    let text = "k: 1\n".repeat(200_000);
    let loaded = load_str("keys.yaml", &text);
    let duplicates = loaded.diagnostics.iter().filter(|d| d.code == codes::DUPLICATE_KEY).count();
    assert_eq!(duplicates, 199_999);
}

#[cfg(unix)]
mod files {
    use std::io::Write;
    use std::path::Path;

    use super::*;
    use stratoform_loader::load_file_with_limits;

    #[test]
    fn a_file_over_the_limit_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.yaml");
        std::fs::write(&path, "a: 1\n").unwrap();
        let at = load_file_with_limits(&path, &with(|l| l.input_bytes = 5)).unwrap();
        assert!(limit_codes(&at).is_empty());
        let over = load_file_with_limits(&path, &with(|l| l.input_bytes = 4)).unwrap();
        assert_eq!(limit_codes(&over), [codes::INPUT_TOO_LARGE]);
    }

    #[test]
    fn an_endless_pipe_is_read_to_the_limit_only() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("endless.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
        assert!(made.success());
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut w = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
                let zeros = vec![0u8; 1 << 16];
                // Until the reader stops reading: then the write fails.
                while w.write_all(&zeros).is_ok() {}
            })
        };
        let loaded = load_file_with_limits(&fifo, &with(|l| l.input_bytes = 1 << 20)).unwrap();
        assert_eq!(limit_codes(&loaded), [codes::INPUT_TOO_LARGE]);
        writer.join().unwrap();
    }

    #[test]
    fn devices_and_directories_are_refused() {
        for path in ["/dev/zero", "/"] {
            if !Path::new(path).exists() {
                continue;
            }
            let e = load_file_with_limits(Path::new(path), &Limits::DEFAULT).unwrap_err();
            let cause = std::error::Error::source(&e).unwrap().to_string();
            assert!(cause.ends_with("not a regular file or a pipe"), "{path}: {cause}");
        }
    }
}

/// A careless file: fifty thousand unknown keys. Every one is reported, once, in about linear
/// time (merging the environments' findings and cutting the keys for the salvage used to
/// compare every one with every other).
#[test]
fn many_unknown_keys_are_reported_in_linear_time() {
    let keys: String = (0..50_000).map(|i| format!("  k{i}: 1\n")).collect();
    let spec = spec_with_values("1").replace("  name: demo\n", &format!("  name: demo\n{keys}"));
    let loaded = load_str("keys.yaml", &spec);
    let unknown = loaded.diagnostics.iter().filter(|d| d.code == codes::UNKNOWN_KEY).count();
    assert_eq!(unknown, 50_000);
}
