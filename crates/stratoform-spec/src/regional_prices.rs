//! Regional EC2 prices: how much more (or less) an on-demand Linux instance costs in a region
//! than in [`catalog::PRICES_REGION`], whose list prices the catalog holds.
//!
//! AWS prices each region separately, and the ratio differs a little between families; the table
//! holds one factor per region, the ratio of the on-demand Linux list price of `m5.large` in that
//! region to its price in us-east-1 (read 2026-12-07; `c5` ratios read alongside agree within a
//! few percent). A region outside the table is priced at us-east-1 list prices, and callers say so.

use crate::catalog;

/// The date the regional prices below were read.
pub const REGIONAL_PRICES_AS_OF: &str = "2026-12-07";

/// The instance type whose regional list prices give each region's factor.
pub const REFERENCE_TYPE: &str = "m5.large";

/// `(region, on-demand Linux list price of m5.large per hour in USD)`, sorted by region.
const REFERENCE_PRICES: &[(&str, f64)] = &[
    ("ap-northeast-1", 0.124),
    ("ap-northeast-2", 0.118),
    ("ap-south-1", 0.101),
    ("ap-southeast-1", 0.120),
    ("ap-southeast-2", 0.120),
    ("ca-central-1", 0.107),
    ("eu-central-1", 0.115),
    ("eu-north-1", 0.102),
    ("eu-west-1", 0.107),
    ("eu-west-2", 0.111),
    ("eu-west-3", 0.112),
    ("sa-east-1", 0.153),
    ("us-east-1", 0.096),
    ("us-east-2", 0.096),
    ("us-west-1", 0.112),
    ("us-west-2", 0.096),
];

/// How a region's nodes are priced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RegionPricing {
    /// The region has prices: the catalog's list price times this factor.
    Listed(f64),
    /// The table has no prices for the region: the catalog's list prices as they are.
    Unlisted,
}

impl RegionPricing {
    /// The factor to multiply a catalog (us-east-1) price by: `1.0` for an unlisted region.
    pub fn factor(self) -> f64 {
        match self {
            Self::Listed(f) => f,
            Self::Unlisted => 1.0,
        }
    }
}

/// How `region`'s nodes are priced.
pub fn region_pricing(region: &str) -> RegionPricing {
    let base = reference_price(catalog::PRICES_REGION).expect("the catalog's region is in the table");
    reference_price(region).map_or(RegionPricing::Unlisted, |p| RegionPricing::Listed(p / base))
}

fn reference_price(region: &str) -> Option<f64> {
    REFERENCE_PRICES.binary_search_by(|(r, _)| r.cmp(&region)).ok().map(|i| REFERENCE_PRICES[i].1)
}

/// The on-demand Linux price per hour of `instance_type` in `region` (us-east-1's for a region
/// without prices; [`region_pricing`] tells which), if the catalog knows the type.
pub fn hourly_usd(instance_type: &str, region: &str) -> Option<f64> {
    catalog::instance_type(instance_type).and_then(|f| f.hourly_usd).map(|usd| usd * region_pricing(region).factor())
}

/// Every region with prices, sorted.
pub fn listed_regions() -> impl Iterator<Item = &'static str> {
    REFERENCE_PRICES.iter().map(|(r, _)| *r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_holds_the_catalogs_region() {
        assert!(REFERENCE_PRICES.windows(2).all(|w| w[0].0 < w[1].0), "sorted by region, for the binary search");
        assert_eq!(region_pricing(catalog::PRICES_REGION), RegionPricing::Listed(1.0));
        let m5 = catalog::instance_type(REFERENCE_TYPE).expect("the reference type is in the catalog");
        assert!((m5.hourly_usd.expect("a listed price") - reference_price(catalog::PRICES_REGION).unwrap()).abs() < 1e-9, "the catalog's price of the reference type is the table's");
    }

    #[test]
    fn regions_price_by_their_factor() {
        let ireland = hourly_usd("m5.large", "eu-west-1").unwrap();
        assert!((ireland - 0.107).abs() < 1e-9, "{ireland}");
        let frankfurt = hourly_usd("m7g.large", "eu-central-1").unwrap();
        assert!((frankfurt - 0.0816 * 0.115 / 0.096).abs() < 1e-9, "{frankfurt}");
        assert_eq!(hourly_usd("m5.large", "us-west-2"), hourly_usd("m5.large", "us-east-1"));
    }

    #[test]
    fn an_unlisted_region_is_priced_at_the_catalogs_prices() {
        assert_eq!(region_pricing("af-south-1"), RegionPricing::Unlisted);
        assert_eq!(hourly_usd("m5.large", "af-south-1"), hourly_usd("m5.large", "us-east-1"));
        assert!(listed_regions().all(|r| region_pricing(r) != RegionPricing::Unlisted));
    }
}
