//! Benchmark: 30 days at one-second resolution, 1,000 workloads across two regions behind a
//! Cloudflare load balancer and a Global Accelerator, under a diurnal load. Run with
//! `cargo bench -p stratoform-simulate`; prints events per second and wall time.

use std::fmt::Write as _;
use std::time::Instant;

fn spec(workloads: usize) -> String {
    let mut y = String::new();
    let _ = write!(
        y,
        "apiVersion: stratoform.dev/v1alpha1
kind: Platform
metadata: {{ name: bench }}
environments: [{{ name: prod, account: \"123456789012\" }}]
traffic: {{ requestRate: 20000, peakRate: 60000, availabilitySlo: 99.9 }}
regions:
"
    );
    for (r, role, cidr) in [("us-east-1", "primary", "10.10.0.0/16"), ("us-west-2", "passive", "10.20.0.0/16")] {
        let _ = write!(
            y,
            "  - name: {r}
    role: {role}
    vpcs:
      - name: main
        cidr: {cidr}
        azs: [{r}a, {r}b, {r}c]
        subnets:
          public: {{ type: public, newbits: 8, netnum: 0 }}
          private: {{ type: private, newbits: 4, netnum: 1 }}
    loadBalancers:
      - name: api
        type: alb
        scheme: internetFacing
        listeners: [{{ port: 80, protocol: HTTP }}]
        target: {{ cluster: main, namespace: apps, service: w0000, port: 8080 }}
      - name: sim
        type: nlb
        scheme: internetFacing
        listeners: [{{ port: 9506, protocol: TCP }}]
        target: {{ cluster: main, namespace: apps, service: w0001, port: 9506 }}
    clusters:
      - name: main
        vpc: main
        version: \"1.33\"
        autoscaler: {{ scanInterval: 10s, nodeStartupTime: 3m }}
        nodeGroups:
          - {{ name: general, instanceTypes: [m6i.4xlarge], min: 6, max: 400 }}
        workloads:
"
        );
        for i in 0..workloads / 2 {
            let _ = writeln!(
                y,
                "          - {{ name: w{i:04}, namespace: apps, image: example/app:1, replicas: 2, resources: {{ cpu: 250m, memory: 256Mi }}, autoscaling: {{ min: 2, max: 40, cpu: 70 }}, capacityRps: 50, trafficShare: {:.6} }}",
                1.0 / (workloads / 2) as f64
            );
        }
    }
    let _ = write!(
        y,
        "edge:
  zones:
    - {{ domain: example.com, provider: cloudflare }}
  cloudflareLoadBalancers:
    - name: api
      hostname: api.example.com
      zone: example.com
      steering: off
      pools:
        - {{ name: east, region: us-east-1, loadBalancer: api }}
        - {{ name: west, region: us-west-2, loadBalancer: api }}
      fallbackPool: west
      monitor: {{ path: /health, interval: 60s, timeout: 5s, retries: 2, expectedCodes: \"200\" }}
  globalAccelerators:
    - name: sim
      listeners: [{{ protocol: TCP, ports: [9506] }}]
      endpointGroups:
        - {{ region: us-east-1, trafficDial: 100, endpoints: [{{ loadBalancer: sim }}], healthCheck: {{ protocol: TCP, port: 9506, interval: 30s, threshold: 3 }} }}
        - {{ region: us-west-2, trafficDial: 20, endpoints: [{{ loadBalancer: sim }}], healthCheck: {{ protocol: TCP, port: 9506, interval: 30s, threshold: 3 }} }}
scenarios:
  - name: month
    kind: regionOutage
    region: us-east-1
    at: 10d
    lasts: 2h
    horizon: 30d
    load: {{ shape: diurnal, base: 20000, peak: 60000, start: 0s }}
"
    );
    y
}

/// CPU time of this process so far (Linux), which a busy shared machine does not inflate.
fn cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    text.split_whitespace().next()?.parse::<f64>().ok().map(|ns| ns / 1e9)
}

fn main() {
    let text = spec(1000);
    let loaded = stratoform_loader::load_str("bench.yaml", &text);
    if loaded.has_errors() {
        for d in &loaded.diagnostics {
            eprintln!("{}: {} at {:?}", d.code, d.message, d.path);
        }
        std::process::exit(2);
    }
    let models = stratoform_model::Model::resolve_all(&loaded, None).expect("valid bench spec");
    let read = |_: &str| -> Result<String, String> { Err("no files".into()) };
    let options = stratoform_simulate::Options { only: Vec::new(), seed: None, read: &read, extra: Vec::new() };
    let started = Instant::now();
    let cpu_started = cpu_seconds();
    let sim = match stratoform_simulate::simulate(&models, &options) {
        Ok(s) => s,
        Err(errors) => {
            for e in errors {
                eprintln!("{e}: {}", e.help());
            }
            std::process::exit(2);
        }
    };
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu_started).map(|(end, start)| end - start);
    let s = &sim.report.scenarios[0];
    let workloads = s.workloads.len();
    println!("30 days at 1 s resolution, {workloads} workloads in 2 regions (diurnal 20k-60k rps, a 2 h us-east-1 outage on day 10)");
    println!("events: {}", s.events);
    println!("wall time: {wall:.2} s");
    if let Some(cpu) = cpu {
        println!("cpu time: {cpu:.2} s");
    }
    println!("events per second: {:.0}", s.events as f64 / wall);
    println!("simulated seconds per wall second: {:.0}", s.horizon_s / wall);
    println!("requests: {:.0}, failed: {:.4}%, max nodes: {}, node-hours: {:.0}", s.requests, s.failed_percent, s.max_nodes, s.node_hours);
}
