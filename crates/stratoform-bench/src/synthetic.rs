//! A synthetic platform of any size: `clusters` clusters spread over up to ten regions (ten per
//! region up to 100 clusters, a tenth of them each beyond; each region with its own VPC), `workloads` workloads spread evenly over the
//! clusters, each with a role bound to its service account, ports, autoscaling, a disruption
//! budget and a placement; dev and prod environments, prod overriding every node group's size.
//! The text is YAML a person could have written, so loading it exercises the same paths as the
//! examples.

use std::fmt::Write as _;

/// Regions in the order they are filled.
const REGIONS: [&str; 10] =
    ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1", "us-east-2", "eu-west-2", "ca-central-1", "sa-east-1"];

/// Clusters per region, at least.
const PER_REGION: usize = 10;

/// Clusters per region for `clusters` clusters: ten, or a tenth of them when there are more than 100.
fn per_region(clusters: usize) -> usize {
    PER_REGION.max(clusters.div_ceil(REGIONS.len()))
}

/// The spec text of a platform with `clusters` clusters (at least 1) and `workloads` workloads.
pub fn spec(clusters: usize, workloads: usize) -> String {
    assert!(clusters >= 1, "at least one cluster");
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(w, "apiVersion: stratoform.dev/v1alpha1\nkind: Platform\nmetadata:\n  name: synthetic\n  description: {clusters} clusters, {workloads} workloads");
    // Each account has its own state bucket (bucket names are unique in all of AWS).
    let _ = writeln!(
        w,
        "environments:\n  - name: dev\n    account: \"111111111111\"\n  - name: prod\n    account: \"222222222222\"\n    overrides:\n      state:\n        bucket: synthetic-prod-terraform-state\n      regions:"
    );
    let regions = clusters.div_ceil(per_region(clusters));
    for (ri, region) in REGIONS.iter().take(regions).enumerate() {
        let _ = writeln!(w, "        - name: {region}\n          clusters:");
        for ci in cluster_range(ri, clusters) {
            let _ = writeln!(w, "            - name: c{ci}\n              nodeGroups:\n                - {{ name: system, min: 3, max: 6 }}\n                - {{ name: apps, min: 3, max: 30 }}");
        }
    }
    let _ = writeln!(w, "regions:");
    let per_cluster = workloads / clusters;
    let extra = workloads % clusters;
    for (ri, region) in REGIONS.iter().take(regions).enumerate() {
        let role = if ri == 0 { "primary" } else { "passive" };
        let _ = writeln!(w, "  - name: {region}\n    role: {role}\n    vpcs:\n      - name: main\n        cidr: 10.{ri}.0.0/16\n        azs: [{region}a, {region}b, {region}c]");
        let _ = writeln!(w, "        subnets:\n          public: {{ type: public, newbits: 8, netnum: 0 }}\n          private: {{ type: private, newbits: 4, netnum: 1 }}\n          database: {{ type: database, newbits: 8, netnum: 200 }}\n        nat: {{ mode: perAz }}");
        let _ = writeln!(w, "    clusters:");
        for ci in cluster_range(ri, clusters) {
            let count = per_cluster + usize::from(ci < extra);
            cluster(w, ci, count);
        }
    }
    s
}

fn cluster_range(region: usize, clusters: usize) -> std::ops::Range<usize> {
    let per = per_region(clusters);
    region * per..((region + 1) * per).min(clusters)
}

fn cluster(w: &mut String, ci: usize, workloads: usize) {
    let namespaces = workloads.div_ceil(50).max(1);
    let _ = writeln!(w, "      - name: c{ci}\n        vpc: main\n        version: \"1.33\"");
    let _ = writeln!(w, "        nodeGroups:\n          - {{ name: system, instanceTypes: [m6i.large], min: 2, max: 4 }}\n          - {{ name: apps, instanceTypes: [m6i.xlarge, m6a.xlarge], min: 2, max: 20, capacityType: spot }}");
    let _ = writeln!(w, "        namespaces:");
    for n in 0..namespaces {
        let _ = writeln!(w, "          - name: team{n}");
    }
    if workloads > 0 {
        let _ = writeln!(w, "        roles:");
        for i in 0..workloads {
            let _ = writeln!(w, "          - name: c{ci}-w{i}\n            serviceAccounts: [\"team{}:w{i}\"]", i % namespaces);
        }
        let _ = writeln!(w, "        workloads:");
    }
    for i in 0..workloads {
        let _ = writeln!(
            w,
            "          - name: w{i}\n            namespace: team{ns}\n            image: registry.example.com/w{i}:1.0.{i}\n            replicas: 2\n            serviceAccount: w{i}\n            role: c{ci}-w{i}\n            resources: {{ cpu: 250m, memory: 256Mi }}\n            ports: [{{ name: http, port: 8080 }}]\n            autoscaling: {{ min: 2, max: 10, cpu: 70 }}\n            disruptionBudget: {{ minAvailable: 1 }}\n            placement: {{ nodeGroup: apps, spreadAcrossZones: true }}",
            ns = i % namespaces
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_specs_are_valid() {
        for (clusters, workloads) in [(1, 0), (1, 7), (3, 10), (12, 25), (250, 260)] {
            let text = spec(clusters, workloads);
            let loaded = stratoform_loader::load_str("synthetic.yaml", &text);
            let report = describe(&loaded);
            assert!(loaded.diagnostics.is_empty(), "{clusters} clusters, {workloads} workloads:\n{report}");
            let platform = &loaded.environments[0].platform;
            let total: usize = platform.regions.iter().flat_map(|r| &r.clusters).map(|c| c.workloads.len()).sum();
            assert_eq!(platform.regions.iter().map(|r| r.clusters.len()).sum::<usize>(), clusters);
            assert_eq!(total, workloads);
        }
    }

    fn describe(loaded: &stratoform_loader::Loaded) -> String {
        loaded.diagnostics.iter().map(|d| format!("{} {} at {:?}\n", d.code, d.message, d.path)).collect()
    }
}
