//! The rule catalogue, one rule per file. IDs are stable: never reused or renumbered.

mod arch001_aws_from_kubernetes;
pub mod arch002_kubernetes_from_terraform;
mod arch003_lifecycle;
mod cost001_instance_types;
mod iam001_trust_scope;
mod iam002_policy_wildcards;
mod net001_public_data;
mod net002_open_to_world;
mod net003_broad_ports;
mod net004_cidr_overlap;
pub mod net005_subnet_capacity;
mod net006_open_data_store;
mod net007_wide_public_range;
pub mod net008_admin_port_public;
mod net009_public_ip_on_launch;
mod ops001_version_compat;
mod ops002_state_lock;
mod rel001_multi_az_nodes;
mod rel002_nat_per_az;
mod rel003_multi_az_data;
mod rel004_minimum_sizes;
mod rel005_disruption_budget;
mod rel006_failover_rto;
mod rel007_spot_critical;
mod rel008_deletion_protection;
mod sec001_imdsv2;
mod sec002_encryption;
mod sec003_kms;
mod sec004_endpoint;
pub mod sec005_tls;
mod sec006_config_map_auth;

use crate::Rule;

/// Every rule, in ID order within groups.
pub const RULES: &[Rule] = &[
    sec001_imdsv2::RULE,
    sec002_encryption::RULE,
    sec003_kms::RULE,
    sec004_endpoint::RULE,
    sec005_tls::RULE,
    sec006_config_map_auth::RULE,
    rel001_multi_az_nodes::RULE,
    rel002_nat_per_az::RULE,
    rel003_multi_az_data::RULE,
    rel004_minimum_sizes::RULE,
    rel005_disruption_budget::RULE,
    rel006_failover_rto::RULE,
    rel007_spot_critical::RULE,
    rel008_deletion_protection::RULE,
    net001_public_data::RULE,
    net002_open_to_world::RULE,
    net003_broad_ports::RULE,
    net004_cidr_overlap::RULE,
    net005_subnet_capacity::RULE,
    net006_open_data_store::RULE,
    net007_wide_public_range::RULE,
    net008_admin_port_public::RULE,
    net009_public_ip_on_launch::RULE,
    iam001_trust_scope::RULE,
    iam002_policy_wildcards::RULE,
    ops001_version_compat::RULE,
    ops002_state_lock::RULE,
    cost001_instance_types::RULE,
    arch001_aws_from_kubernetes::RULE,
    arch002_kubernetes_from_terraform::RULE,
    arch003_lifecycle::RULE,
];

/// A rule by ID (case-insensitive).
pub fn lookup(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_grouped() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        for r in RULES {
            assert!(r.id.starts_with(r.group.title().0), "{} is not in group {:?}", r.id, r.group);
            assert!(!r.summary.ends_with('.') && !r.help.ends_with('.'), "{}: no trailing period", r.id);
        }
    }
}
