//! ElastiCache engines: the version is in the form its engine takes (Redis OSS `7.1` or `6.x`,
//! Valkey `8.0`, Memcached `1.6.22`), a version the offline table does not know is a warning
//! (ElastiCache adds releases), and the settings one engine does not have are refused on the
//! others: Memcached has no replicas, snapshots or encryption at rest (so no `replicas`,
//! `snapshotRetention` or `kmsKey`), and `nodes` is Memcached's (1 to 40).

use stratoform_diagnostics::codes;
use stratoform_spec::{Cache, CacheEngine};

use super::Ctx;

/// The versions ElastiCache offered when this table was written (2026-12), by engine.
const KNOWN: &[(CacheEngine, &[&str])] = &[
    (CacheEngine::Redis, &["4.0.10", "5.0.6", "6.0", "6.2", "6.x", "7.0", "7.1"]),
    (CacheEngine::Valkey, &["7.2", "8.0", "8.1"]),
    (CacheEngine::Memcached, &["1.4.5", "1.4.14", "1.4.24", "1.4.33", "1.4.34", "1.5.10", "1.5.16", "1.6.6", "1.6.12", "1.6.17", "1.6.22"]),
];

/// The most nodes a Memcached cluster has.
const MAX_MEMCACHED_NODES: u32 = 40;

/// Runs the cache checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, region) in p.regions.iter().enumerate() {
        for (ci, c) in region.caches.iter().enumerate() {
            let at = format!("/regions/{ri}/caches/{ci}");
            version(ctx, &at, c);
            settings(ctx, &at, c);
        }
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether the version has the engine's form, and the form to suggest if not.
fn form(engine: CacheEngine, v: &str) -> Result<(), &'static str> {
    let parts: Vec<&str> = v.split('.').collect();
    let ok = match engine {
        CacheEngine::Redis => v == "6.x" || ((2..=3).contains(&parts.len()) && parts.iter().all(|p| digits(p)) && parts[0] != "1"),
        CacheEngine::Valkey => parts.len() == 2 && parts.iter().all(|p| digits(p)) && parts[0].parse::<u32>().is_ok_and(|m| m >= 7),
        CacheEngine::Memcached => parts.len() == 3 && parts[0] == "1" && parts.iter().all(|p| digits(p)),
    };
    if ok {
        return Ok(());
    }
    Err(match engine {
        CacheEngine::Redis => "write `<major>.<minor>`, such as `7.1` (or `engine: memcached` for a Memcached release)",
        CacheEngine::Valkey => "write `<major>.<minor>` from 7.2 on, such as `8.0`",
        CacheEngine::Memcached => "write `1.<minor>.<patch>`, such as `1.6.22` (or `engine: redis` for a Redis OSS version)",
    })
}

fn version(ctx: &mut Ctx<'_>, at: &str, c: &Cache) {
    let v = c.version.as_str();
    let title = c.engine.title();
    let pointer = format!("{at}/version");
    if let Err(help) = form(c.engine, v) {
        ctx.error(codes::DATABASE_ENGINE, &pointer, format!("`{v}` is not a {title} version"), "not this engine's form", help);
        return;
    }
    let known = KNOWN.iter().find(|(e, _)| *e == c.engine).map_or(&[][..], |(_, k)| *k);
    if !known.contains(&v) {
        let list = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        ctx.error(
            codes::UNLISTED_ENGINE_VERSION,
            &pointer,
            format!("{title} `{v}` is not a version stratoform knows ElastiCache to offer"),
            "unknown version",
            format!("check that ElastiCache offers it (`aws elasticache describe-cache-engine-versions --engine {}`); known: {list}", c.engine.as_str()),
        );
    }
}

fn settings(ctx: &mut Ctx<'_>, at: &str, c: &Cache) {
    let title = c.engine.title();
    if c.engine.replicates() {
        if ctx.written(&format!("{at}/nodes")) {
            let help = "drop `nodes` and set `replicas` (replicas besides the primary), or choose `engine: memcached`";
            ctx.error(codes::CONFLICTING_FIELDS, &format!("{at}/nodes"), format!("`nodes` is Memcached's; a {title} cache runs a primary and `replicas`"), "Memcached only", help);
        }
        return;
    }
    for (key, what) in [("replicas", "replicas"), ("snapshotRetention", "snapshots"), ("kmsKey", "encryption at rest")] {
        if ctx.written(&format!("{at}/{key}")) {
            let help = format!("drop `{key}`, or choose `engine: redis` or `engine: valkey` for a cache that has {what}");
            ctx.error(codes::CONFLICTING_FIELDS, &format!("{at}/{key}"), format!("Memcached has no {what}: `{key}` would be dropped"), "not Memcached's", help);
        }
    }
    if let Some(n) = c.nodes.filter(|n| !(1..=MAX_MEMCACHED_NODES).contains(n)) {
        ctx.error(codes::OUT_OF_RANGE, &format!("{at}/nodes"), format!("a Memcached cluster has 1 to {MAX_MEMCACHED_NODES} nodes, not {n}"), "out of range", "set `nodes` between 1 and 40; 2 or more spread the cache across zones");
    }
}
