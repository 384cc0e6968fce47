//! NET005 with Karpenter: a pool's CPU limit bounds its nodes, and so its pods.

use stratoform_check::{check_models, Date};
use stratoform_model::Model;

fn net005(pool: &str) -> Vec<String> {
    let base = std::fs::read_to_string("tests/fixtures/NET005/pass.yaml").unwrap();
    let spec = base.replace("        nodeGroups:\n", &format!("        nodePools:\n{pool}        nodeGroups:\n"));
    let loaded = stratoform_loader::load_str("pool.yaml", &spec);
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let models = Model::resolve_all(&loaded, None).unwrap();
    let report = check_models(&models, "2026-11-21".parse::<Date>().unwrap(), &[None]);
    report.findings.iter().filter(|f| f.diagnostic.code == "NET005").map(|f| f.diagnostic.message.clone()).collect()
}

#[test]
fn a_pool_within_the_subnets_passes() {
    // 64 cores of m5.large (2 vCPU, 29 pods): 32 nodes, 928 pods, next to 6 × 58 from the group.
    let found = net005("          - { name: burst, instanceTypes: [m5.large], cpuLimit: 64 }\n");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_pool_that_outgrows_the_subnets_is_reported() {
    // 2000 cores of m5.large: 1000 nodes × 29 pods = 29000 pods > 3 × (4096 − 5).
    let found = net005("          - { name: burst, instanceTypes: [m5.large], cpuLimit: 2000 }\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("node pool `main/burst` (1000 × m5.large at 29 pods)"), "{}", found[0]);
    assert!(found[0].contains("29348 pods"), "{}", found[0]);
}

#[test]
fn a_pool_without_a_limit_is_not_counted() {
    let found = net005("          - { name: burst, instanceFamilies: [m5] }\n");
    assert!(found.is_empty(), "{found:?}");
}
