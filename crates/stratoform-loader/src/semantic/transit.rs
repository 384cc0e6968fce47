//! Transit Gateways: the Amazon side ASN is a private ASN (64512 to 65534, or 4200000000 to
//! 4294967294), which is all AWS accepts for it.

use super::Ctx;
use stratoform_diagnostics::codes;

/// The private ASN ranges AWS accepts for a Transit Gateway.
const PRIVATE: [std::ops::RangeInclusive<u32>; 2] = [64512..=65534, 4_200_000_000..=4_294_967_294];

/// Runs the Transit Gateway checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, region) in p.regions.iter().enumerate() {
        let Some(tgw) = &region.transit_gateway else { continue };
        let asn = tgw.amazon_side_asn;
        if PRIVATE.iter().any(|r| r.contains(&asn)) {
            continue;
        }
        ctx.error(
            codes::PRIVATE_ASN,
            &format!("/regions/{ri}/transitGateway/amazonSideAsn"),
            format!("Transit Gateway `{}` has ASN {asn}, outside the private ranges AWS accepts", tgw.name),
            "not a private ASN",
            "choose an ASN from 64512 to 65534 or from 4200000000 to 4294967294, different for each gateway that peers",
        );
    }
}
