//! Shared helpers of the Terraform proofs: finding the tools, rendering the examples, running
//! terraform with the offline provider mirror, and a local AWS emulator per test.

#![allow(dead_code)]

pub mod emulated;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Reports a step of a long proof as it happens: on stderr (which the test harness keeps until
/// the test ends) and, when `STRATOFORM_PROGRESS` names a file, as a line appended to it, which
/// `scripts/test.sh` prints while the tests run, so a run of half an hour is never silent.
pub fn progress(line: &str) {
    eprintln!("{line}");
    if let Some(path) = std::env::var_os("STRATOFORM_PROGRESS") {
        use std::io::Write;
        // One `write` per line, so lines of tests running side by side do not mix.
        if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
            let _ = file.write_all(format!("{line}\n").as_bytes());
        }
    }
}

/// Skips (prints why and returns false) or fails under `STRATOFORM_REQUIRE_TOOLS=1`.
pub fn require(tool: &str, found: bool) -> bool {
    if found {
        return true;
    }
    if std::env::var("STRATOFORM_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("`{tool}` is required (STRATOFORM_REQUIRE_TOOLS=1) but was not found; run `bash scripts/setup.sh`");
    }
    eprintln!("skipped: `{tool}` not found; run `bash scripts/setup.sh` (set STRATOFORM_REQUIRE_TOOLS=1 to fail instead)");
    false
}

/// The terraform binary, if any.
pub fn terraform() -> Option<PathBuf> {
    let tools = repo().join(".tools/bin/terraform");
    if tools.exists() {
        return Some(tools);
    }
    which("terraform")
}

/// A program on PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|p| p.is_file()))
}

/// The CLI config with the offline provider mirror.
pub fn tf_cli_config() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TF_CLI_CONFIG_FILE").map(PathBuf::from)
        && p.is_file()
    {
        return Some(p);
    }
    let p = repo().join(".tools/terraformrc");
    p.is_file().then_some(p)
}

/// The examples, by name, sorted.
pub fn examples() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(repo().join("examples"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("platform.yaml").is_file())
                .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p.join("platform.yaml")))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Renders a spec's Terraform (all environments, or one) into `dir`, a `terraform/` folder, and
/// its Kubernetes layer next to it (`../kubernetes/`, whose templates the environment stacks'
/// `kubernetes_files` output reads).
pub fn render_into(spec: &Path, env: Option<&str>, dir: &Path) -> Vec<stratoform_model::Model> {
    assert!(dir.ends_with("terraform"), "{}: render into a `terraform/` folder", dir.display());
    let loaded = stratoform_loader::load_file(spec).unwrap();
    let models = stratoform_model::Model::resolve_all(&loaded, env).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let layers = [(dir.to_path_buf(), stratoform_terraform::render(&models).unwrap()), (dir.with_file_name("kubernetes"), stratoform_kubernetes::render(&models).unwrap())];
    for (root, tree) in layers {
        for (p, c) in tree.iter() {
            let path = root.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, c).unwrap();
        }
    }
    models
}

/// A terraform invocation in `dir` with the offline mirror and a shared plugin cache.
pub fn tf(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(terraform().expect("terraform"));
    cmd.current_dir(dir).args(args).env("TF_IN_AUTOMATION", "1").env("CHECKPOINT_DISABLE", "1");
    if let Some(cfg) = tf_cli_config() {
        cmd.env("TF_CLI_CONFIG_FILE", cfg);
    }
    let cache = repo().join("target/tf-plugin-cache");
    std::fs::create_dir_all(&cache).unwrap();
    cmd.env("TF_PLUGIN_CACHE_DIR", cache).env("TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE", "1");
    cmd
}

/// Runs a command; returns (exit code, combined output).
pub fn run(mut cmd: Command) -> (i32, String) {
    let out = cmd.stdin(Stdio::null()).output().expect("spawn");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// The last lines of a long output.
pub fn tail(text: &str, lines: usize) -> String {
    let v: Vec<&str> = text.lines().collect();
    v[v.len().saturating_sub(lines)..].join("\n")
}

/// A moto server on a free loopback port, stopped on drop.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
}

/// The Python of the tools venv (moto and boto3), if any.
pub fn python() -> Option<PathBuf> {
    let p = repo().join(".tools/venv/bin/python");
    p.is_file().then_some(p)
}

/// moto_server, if installed.
pub fn moto_server() -> Option<PathBuf> {
    let p = repo().join(".tools/venv/bin/moto_server");
    if p.is_file() {
        return Some(p);
    }
    which("moto_server")
}

impl Moto {
    /// Starts moto with the AWS managed policies loaded.
    pub fn start() -> Moto {
        let bin = moto_server().expect("moto_server");
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let log = std::fs::File::create(std::env::temp_dir().join(format!("moto-{port}.log"))).unwrap();
        let child = stratoform_terraform::local::emulator_command(&bin, port)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("moto_server starts");
        let endpoint = format!("http://127.0.0.1:{port}");
        let t0 = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(t0.elapsed() < Duration::from_secs(60), "moto_server did not listen on {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto { child, endpoint }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An example's models (every environment) and its rendered Terraform, in memory.
pub fn render_example(example: &str) -> (Vec<stratoform_model::Model>, stratoform_output::OutputTree) {
    let spec = repo().join("examples").join(example).join("platform.yaml");
    let loaded = stratoform_loader::load_file(&spec).unwrap();
    let models = stratoform_model::Model::resolve_all(&loaded, None).unwrap();
    let tree = stratoform_terraform::render(&models).unwrap();
    (models, tree)
}

/// A rendered file of the tree, parsed.
pub fn parse_tf(tree: &stratoform_output::OutputTree, path: &str) -> hcl::Body {
    hcl::parse(tree.get(path).unwrap_or_else(|| panic!("{path} is missing"))).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The block `ident "labels"...` of a body.
pub fn find_block<'b>(body: &'b hcl::Body, ident: &str, labels: &[&str]) -> Option<&'b hcl::Block> {
    body.blocks().find(|b| b.identifier() == ident && b.labels().iter().map(|l| l.as_str()).eq(labels.iter().copied()))
}

/// An attribute's expression in a block.
pub fn attr_of<'b>(block: &'b hcl::Block, key: &str) -> Option<&'b hcl::Expression> {
    block.body().attributes().find(|a| a.key() == key).map(|a| a.expr())
}

/// An expression as Terraform text.
pub fn expr_text(e: &hcl::Expression) -> String {
    hcl::format::to_string(e).unwrap()
}

/// `terraform console` in `dir`, evaluating `jsonencode(<expr>)`: the JSON text of the value.
pub fn console_json(dir: &Path, expr: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(terraform().unwrap())
        .current_dir(dir)
        .arg("console")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("jsonencode({expr})\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "terraform console: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap()
}
