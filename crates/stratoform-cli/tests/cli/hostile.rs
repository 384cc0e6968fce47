//! Hostile, huge and careless input through the real binary: each case of the corpus is run with
//! `validate` and with `render --out`, under a 1 GiB address-space limit (`ulimit -v`), and must
//! end with exit 2 and a located message naming the limit it passed, never a crash or an abort.
//! Large inputs are generated here, at test time. A kill after 60 s only stops a hang; it is not
//! a timing assertion (BENCHMARKS.md has the measured times and memory).
//!
//! `STRATOFORM_HOSTILE_DIR=DIR cargo test -p stratoform-cli --test cli hostile::write_corpus --
//! --ignored` writes the corpus to DIR, for measuring it by hand.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Run;

/// What each run may use: 1 GiB of address space, 60 s.
const MEMORY_KIB: u64 = 1 << 20;
const HANG: Duration = Duration::from_secs(60);

/// One hostile input and what the loader must say about it.
struct Case {
    name: &'static str,
    text: String,
    code: &'static str,
    says: &'static str,
}

fn case(name: &'static str, text: String, code: &'static str, says: &'static str) -> Case {
    Case { name, text, code, says }
}

/// Nine levels of `width` aliases to the level before (359 bytes nine wide, 390 ten wide).
fn laughs(width: usize) -> String {
    let mut text = format!("a: &a [{}]\n", vec!["lol"; width].join(","));
    for (prev, name) in ('a'..='i').zip('b'..='j') {
        text.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); width].join(",")));
    }
    text
}

/// The corpus; every input that fits in a file.
fn corpus() -> Vec<Case> {
    let deep = 10_000;
    vec![
        case("deep-block-sequence", format!("{}v\n", "- ".repeat(deep)), "SF044", "more than 64 deep"),
        case(
            "deep-block-mapping",
            (0..2_000).map(|i| format!("{}k:\n", " ".repeat(i))).collect::<String>() + &" ".repeat(2_000) + "v\n",
            "SF044",
            "more than 64 deep",
        ),
        case("deep-flow-sequence", format!("{}v{}\n", "[".repeat(deep), "]".repeat(deep)), "SF044", "more than 64 deep"),
        case("deep-flow-mapping", format!("{}v{}\n", "{a: ".repeat(deep), "}".repeat(deep)), "SF044", "more than 64 deep"),
        case("billion-laughs-9-wide", laughs(9), "SF046", "aliases add more than 1,048,576 values"),
        case("billion-laughs-10-wide", laughs(10), "SF046", "aliases add more than 1,048,576 values"),
        case(
            "aliases-of-a-big-value",
            format!("a: &big \"{}\"\nb: [{}]\n", "x".repeat(512 << 10), vec!["*big"; 1_000].join(", ")),
            "SF046",
            "aliases add more than 16 MiB of text",
        ),
        case("huge-input", "a: 1\n".repeat((64 << 20) / 5 + 1), "SF043", "larger than 64 MiB"),
        case("many-values", "- 1\n".repeat((2 << 20) + 1), "SF045", "more than 2,097,152 values"),
        case("many-values-64-mib", "- 1\n".repeat((64 << 20) / 4), "SF045", "more than 2,097,152 values"),
        case("many-documents", "a: 1\n---\n".repeat(1_000_000), "SF048", "holds one YAML document"),
        case(
            "long-string",
            format!("metadata:\n  description: |\n{}", "    a line of a very long value\n".repeat(80_000)),
            "SF047",
            "a scalar may hold",
        ),
        case("long-line", format!("metadata:\n  description: {}\n", "x".repeat(2 << 20)), "SF047", "a line may hold"),
        case("long-line-key", format!("metadata:\n  {}: 1\n", "k".repeat(2 << 20)), "SF047", "a line may hold"),
        case("long-key", format!("metadata:\n  ? |\n{}  : 1\n", "    a line of a very long key\n".repeat(80_000)), "SF047", "a scalar may hold"),
    ]
}

/// Runs the binary in `dir` under the memory limit; kills it after [`HANG`].
fn run_limited(dir: &Path, args: &[&str]) -> Run {
    let script = format!("ulimit -v {MEMORY_KIB} && exec \"$0\" \"$@\"");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_stratoform"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    // Drain the pipes on threads so that a chatty child never blocks on a full pipe.
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = r.read_to_end(&mut out);
            String::from_utf8_lossy(&out).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`stratoform {}` still ran after {HANG:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().expect("stdout read"),
        stderr: stderr.join().expect("stderr read"),
    }
}

/// Asserts exit 2 and a located `error[CODE]` whose message says `says`, for `validate` and for
/// `render`; `feed` prepares the input before each run (for a pipe, starts its writer).
fn refused(dir: &Path, file: &str, code: &str, says: &str, feed: &dyn Fn() -> Option<std::thread::JoinHandle<()>>) {
    let out = dir.join("out");
    for args in [vec!["validate", file], vec!["render", file, "--out", out.to_str().expect("a UTF-8 path")]] {
        let writer = feed();
        let run = run_limited(dir, &args);
        if let Some(w) = writer {
            w.join().expect("the writer ends");
        }
        let shown = format!("`stratoform {}`: exit {}\n{}", args[0], run.code, &run.stderr[..run.stderr.len().min(4_000)]);
        assert_eq!(run.code, 2, "{shown}");
        assert!(run.stderr.contains(&format!("error[{code}]")), "{shown}");
        assert!(run.stderr.contains(says), "should say `{says}`: {shown}");
        let located = format!("─ {file}:");
        let at = run.stderr.find(&located).unwrap_or_else(|| panic!("not located: {shown}"));
        let line_col = run.stderr[at + located.len()..].split_whitespace().next().unwrap_or_default();
        assert!(line_col.split(':').all(|n| n.parse::<usize>().is_ok()) && line_col.contains(':'), "{shown}");
        assert!(run.stderr.len() < 20_000, "the report stays short: {shown}");
        assert!(!out.exists(), "nothing is rendered: {shown}");
    }
}

#[test]
fn hostile_files_are_refused_with_a_located_limit() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for case in corpus() {
        let file = format!("{}.yaml", case.name);
        std::fs::write(dir.path().join(&file), &case.text).expect("the case is written");
        refused(dir.path(), &file, case.code, case.says, &|| None);
        std::fs::remove_file(dir.path().join(&file)).expect("the case is removed");
    }
}

/// A pipe that never ends (zeros, as from `/dev/zero`) is read to the size limit only.
#[cfg(target_os = "linux")]
#[test]
fn an_endless_pipe_is_refused_at_the_size_limit() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let fifo = dir.path().join("endless.yaml");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs").success());
    let feed = || {
        let fifo = fifo.clone();
        Some(std::thread::spawn(move || {
            // Opening blocks until the binary opens the other end; writing fails once it stops reading.
            let Ok(mut w) = std::fs::OpenOptions::new().write(true).open(&fifo) else { return };
            let zeros = vec![0u8; 1 << 16];
            while w.write_all(&zeros).is_ok() {}
        }))
    };
    refused(dir.path(), "endless.yaml", "SF043", "larger than 64 MiB", &feed);
}

/// A device is not read at all.
#[cfg(target_os = "linux")]
#[test]
fn a_device_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for args in [vec!["validate", "/dev/zero"], vec!["render", "/dev/zero", "--out", "out"]] {
        let run = run_limited(dir.path(), &args);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("cannot read `/dev/zero`") && run.stderr.contains("a character device, not a regular file or a pipe"), "{}", run.stderr);
    }
}

/// A spec nested as deep as the limit allows (in a chart's Helm values, which the Kubernetes layer
/// writes out, and in an add-on's configuration, which the Terraform layer writes out) is
/// validated and rendered with a 2 MiB main-thread stack.
#[test]
fn the_deepest_allowed_spec_renders_on_a_small_stack() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let fixture = std::fs::read_to_string(crate::root().join("crates/stratoform-cli/tests/cli/fixtures/small/platform.yaml")).expect("the fixture");
    // `values` is at level 8 (root, regions, a region, clusters, a cluster, charts, a chart,
    // values): `values` and 56 mappings inside it reach level 64; `configuration` likewise.
    let with_values = |levels: usize| {
        let deep = format!("{}1{}", "{ a: ".repeat(levels), " }".repeat(levels));
        let chart = format!(
            "        charts:\n          - {{ name: deep, release: deep, repo: \"https://charts.example.com\", chart: deep, version: 1.0.0, namespace: shop, values: {deep} }}\n"
        );
        let addon = format!("        addons:\n          - {{ name: kube-proxy, version: v1.33.0-eksbuild.2, configuration: {deep} }}\n");
        fixture.replacen("        namespaces:\n", &format!("{chart}{addon}        namespaces:\n"), 1)
    };
    std::fs::write(dir.path().join("deep.yaml"), with_values(64 - 7)).expect("written");
    let script = format!("ulimit -s 2048 && ulimit -v {MEMORY_KIB} && exec \"$0\" \"$@\"");
    for args in [vec!["validate", "deep.yaml"], vec!["render", "deep.yaml", "--out", "out"]] {
        let out = Command::new("sh")
            .arg("-c")
            .arg(&script)
            .arg(env!("CARGO_BIN_EXE_stratoform"))
            .args(&args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("sh runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "`stratoform {}`: {stderr}", args.join(" "));
    }
    // One level more is refused.
    std::fs::remove_dir_all(dir.path().join("out")).expect("the rendered tree is removed");
    std::fs::write(dir.path().join("deeper.yaml"), with_values(64 - 7 + 1)).expect("written");
    refused(dir.path(), "deeper.yaml", "SF044", "more than 64 deep", &|| None);
}

/// Writes the corpus to `STRATOFORM_HOSTILE_DIR`, to measure it by hand.
#[test]
#[ignore = "writes files for measuring; run by hand"]
fn write_corpus() {
    let dir = PathBuf::from(std::env::var("STRATOFORM_HOSTILE_DIR").expect("STRATOFORM_HOSTILE_DIR is set"));
    std::fs::create_dir_all(&dir).expect("the directory");
    for case in corpus() {
        std::fs::write(dir.join(format!("{}.yaml", case.name)), &case.text).expect("written");
    }
}
