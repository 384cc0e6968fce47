//! Hosts (EC2 instances) and their snapshot schedules.

use hcl::Expression;
use stratoform_spec::SubnetKind;

use super::Ctx;
use crate::dsl::*;

pub(super) fn hosts(c: &mut Ctx) {
    let region = c.region;
    for h in &region.hosts {
        let vpc = c.vpc_name(h.vpc.as_ref());
        let param = match h.os {
            stratoform_spec::HostOs::AmazonLinux2023 => "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
            stratoform_spec::HostOs::AmazonLinux2 => "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2",
            stratoform_spec::HostOs::Ubuntu2404 => "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
            stratoform_spec::HostOs::WindowsServer2022 => "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base",
        };
        let mut ingress = Vec::new();
        let mut cross = Vec::new();
        for (i, r) in h.ingress.iter().enumerate() {
            let proto = match r.protocol {
                stratoform_spec::Protocol::All => "-1".to_owned(),
                p => serde_name(&p),
            };
            let desc = r.description.clone().unwrap_or_else(|| format!("port {}", r.from_port));
            for cidr in &r.cidrs {
                ingress.push((
                    format!("{i}-{cidr}"),
                    obj([
                        ("protocol", s(proto.clone())),
                        ("from_port", n(r.from_port as i64)),
                        ("to_port", n(r.to_port.unwrap_or(r.from_port) as i64)),
                        ("cidr", s(cidr.to_string())),
                        ("description", s(desc.clone())),
                    ]),
                ));
            }
            for src in &r.sources {
                cross.push((i, src.clone(), proto.clone(), r.from_port, r.to_port.unwrap_or(r.from_port), desc.clone()));
            }
        }
        let snapshot_tags = h
            .snapshot_schedule
            .as_ref()
            .and_then(|sch| region.snapshot_schedules.iter().find(|x| x.name == *sch))
            .map(|sch| string_map(sch.target_tags.iter()))
            .unwrap_or_else(|| obj::<&str>([]));
        let hid = ident(h.name.as_str());
        c.b.module(
            &format!("host_{hid}"),
            "hosts",
            vec![
                ("name", s(format!("{}-{}", c.prefix(), h.name))),
                ("ami_ssm_parameter", s(param)),
                ("instance_type", s(h.instance_type.to_string())),
                ("vpc_id", ex(&format!("{}.vpc_id", c.network(Some(&vpc))))),
                ("subnet_id", call("element", [c.tier(&vpc, Some(&h.subnet_tier), SubnetKind::Private), n(0)])),
                ("public_ip", h.public_ip.into()),
                ("source_dest_check", h.source_dest_check.into()),
                (
                    "root_volume",
                    obj([
                        ("size_gib", n(h.root_volume.size_gib as i64)),
                        ("type", s(h.root_volume.volume_type.as_str())),
                        ("encrypted", h.root_volume.encrypted.into()),
                        ("iops", h.root_volume.iops.map(|x| n(x as i64)).unwrap_or(Expression::Null)),
                        ("throughput", h.root_volume.throughput.map(|x| n(x as i64)).unwrap_or(Expression::Null)),
                    ]),
                ),
                (
                    "volumes",
                    obj(h.volumes.iter().map(|v| {
                        (
                            v.name.to_string(),
                            obj([
                                ("device", s(v.device.clone())),
                                ("size_gib", n(v.size_gib as i64)),
                                ("type", s(v.volume_type.as_str())),
                                ("iops", v.iops.map(|x| n(x as i64)).unwrap_or(Expression::Null)),
                                ("throughput", v.throughput.map(|x| n(x as i64)).unwrap_or(Expression::Null)),
                                ("encrypted", v.encrypted.into()),
                            ]),
                        )
                    })),
                ),
                ("ingress", obj(ingress)),
                ("imdsv2_required", h.metadata.imdsv2_required.into()),
                ("metadata_hop_limit", n(h.metadata.hop_limit as i64)),
                (
                    "managed_policy_arns",
                    strs(h.managed_policies.iter().map(|p| stratoform_model::policies::managed_policy_arn(p))),
                ),
                ("user_data", h.user_data.clone().map(s).unwrap_or(Expression::Null)),
                ("snapshot_tags", snapshot_tags),
            ],
        );
        for (i, src, proto, from, to, desc) in cross {
            let (groups, _) = c.sources(&vpc, std::slice::from_ref(&src));
            let Some((_, group)) = groups.into_iter().next() else { continue };
            let all = proto == "-1";
            c.b.main.push(block_owned(
                "resource",
                vec!["aws_vpc_security_group_ingress_rule".into(), ident(&format!("host_{hid}_{i}_{src}"))],
                vec![
                    attr("security_group_id", ex(&format!("module.host_{hid}.security_group_id"))),
                    attr("description", s(desc)),
                    attr("ip_protocol", s(proto)),
                    attr("from_port", if all { Expression::Null } else { n(from as i64) }),
                    attr("to_port", if all { Expression::Null } else { n(to as i64) }),
                    attr("referenced_security_group_id", group),
                ],
            ));
        }
    }
    // EBS snapshot schedules (Data Lifecycle Manager).
    if !region.snapshot_schedules.is_empty() {
        let schedules = obj(region.snapshot_schedules.iter().map(|sch| {
            (
                sch.name.to_string(),
                obj([
                    ("target_tags", string_map(sch.target_tags.iter())),
                    ("interval_hours", n((sch.every.as_secs() / 3600).max(1) as i64)),
                    ("at", s(sch.at.clone())),
                    ("retain", n(sch.retain as i64)),
                ]),
            )
        }));
        c.b.module("snapshots", "snapshots", vec![("name", s(format!("{}-{}", c.prefix(), region.name))), ("schedules", schedules)]);
    }
}
