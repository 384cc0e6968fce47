//! OpenSearch Service domains as they are created, computed once from `regions[].searchDomains[]`
//! for every renderer and check: the domain's name, its engine, and the zones its data nodes are
//! spread over.

use stratoform_spec::{Region, SearchDomain, ServiceLinkedRole, SubnetKind};

use crate::naming::Names;
use crate::{Model, NetworkPlan};

/// The port a domain in a VPC answers on (HTTPS only).
pub const HTTPS_PORT: u16 = 443;

/// The longest domain name OpenSearch Service accepts.
pub const DOMAIN_NAME_MAX: usize = 28;

/// The service whose service-linked role must exist in an account before a domain is created
/// in one of its VPCs; the account stack creates it once per account.
pub const SERVICE_LINKED_ROLE_SERVICE: &str = "opensearchservice.amazonaws.com";

/// Where an account keeps its service-linked roles, and the names OpenSearch Service's role has
/// had: `AWSServiceRoleForAmazonOpenSearchService`, and in accounts that ran Elasticsearch
/// Service before the rename, `AWSServiceRoleForAmazonElasticsearchService`. An account stack
/// told the role exists (`identity.serviceLinkedRoles.opensearch: existing`) looks it up by these.
pub const EXISTING_ROLE_PATH_PREFIX: &str = "/aws-service-role/";
/// See [`EXISTING_ROLE_PATH_PREFIX`].
pub const EXISTING_ROLE_NAME_REGEX: &str = "^AWSServiceRoleForAmazon(OpenSearch|Elasticsearch)Service$";

/// The most zones a domain spreads its nodes over.
const MAX_ZONES: u32 = 3;

/// The engines a domain runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchEngine {
    /// OpenSearch.
    OpenSearch,
    /// The legacy Elasticsearch engine (up to 7.10).
    Elasticsearch,
}

/// The engine and `(major, minor)` of a version written as the API writes it
/// (`OpenSearch_2.17`, `Elasticsearch_7.10`); `None` when it is not in that form.
pub fn engine_version(version: &str) -> Option<(SearchEngine, u32, u32)> {
    let (engine, number) = version.split_once('_')?;
    let engine = match engine {
        "OpenSearch" => SearchEngine::OpenSearch,
        "Elasticsearch" => SearchEngine::Elasticsearch,
        _ => return None,
    };
    let (major, minor) = number.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(major) && digits(minor)).then_some(())?;
    Some((engine, major.parse().ok()?, minor.parse().ok()?))
}

/// One search domain as it is created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchShape {
    /// The domain's name, `<platform>-<environment>-<name>`.
    pub domain: String,
    /// Zones its data nodes are spread over (zone awareness when more than one); the domain
    /// takes the first this many subnets of its tier, one per zone.
    pub zones: u32,
    /// Dedicated master nodes (0 when none).
    pub masters: u32,
}

/// The domain's name.
pub fn domain_name(names: &Names, d: &SearchDomain) -> String {
    format!("{}-{}", names.prefix(), d.name)
}

/// The zones a domain's data nodes are spread over when its subnet tier has subnets in
/// `tier_zones` zones: `zones` as written, else the smaller of the nodes, 3 and the tier's zones.
pub fn zones(d: &SearchDomain, tier_zones: usize) -> u32 {
    let tier_zones = u32::try_from(tier_zones).unwrap_or(u32::MAX);
    d.zones.unwrap_or_else(|| d.instances.min(MAX_ZONES).min(tier_zones).max(1))
}

/// The shape of a domain whose subnet tier has subnets in `tier_zones` zones.
pub fn shape(names: &Names, d: &SearchDomain, tier_zones: usize) -> SearchShape {
    SearchShape { domain: domain_name(names, d), zones: zones(d, tier_zones), masters: d.dedicated_masters.as_ref().map_or(0, |m| m.count) }
}

/// How many zones the subnet tier of a domain has (its `subnetTier`, else the VPC's first
/// database tier, else its first tier); 0 when the VPC is unknown.
pub fn tier_zones(network: &NetworkPlan, region: &Region, d: &SearchDomain) -> usize {
    let vpc = d.vpc.as_ref().map(|v| v.as_str()).or_else(|| region.vpcs.first().map(|v| v.name.as_str()));
    vpc.and_then(|v| network.vpc(region.name.as_str(), v))
        .and_then(|p| crate::network::tier_for(&p.tiers, d.subnet_tier.as_ref(), SubnetKind::Database))
        .map_or(0, |t| t.subnets.len())
}

impl Model {
    /// Whether the environment has a search domain, so that its account needs OpenSearch
    /// Service's service-linked role.
    pub fn needs_search_service_role(&self) -> bool {
        self.regions().iter().any(|r| !r.search_domains.is_empty())
    }

    /// How the account stack provides OpenSearch Service's service-linked role for this
    /// environment: `None` when it has no search domain.
    pub fn search_service_role(&self) -> Option<ServiceLinkedRole> {
        self.needs_search_service_role().then_some(self.platform.identity.service_linked_roles.opensearch)
    }

    /// The search domain a grant names: the one of `region` by that name, else the first of
    /// another region.
    pub fn search_domain(&self, name: &str, region: &str) -> Option<(&Region, &SearchDomain)> {
        let all = || self.regions().iter().flat_map(|r| r.search_domains.iter().filter(move |d| d.name.as_str() == name).map(move |d| (r, d)));
        all().find(|(r, _)| r.name.as_str() == region).or_else(|| all().next())
    }

    /// The shape of a domain of a region.
    pub fn search_shape(&self, region: &Region, d: &SearchDomain) -> SearchShape {
        shape(&self.names, d, tier_zones(&self.network, region, d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_in_the_api_form() {
        assert_eq!(engine_version("OpenSearch_2.17"), Some((SearchEngine::OpenSearch, 2, 17)));
        assert_eq!(engine_version("Elasticsearch_7.10"), Some((SearchEngine::Elasticsearch, 7, 10)));
        for bad in ["2.17", "OpenSearch 2.17", "opensearch_2.17", "OpenSearch_2", "OpenSearch_2.x", "OpenSearch_.17", "Solr_9.1"] {
            assert_eq!(engine_version(bad), None, "{bad}");
        }
    }
}
