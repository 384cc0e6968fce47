//! OpenSearch Service domains: one `search-domain` module call per region with every domain of
//! the region, each in its tier's first `zones` subnets, shaped by the model.

use stratoform_spec::SubnetKind;

use super::kms::LOGS_KEY;
use super::Ctx;
use crate::dsl::*;
use crate::stacks::days;

pub(super) fn search_domains(c: &mut Ctx) {
    let region = c.region;
    let model = c.model;
    let mut domains = Vec::new();
    for d in &region.search_domains {
        let dvpc = c.vpc_name(d.vpc.as_ref());
        let (groups, cidrs) = c.sources(&dvpc, &d.allowed_from);
        let kms = c.kms(d.kms_key.as_ref().map(|k| k.as_str()));
        let shape = model.search_shape(region, d);
        let mut fields = vec![
            ("vpc_id", c.vpc_id(&dvpc)),
            ("engine_version", s(d.version.clone())),
            ("instance_type", s(d.instance_type.clone())),
            ("instances", n(d.instances as i64)),
            ("zones", n(shape.zones as i64)),
            ("masters", n(shape.masters as i64)),
        ];
        if let Some(m) = &d.dedicated_masters {
            fields.push(("master_type", s(m.instance_type.clone())));
        }
        fields.extend([
            ("volume_size", n(d.volume.size_gib as i64)),
            ("iops", n(d.volume.iops as i64)),
            ("throughput", n(d.volume.throughput_mibps as i64)),
            ("tls_policy", s(d.tls_policy.clone())),
            ("log_retention_days", n(crate::stacks::retention_days(days(&d.log_retention)))),
            ("snapshot_hour", n(d.snapshot_hour as i64)),
            ("subnet_ids", c.tier(&dvpc, d.subnet_tier.as_ref(), SubnetKind::Database)),
            ("allowed_security_group_ids", obj(groups)),
            ("allowed_cidrs", strs(cidrs)),
            ("kms_key_arn", kms),
        ]);
        domains.push((shape.domain, obj(fields)));
    }
    c.b.module(
        "search_domains",
        "search-domain",
        vec![("name", s(c.prefix())), ("domains", obj(domains)), ("log_kms_key_arn", ex(LOGS_KEY))],
    );
    c.b.outputs.push(output("search_endpoints", "The OpenSearch domains' HTTPS endpoints in the VPC, by domain.", ex("module.search_domains.endpoints")));
}
