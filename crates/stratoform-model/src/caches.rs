//! ElastiCache caches as they are created: how many nodes, the port, the parameter group and
//! whether traffic is encrypted, computed once from `regions[].caches[]` for every renderer.

use stratoform_spec::{Cache, CacheEngine};

/// Nodes of a Memcached cluster when `nodes` is not set: two, one in each of two zones.
pub const MEMCACHED_NODES: u32 = 2;

/// The first Memcached release that ElastiCache serves over TLS.
const MEMCACHED_TLS: (u32, u32, u32) = (1, 6, 12);

/// One cache as it is created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheShape {
    /// The engine.
    pub engine: CacheEngine,
    /// The nodes it runs: a Memcached cluster's `nodes` (default 2), else the primary plus
    /// `replicas`.
    pub nodes: u32,
    /// The port clients connect to (6379 or 11211).
    pub port: u16,
    /// Whether traffic is encrypted in transit: always for Redis OSS and Valkey, for Memcached
    /// from 1.6.12 on.
    pub transit_encryption: bool,
    /// A Memcached cluster's parameter group, the default one of the version's family
    /// (`default.memcached1.6`); `None` for a replication group, which takes its engine's default.
    pub parameter_group: Option<String>,
}

/// `(major, minor, patch)` of a dotted version, missing parts as 0; `None` if not numeric.
fn triple(version: &str) -> Option<(u32, u32, u32)> {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    let major = parts.next()??;
    let minor = parts.next().unwrap_or(Some(0))?;
    let patch = parts.next().unwrap_or(Some(0))?;
    parts.next().is_none().then_some((major, minor, patch))
}

/// The shape of a cache.
pub fn shape(c: &Cache) -> CacheShape {
    let engine = c.engine;
    match engine {
        CacheEngine::Memcached => {
            let version = triple(&c.version);
            CacheShape {
                engine,
                nodes: c.nodes.unwrap_or(MEMCACHED_NODES),
                port: engine.port(),
                transit_encryption: version.is_some_and(|v| v >= MEMCACHED_TLS),
                parameter_group: version.map(|(major, minor, _)| format!("default.memcached{major}.{minor}")),
            }
        }
        CacheEngine::Redis | CacheEngine::Valkey => {
            CacheShape { engine, nodes: c.replicas + 1, port: engine.port(), transit_encryption: true, parameter_group: None }
        }
    }
}

#[cfg(test)]
mod tests {
    use stratoform_spec::{Cache, CacheEngine};

    use super::*;

    fn cache(engine: &str, version: &str, extra: &str) -> Cache {
        let text = format!(r#"{{"name": "c", "engine": "{engine}", "version": "{version}", "nodeType": "cache.r6g.large"{extra}}}"#);
        serde_json::from_str(&text).expect("a cache")
    }

    #[test]
    fn memcached_runs_two_nodes_on_11211_with_its_family_group() {
        let s = shape(&cache("memcached", "1.6.22", ""));
        assert_eq!(s, CacheShape { engine: CacheEngine::Memcached, nodes: 2, port: 11211, transit_encryption: true, parameter_group: Some("default.memcached1.6".into()) });
        let old = shape(&cache("memcached", "1.5.16", r#", "nodes": 3"#));
        assert_eq!((old.nodes, old.transit_encryption, old.parameter_group.as_deref()), (3, false, Some("default.memcached1.5")));
        assert!(!shape(&cache("memcached", "1.6.6", "")).transit_encryption, "TLS starts at 1.6.12");
    }

    #[test]
    fn replication_groups_run_the_primary_and_replicas() {
        let s = shape(&cache("valkey", "8.0", r#", "replicas": 2"#));
        assert_eq!(s, CacheShape { engine: CacheEngine::Valkey, nodes: 3, port: 6379, transit_encryption: true, parameter_group: None });
        let r: Cache = serde_json::from_str(r#"{"name": "c", "version": "7.1", "nodeType": "cache.r6g.large"}"#).expect("a cache");
        assert_eq!(shape(&r).engine, CacheEngine::Redis, "the default engine");
    }
}
