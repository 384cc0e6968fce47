//! The data stores that take network connections (databases, caches, DocumentDB clusters,
//! OpenSearch domains and EFS file systems) as one list: where each is written, the port it listens on and who may connect.

use stratoform_spec::{Name, Region};

use crate::Model;

/// The kinds of data store a region can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DataStoreKind {
    /// `regions[].databases[]`: Aurora or RDS.
    Database,
    /// `regions[].caches[]`: ElastiCache (Redis OSS, Valkey or Memcached).
    Cache,
    /// `regions[].documentDbs[]`.
    DocumentDb,
    /// `regions[].searchDomains[]`: OpenSearch Service, over HTTPS.
    SearchDomain,
    /// `regions[].fileSystems[]`: EFS, mounted over NFS.
    FileSystem,
}

impl DataStoreKind {
    /// The key of its list in a region, as the spec writes it.
    pub fn key(self) -> &'static str {
        match self {
            Self::Database => "databases",
            Self::Cache => "caches",
            Self::DocumentDb => "documentDbs",
            Self::SearchDomain => "searchDomains",
            Self::FileSystem => "fileSystems",
        }
    }

    /// What it is called in messages.
    pub fn title(self) -> &'static str {
        match self {
            Self::Database => "database",
            Self::Cache => "cache",
            Self::DocumentDb => "DocumentDB cluster",
            Self::SearchDomain => "search domain",
            Self::FileSystem => "file system",
        }
    }
}

/// One data store of a region.
#[derive(Clone, Debug)]
pub struct DataStore<'a> {
    /// Its kind.
    pub kind: DataStoreKind,
    /// Its region.
    pub region: &'a Region,
    /// Where it is written, such as `/regions/0/caches/1`.
    pub pointer: String,
    /// Its name within the region.
    pub name: &'a Name,
    /// The port its security group opens: the engine's for a database or cache, 27017, 443 or
    /// 2049.
    pub port: u16,
    /// Its `allowedFrom`, as written.
    pub allowed_from: &'a [String],
    /// Its `vpc`, when named.
    pub vpc: Option<&'a Name>,
    /// Its `subnetTier`, when named.
    pub subnet_tier: Option<&'a Name>,
}

impl Model {
    /// Every data store of every region, region by region in spec order, each region's
    /// databases, caches, DocumentDB clusters, search domains and file systems in that order.
    pub fn data_stores<'a>(&'a self) -> Vec<DataStore<'a>> {
        let mut out = Vec::new();
        for (ri, r) in self.platform.regions.iter().enumerate() {
            let mut push = |kind: DataStoreKind, i: usize, name: &'a Name, port, allowed_from: &'a [String], vpc: Option<&'a Name>, subnet_tier: Option<&'a Name>| {
                let pointer = format!("/regions/{ri}/{}/{i}", kind.key());
                out.push(DataStore { kind, region: r, pointer, name, port, allowed_from, vpc, subnet_tier });
            };
            for (i, d) in r.databases.iter().enumerate() {
                push(DataStoreKind::Database, i, &d.name, d.engine.port(), &d.allowed_from, d.vpc.as_ref(), d.subnet_tier.as_ref());
            }
            for (i, c) in r.caches.iter().enumerate() {
                push(DataStoreKind::Cache, i, &c.name, crate::caches::shape(c).port, &c.allowed_from, c.vpc.as_ref(), c.subnet_tier.as_ref());
            }
            for (i, d) in r.document_dbs.iter().enumerate() {
                push(DataStoreKind::DocumentDb, i, &d.name, 27017, &d.allowed_from, d.vpc.as_ref(), d.subnet_tier.as_ref());
            }
            for (i, d) in r.search_domains.iter().enumerate() {
                push(DataStoreKind::SearchDomain, i, &d.name, crate::search::HTTPS_PORT, &d.allowed_from, d.vpc.as_ref(), d.subnet_tier.as_ref());
            }
            for (i, f) in r.file_systems.iter().enumerate() {
                push(DataStoreKind::FileSystem, i, &f.name, 2049, &f.allowed_from, f.vpc.as_ref(), f.subnet_tier.as_ref());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::JsonSpec;
    use crate::Model;

    #[test]
    fn every_kind_with_its_pointer_and_port() {
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}],
            "regions": [
                {"name": "us-east-1",
                 "databases": [{"name": "orders", "engine": "auroraMysql", "version": "8.0.mysql_aurora.3.08.2", "instanceClass": "db.r6g.large", "allowedFrom": ["cluster:main"]}],
                 "fileSystems": [{"name": "shared", "purpose": "p"}]},
                {"name": "eu-west-1",
                 "caches": [{"name": "sessions", "version": "7.1", "nodeType": "cache.r6g.large"},
                            {"name": "pages", "engine": "memcached", "version": "1.6.22", "nodeType": "cache.r7g.large"}],
                 "documentDbs": [{"name": "devices", "version": "5.0.0", "instanceClass": "db.r6g.large"}],
                 "searchDomains": [{"name": "events", "version": "OpenSearch_2.17", "instanceType": "r7g.large.search", "allowedFrom": ["cluster:main"]}]}
            ]
        }));
        let m = Model::resolve_all(&spec, None).expect("valid spec").remove(0);
        let found: Vec<(String, u16, usize)> = m.data_stores().iter().map(|d| (d.pointer.clone(), d.port, d.allowed_from.len())).collect();
        assert_eq!(
            found,
            [
                ("/regions/0/databases/0".to_owned(), 3306, 1),
                ("/regions/0/fileSystems/0".to_owned(), 2049, 0),
                ("/regions/1/caches/0".to_owned(), 6379, 0),
                ("/regions/1/caches/1".to_owned(), 11211, 0),
                ("/regions/1/documentDbs/0".to_owned(), 27017, 0),
                ("/regions/1/searchDomains/0".to_owned(), 443, 1),
            ]
        );
    }
}
