//! Whole processes, as a user runs them: the real `stratoform` binary is started for every run,
//! so each number includes start-up, reading the spec, every stage and the write to disk with its
//! flush. Peak memory is the child's maximum resident set size, as the kernel reports it when the
//! child is reaped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One finished process.
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    /// From spawn to reaped.
    pub wall: Duration,
    /// Peak resident set size, in KiB.
    pub max_rss_kib: u64,
    /// Exit code (`-1` when a signal ended it).
    pub code: i32,
}

/// Runs `command` to its end with its output discarded.
#[allow(clippy::zombie_processes, reason = "the child is reaped by `wait4` in `reap`")]
pub fn run(command: &mut Command) -> Outcome {
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    let start = Instant::now();
    let child = command.spawn().unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let (code, max_rss_kib) = reap(child.id());
    Outcome { wall: start.elapsed(), max_rss_kib, code }
}

/// Waits for the child `pid` and returns its exit code and peak RSS. `std::process::Child::wait`
/// does not give the child's resource usage, `wait4` does.
#[allow(unsafe_code)]
fn reap(pid: u32) -> (i32, u64) {
    let pid = libc::pid_t::try_from(pid).expect("a process id fits pid_t");
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data that `wait4` fills in; the pointers are valid for the call.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; `status` and `usage` outlive the call.
    let reaped = unsafe { libc::wait4(pid, &raw mut status, 0, &raw mut usage) };
    assert_eq!(reaped, pid, "wait4 failed: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    (code, u64::try_from(usage.ru_maxrss).unwrap_or(0))
}

/// Median wall time over the runs of `f` (at least `min_runs`, and at least `min_time` in all),
/// the highest peak RSS of any run, the number of runs, and the exit code (every run must agree).
pub fn median(min_runs: usize, min_time: Duration, mut f: impl FnMut() -> Outcome) -> Sample {
    let mut times = Vec::new();
    let mut max_rss_kib = 0;
    let mut code = None;
    let start = Instant::now();
    while times.len() < min_runs || start.elapsed() < min_time {
        let o = f();
        assert!(code.is_none_or(|c| c == o.code), "exit code changed between runs: {code:?} then {}", o.code);
        code = Some(o.code);
        max_rss_kib = max_rss_kib.max(o.max_rss_kib);
        times.push(o.wall);
        if times.len() >= 500 {
            break;
        }
    }
    times.sort();
    Sample { wall: times[times.len() / 2], max_rss_kib, runs: times.len(), code: code.unwrap_or(-1) }
}

/// The summary of repeated runs.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// Median wall time.
    pub wall: Duration,
    /// Highest peak RSS, in KiB.
    pub max_rss_kib: u64,
    /// Runs made.
    pub runs: usize,
    /// The exit code of every run.
    pub code: i32,
}

/// A scratch directory that numbers the output directories it hands out.
pub struct Scratch {
    root: PathBuf,
    next: usize,
}

impl Scratch {
    /// A new directory `root` (removed and made again).
    pub fn new(root: PathBuf) -> Self {
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap_or_else(|e| panic!("cannot make {}: {e}", root.display()));
        Self { root, next: 0 }
    }

    /// A path below the scratch directory that does not exist yet.
    pub fn fresh(&mut self, name: &str) -> PathBuf {
        self.next += 1;
        self.root.join(format!("{name}-{}", self.next))
    }

    /// A path below the scratch directory, the same for the same name.
    pub fn file(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Removes every output directory handed out so far (between cases, so the disk does not
    /// fill up with dirty pages of earlier cases).
    pub fn clear(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
        let _ = std::fs::create_dir_all(&self.root);
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// `stratoform render SPEC --out DIR` with more arguments.
pub fn render(binary: &Path, spec: &Path, out: &Path, more: &[&str]) -> Outcome {
    run(Command::new(binary).arg("render").arg(spec).arg("--out").arg(out).args(more).arg("--color").arg("never"))
}

/// `stratoform SUBCOMMAND SPEC` with more arguments.
pub fn command(binary: &Path, subcommand: &str, spec: &Path, more: &[&str]) -> Outcome {
    run(Command::new(binary).arg(subcommand).arg(spec).args(more).arg("--color").arg("never"))
}

/// Files below `dir` and their total size in bytes.
pub fn tree_size(dir: &Path) -> (usize, u64) {
    let mut files = 0;
    let mut bytes = 0;
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                todo.push(entry.path());
            } else {
                files += 1;
                bytes += meta.len();
            }
        }
    }
    (files, bytes)
}

/// Mebibytes with one decimal.
pub fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}
