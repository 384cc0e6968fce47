//! Rendering speed: the largest example (by spec size), end to end — read and load the YAML,
//! resolve every environment, render the Terraform — timed over repeated runs.
//! `cargo bench -p stratoform-terraform --bench render`.

use std::time::{Duration, Instant};

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut specs: Vec<(u64, std::path::PathBuf)> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path().join("platform.yaml"))
        .filter(|p| p.is_file())
        .map(|p| (std::fs::metadata(&p).unwrap().len(), p))
        .collect();
    specs.sort();
    let (_, spec) = specs.last().expect("an example");
    let once = || {
        let loaded = stratoform_loader::load_file(spec).unwrap();
        let models = stratoform_model::Model::resolve_all(&loaded, None).unwrap();
        let tree = stratoform_terraform::render(&models).unwrap();
        (tree.len(), tree.iter().map(|(_, c)| c.len()).sum::<usize>())
    };
    let (files, bytes) = once();
    let runs = 50;
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t0 = Instant::now();
            std::hint::black_box(once());
            t0.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "render terraform of {}: {files} files, {bytes} bytes; {runs} runs: min {:.1} ms, median {:.1} ms, max {:.1} ms",
        spec.display(),
        ms(times[0]),
        ms(times[runs / 2]),
        ms(times[runs - 1])
    );
}
