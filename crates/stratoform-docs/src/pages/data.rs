//! `data.md`: databases, caches, DocumentDB, OpenSearch domains, SaaS databases, buckets, file
//! systems, ECR, storage classes and EC2 hosts.

use stratoform_model::Model;

use super::{header, yes_no};
use crate::link::md;
use crate::markdown::{Doc, Table};

/// `long-lived` (its own stack, kept by `down`) or `ephemeral`.
pub(crate) fn lifecycle(l: stratoform_spec::Lifecycle) -> String {
    if l.is_long_lived() { "long-lived".into() } else { "ephemeral".into() }
}

fn deletion(model: &Model, v: Option<bool>) -> String {
    yes_no(v.unwrap_or(model.is_production()))
}

pub(crate) fn page(model: &Model) -> String {
    let mut doc = Doc::new(&header(model), "Data stores");
    for (ri, r) in model.regions().iter().enumerate() {
        let p = |k: &str, i: usize| format!("/regions/{ri}/{k}/{i}");
        if !r.databases.is_empty() {
            doc.h2(&format!("Databases ({})", r.name));
            let mut t = Table::new(&["Name", "Engine", "Version", "Instance class", "Instances", "Multi-AZ", "Storage", "Backups", "KMS key", "Deletion protection", "Purpose", "Spec"]);
            for (i, d) in r.databases.iter().enumerate() {
                t.row(vec![
                    d.name.to_string(),
                    d.engine.as_rds().into(),
                    d.version.clone(),
                    d.instance_class.clone(),
                    d.instances.to_string(),
                    yes_no(d.multi_az.unwrap_or(d.instances > 1)),
                    format!("{} GiB", d.storage_gib),
                    d.backup_retention.to_string(),
                    d.kms_key.as_ref().map_or("AWS managed".into(), ToString::to_string),
                    deletion(model, d.deletion_protection),
                    d.purpose.clone().unwrap_or_default(),
                    md(model, &p("databases", i)),
                ]);
            }
            doc.table(&t);
        }
        if !r.caches.is_empty() {
            doc.h2(&format!("Caches ({})", r.name));
            let mut t = Table::new(&["Name", "Engine", "Version", "Node type", "Replicas", "Snapshots", "KMS key", "Purpose", "Spec"]);
            for (i, c) in r.caches.iter().enumerate() {
                let shape = stratoform_model::caches::shape(c);
                let (replicas, snapshots, key) = if shape.engine.replicates() {
                    (c.replicas.to_string(), c.snapshot_retention.to_string(), c.kms_key.as_ref().map_or("AWS managed".into(), ToString::to_string))
                } else {
                    let tls = if shape.transit_encryption { "TLS" } else { "no TLS (before 1.6.12)" };
                    (format!("none: {} nodes across zones, port {}, {tls}", shape.nodes, shape.port), "none (Memcached)".into(), "none (no encryption at rest)".into())
                };
                t.row(vec![c.name.to_string(), cache_kind(c.engine).into(), c.version.clone(), c.node_type.clone(), replicas, snapshots, key, c.purpose.clone().unwrap_or_default(), md(model, &p("caches", i))]);
            }
            doc.table(&t);
        }
        if !r.document_dbs.is_empty() {
            doc.h2(&format!("DocumentDB ({})", r.name));
            let mut t = Table::new(&["Name", "Version", "Instance class", "Instances", "Backups", "KMS key", "Purpose", "Spec"]);
            for (i, c) in r.document_dbs.iter().enumerate() {
                t.row(vec![c.name.to_string(), c.version.clone(), c.instance_class.clone(), c.instances.to_string(), c.backup_retention.to_string(), c.kms_key.as_ref().map_or("AWS managed".into(), ToString::to_string), c.purpose.clone().unwrap_or_default(), md(model, &p("documentDbs", i))]);
            }
            doc.table(&t);
        }
        if !r.search_domains.is_empty() {
            doc.h2(&format!("OpenSearch domains ({})", r.name));
            let mut t = Table::new(&["Name", "Domain", "Engine", "Data nodes", "Zones", "Dedicated masters", "Volume (gp3)", "TLS policy", "KMS key", "Purpose", "Spec"]);
            for (i, d) in r.search_domains.iter().enumerate() {
                let shape = model.search_shape(r, d);
                let masters = d.dedicated_masters.as_ref().map_or("none".into(), |m| format!("{} × {}", m.count, m.instance_type));
                let v = &d.volume;
                t.row(vec![
                    d.name.to_string(),
                    shape.domain,
                    d.version.replace('_', " "),
                    format!("{} × {}", d.instances, d.instance_type),
                    shape.zones.to_string(),
                    masters,
                    format!("{} GiB, {} IOPS, {} MiB/s", v.size_gib, v.iops, v.throughput_mibps),
                    d.tls_policy.clone(),
                    d.kms_key.as_ref().map_or("AWS managed".into(), ToString::to_string),
                    d.purpose.clone().unwrap_or_default(),
                    md(model, &p("searchDomains", i)),
                ]);
            }
            doc.table(&t);
            doc.para("Each domain sits in its VPC and answers HTTPS only on port 443, to the sources in `allowedFrom`; requests are authorised by IAM (the domain's access policy admits the account's principals, whose own policies grant `es:ESHttp*`). Data is encrypted at rest and between nodes; the slow logs and the application log go to CloudWatch Logs under `/aws/opensearch/<domain>/`, encrypted with the stack's log key. The account stack creates OpenSearch Service's service-linked role, which a domain in a VPC needs.");
        }
        if !r.external_databases.is_empty() {
            doc.h2(&format!("SaaS databases ({})", r.name));
            let mut t = Table::new(&["Name", "Vendor", "Connectivity", "Auth", "TLS", "Ports", "Topology", "Lifecycle", "Purpose", "Spec"]);
            for (i, x) in r.external_databases.iter().enumerate() {
                t.row(vec![
                    x.name.to_string(),
                    format!("{:?}", x.vendor).replace("MongodbAtlas", "MongoDB Atlas").replace("RedisLabs", "Redis Labs"),
                    format!("{:?}", x.connectivity).replace("PrivateLink", "PrivateLink").replace("Peering", "VPC peering"),
                    format!("{:?}", x.auth).replace("Iam", "IAM").replace("UsernamePassword", "username/password"),
                    x.tls_versions.join(", "),
                    x.ports.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                    x.topology.clone().unwrap_or_default(),
                    lifecycle(x.lifecycle),
                    x.purpose.clone().unwrap_or_default(),
                    md(model, &p("externalDatabases", i)),
                ]);
            }
            doc.table(&t);
        }
        if !r.buckets.is_empty() {
            doc.h2(&format!("S3 buckets ({})", r.name));
            let mut t = Table::new(&["Bucket", "Name", "Versioning", "Encryption", "Lifecycle rules", "Replication", "Purpose", "Spec"]);
            for (i, b) in r.buckets.iter().enumerate() {
                let name = model.bucket_name(r, b);
                let enc = match b.encryption {
                    stratoform_spec::BucketEncryption::SseS3 => "SSE-S3".to_owned(),
                    stratoform_spec::BucketEncryption::Kms => format!("KMS{}", b.kms_key.as_ref().map(|k| format!(" (`{k}`)")).unwrap_or_default()),
                };
                let rules: Vec<String> = b
                    .lifecycle_rules
                    .iter()
                    .map(|l| {
                        let mut parts: Vec<String> = l.transitions.iter().map(|t| format!("{} after {}", t.storage_class, t.after)).collect();
                        if let Some(e) = &l.expire_after {
                            parts.push(format!("expire after {e}"));
                        }
                        format!("{}: {}", l.name, parts.join(", "))
                    })
                    .collect();
                t.row(vec![b.name.to_string(), name, yes_no(b.versioning), enc, rules.join("; "), b.replication.as_ref().map_or(String::new(), |x| format!("to {} in {}", x.bucket, x.region)), b.purpose.clone(), md(model, &p("buckets", i))]);
            }
            doc.table(&t);
        }
        if !r.file_systems.is_empty() {
            doc.h2(&format!("EFS file systems ({})", r.name));
            let mut t = Table::new(&["Name", "Throughput", "KMS key", "Access points", "Purpose", "Spec"]);
            for (i, f) in r.file_systems.iter().enumerate() {
                let aps: Vec<String> = f.access_points.iter().map(|a| format!("{} at {} (UID/GID {}/{}, permissions {})", a.name, a.path, a.uid, a.gid, a.permissions)).collect();
                t.row(vec![f.name.to_string(), format!("{:?}", f.throughput_mode).to_lowercase(), f.kms_key.as_ref().map_or("AWS managed".into(), ToString::to_string), aps.join("; "), f.purpose.clone(), md(model, &p("fileSystems", i))]);
            }
            doc.table(&t);
        }
        if let Some(ecr) = &r.ecr {
            doc.h2(&format!("ECR ({})", r.name));
            if !ecr.repositories.is_empty() {
                let mut t = Table::new(&["Repository", "Immutable tags", "Scan on push", "Keep tagged", "Untagged expiry", "Spec"]);
                for (i, x) in ecr.repositories.iter().enumerate() {
                    t.row(vec![model.names.fill(&x.name, Some(r), None), yes_no(x.immutable), yes_no(x.scan_on_push), x.keep_tagged.to_string(), x.untagged_expiry.to_string(), md(model, &format!("/regions/{ri}/ecr/repositories/{i}"))]);
                }
                doc.table(&t);
            }
            if !ecr.pull_through_caches.is_empty() {
                let mut t = Table::new(&["Pull-through cache", "Upstream", "Credentials", "Spec"]);
                for (i, x) in ecr.pull_through_caches.iter().enumerate() {
                    let credentials = x.credential_secret.as_ref().map_or_else(|| "none".to_owned(), |c| format!("`{c}`"));
                    t.row(vec![x.prefix.to_string(), x.upstream.to_string(), credentials, md(model, &format!("/regions/{ri}/ecr/pullThroughCaches/{i}"))]);
                }
                doc.table(&t);
                if ecr.pull_through_caches.iter().any(|x| x.credential_secret.is_some()) {
                    doc.para(
                        "The long-lived stack creates each rule in this region, and each credentials secret beside it with the value of its input \
                         `pull_through_cache_credentials` under the cache's prefix (`{ username, access_token }`); the pipeline sets it as \
                         `TF_VAR_pull_through_cache_credentials` from its own secret store. Nodes get `ecr:BatchImportUpstreamImage` and \
                         `ecr:CreateRepository` on the caches' prefixes from the environment stack.",
                    );
                }
            }
        }
        if !r.hosts.is_empty() {
            doc.h2(&format!("EC2 hosts ({})", r.name));
            let mut t = Table::new(&["Host", "Instance type", "OS", "Subnet tier", "Public IP", "Volumes", "Purpose", "Spec"]);
            for (i, h) in r.hosts.iter().enumerate() {
                let vols: Vec<String> = h.volumes.iter().map(|v| format!("{} {} GiB {}", v.name, v.size_gib, v.volume_type.as_str())).collect();
                t.row(vec![h.name.to_string(), h.instance_type.to_string(), crate::markdown::spec_name(&h.os), h.subnet_tier.to_string(), yes_no(h.public_ip), vols.join(", "), h.purpose.clone(), md(model, &p("hosts", i))]);
            }
            doc.table(&t);
        }
        for (ci, c) in r.clusters.iter().enumerate() {
            if c.storage_classes.is_empty() {
                continue;
            }
            doc.h2(&format!("Storage classes of `{}`", model.names.cluster_in(c, r)));
            let mut t = Table::new(&["Class", "Provisioner", "Volume type", "IOPS", "Throughput", "Encrypted", "Binding", "Reclaim", "Expansion", "Default", "Spec"]);
            for (i, s) in c.storage_classes.iter().enumerate() {
                let prov = match s.provisioner {
                    stratoform_spec::StorageProvisioner::Ebs => "ebs.csi.aws.com".to_owned(),
                    stratoform_spec::StorageProvisioner::Efs => format!("efs.csi.aws.com{}", s.file_system.as_ref().map(|f| format!(" (`{f}`)")).unwrap_or_default()),
                };
                let vt = if s.provisioner == stratoform_spec::StorageProvisioner::Ebs { s.volume_type.as_str().to_owned() } else { String::new() };
                let binding = s.volume_binding_mode.map_or_else(|| "WaitForFirstConsumer".to_owned(), |b| format!("{b:?}"));
                t.row(vec![
                    s.name.to_string(),
                    prov,
                    vt,
                    s.iops.map_or(String::new(), |v| v.to_string()),
                    s.throughput.map_or(String::new(), |v| format!("{v} MiB/s")),
                    yes_no(s.encrypted),
                    binding,
                    crate::markdown::spec_name(&s.reclaim_policy),
                    yes_no(s.allow_expansion),
                    yes_no(s.default),
                    md(model, &format!("/regions/{ri}/clusters/{ci}/storageClasses/{i}")),
                ]);
            }
            doc.table(&t);
        }
    }
    doc.finish()
}

/// What a cache is called in the docs.
pub(crate) fn cache_kind(engine: stratoform_spec::CacheEngine) -> &'static str {
    match engine {
        stratoform_spec::CacheEngine::Redis => "ElastiCache Redis",
        stratoform_spec::CacheEngine::Valkey => "ElastiCache Valkey",
        stratoform_spec::CacheEngine::Memcached => "ElastiCache Memcached",
    }
}
