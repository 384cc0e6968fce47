//! Database engines: the version is one the engine offers, in the form RDS takes for it, and the
//! instance class is one the engine runs on. Aurora runs on memory-optimized (`db.r*`, `db.x2*`)
//! classes, the burstable `db.t3`/`db.t4g` `medium` and `large`, and `db.serverless`; it has no
//! general-purpose (`db.m*`) classes. RDS has no `db.serverless`. PostgreSQL engines start at
//! major 11 (older majors are gone from RDS and Aurora); RDS MySQL offers 5.7, 8.0 and 8.4; Aurora
//! MySQL versions name their line (`8.0.mysql_aurora.3.08.2`, `5.7.mysql_aurora.2.12.4`). A MySQL
//! or Aurora MySQL version of the right form in a line not listed here is a warning (SF052): AWS
//! adds lines, and stratoform's list only knows those it was written with.

use stratoform_diagnostics::codes;
use stratoform_spec::{Database, DatabaseEngine};

use super::Ctx;

/// The oldest PostgreSQL major RDS and Aurora still create.
const OLDEST_POSTGRES: u32 = 11;

/// Runs the database engine checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, region) in p.regions.iter().enumerate() {
        for (di, d) in region.databases.iter().enumerate() {
            let dp = format!("/regions/{ri}/databases/{di}");
            if let Some((code, label, message, help)) = version_fault(d) {
                ctx.error(code, &format!("{dp}/version"), message, label, help);
            }
            if let Some((message, help)) = class_fault(d) {
                ctx.error(codes::DATABASE_ENGINE, &format!("{dp}/instanceClass"), message, "not offered", help);
            }
        }
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `v` is `parts` dot-separated numbers.
fn dotted(v: &str, parts: usize) -> bool {
    let all: Vec<&str> = v.split('.').collect();
    all.len() == parts && all.iter().all(|p| digits(p))
}

/// What is wrong with the version, if anything: (code, label, message, help).
fn version_fault(d: &Database) -> Option<(&'static str, &'static str, String, String)> {
    let v = d.version.as_str();
    let engine = d.engine.as_rds();
    match d.engine {
        DatabaseEngine::AuroraPostgresql | DatabaseEngine::Postgres => {
            let mut parts = v.split('.');
            let major = parts.next().filter(|m| digits(m)).and_then(|m| m.parse::<u32>().ok());
            let rest_ok = parts.clone().count() <= 1 && parts.all(digits);
            match major {
                Some(m) if rest_ok && m < OLDEST_POSTGRES => Some((
                    codes::DATABASE_ENGINE,
                    "retired major",
                    format!("`{engine}` no longer offers PostgreSQL {m}"),
                    format!("choose PostgreSQL {OLDEST_POSTGRES} or later, such as `16.4`"),
                )),
                Some(_) if rest_ok => None,
                _ => Some((codes::DATABASE_ENGINE, "not `<major>.<minor>`", format!("`{v}` is not a `{engine}` version"), "write `<major>.<minor>`, such as `16.4`".to_owned())),
            }
        }
        DatabaseEngine::Mysql => {
            let ok = ["5.7.", "8.0.", "8.4."].iter().any(|line| v.strip_prefix(line).is_some_and(digits));
            if ok {
                None
            } else if dotted(v, 3) {
                Some((
                    codes::UNLISTED_ENGINE_VERSION,
                    "unlisted line",
                    format!("MySQL `{v}` is not in a line stratoform lists (5.7, 8.0, 8.4)"),
                    "check that RDS offers it in this region (`aws rds describe-db-engine-versions --engine mysql`); stratoform renders it as written".to_owned(),
                ))
            } else {
                Some((codes::DATABASE_ENGINE, "not a MySQL release", format!("`{v}` is not a `mysql` version RDS offers"), "write a release of 5.7, 8.0 or 8.4, such as `8.0.39`".to_owned()))
            }
        }
        DatabaseEngine::AuroraMysql => {
            let ok = [("5.7.mysql_aurora.2.", 2), ("8.0.mysql_aurora.3.", 2)].iter().any(|(line, n)| {
                v.strip_prefix(line).is_some_and(|rest| {
                    let parts: Vec<&str> = rest.split('.').collect();
                    parts.len() == *n && parts.iter().all(|p| digits(p))
                })
            });
            let unlisted = v.split_once(".mysql_aurora.").is_some_and(|(mysql, aurora)| dotted(mysql, 2) && dotted(aurora, 3));
            if unlisted && !ok {
                return Some((
                    codes::UNLISTED_ENGINE_VERSION,
                    "unlisted line",
                    format!("Aurora MySQL `{v}` is not in a line stratoform lists (5.7 with Aurora 2, 8.0 with Aurora 3)"),
                    "check that Aurora offers it in this region (`aws rds describe-db-engine-versions --engine aurora-mysql`); stratoform renders it as written".to_owned(),
                ));
            }
            (!ok).then(|| {
                (
                    codes::DATABASE_ENGINE,
                    "not an Aurora MySQL release",
                    format!("`{v}` is not an `aurora-mysql` version"),
                    "write the MySQL line and the Aurora release, such as `8.0.mysql_aurora.3.08.2`".to_owned(),
                )
            })
        }
    }
}

/// What is wrong with the instance class, if anything: (message, help).
fn class_fault(d: &Database) -> Option<(String, String)> {
    let class = d.instance_class.as_str();
    let engine = d.engine.as_rds();
    if class == "db.serverless" {
        return (!d.engine.is_aurora()).then(|| (format!("`{engine}` has no `db.serverless` class (Aurora Serverless v2 is Aurora's)"), "choose a provisioned class such as `db.m6g.large`, or an Aurora engine".to_owned()));
    }
    let mut parts = class.split('.');
    let (Some("db"), Some(family), Some(size), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Some((format!("`{class}` is not an RDS instance class"), "write `db.<family>.<size>`, such as `db.r6g.large`".to_owned()));
    };
    if family.is_empty() || size.is_empty() {
        return Some((format!("`{class}` is not an RDS instance class"), "write `db.<family>.<size>`, such as `db.r6g.large`".to_owned()));
    }
    if !d.engine.is_aurora() {
        return None;
    }
    let aurora = match family.as_bytes()[0] {
        b'r' => true,
        b'x' => family.starts_with("x2"),
        b't' => matches!(family, "t3" | "t4g") && matches!(size, "medium" | "large"),
        _ => false,
    };
    (!aurora).then(|| {
        (
            format!("`{engine}` does not run on `{class}`"),
            "Aurora runs on `db.r*`, `db.x2*`, `db.t3`/`db.t4g` `medium` or `large`, and `db.serverless`: choose one, such as `db.r6g.large`".to_owned(),
        )
    })
}
