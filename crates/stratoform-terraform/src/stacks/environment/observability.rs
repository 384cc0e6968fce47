//! Alarm topics, alarms and log groups.

use std::collections::BTreeSet;

use hcl::Expression;

use super::kms::LOGS_KEY;
use super::Ctx;
use crate::dsl::*;
use crate::stacks::{days, retention_days};

pub(super) fn observability(c: &mut Ctx) {
    let model = c.model;
    let region = c.region;
    let alarms = model.alarms_in(region.name.as_str());
    let topic_names: BTreeSet<String> = if c.primary {
        model.observability().topics.iter().map(|t| t.name.to_string()).collect()
    } else {
        alarms.iter().map(|a| a.topic.to_string()).collect()
    };
    let mut topics = Vec::new();
    for t in model.observability().topics.iter().filter(|t| topic_names.contains(t.name.as_str())) {
        let kms = c.kms(t.kms_key.as_ref().map(|k| k.as_str()));
        topics.push((
            t.name.to_string(),
            obj([("name", s(format!("{}-{}", model.names.prefix(), t.name))), ("kms_key_arn", kms), ("emails", strs(t.emails.iter().cloned()))]),
        ));
    }
    let alarm_values: Vec<(String, Expression)> = alarms
        .iter()
        .map(|a| {
            (
                format!("{}-{}", model.names.prefix(), a.name),
                obj([
                    ("description", s(a.description.clone())),
                    ("namespace", s(a.namespace.clone())),
                    ("metric", s(a.metric.clone())),
                    ("dimensions", string_map(a.dimensions.iter())),
                    ("statistic", s(a.statistic.clone())),
                    ("comparison", s(a.comparison.clone())),
                    ("threshold", Expression::Number(hcl::Number::from_f64(a.threshold).unwrap_or_else(|| 0.into()))),
                    ("period", n(a.period.as_secs() as i64)),
                    ("evaluation_periods", n(a.evaluation_periods as i64)),
                    ("topic", s(a.topic.to_string())),
                ]),
            )
        })
        .collect();
    let mut log_groups = Vec::new();
    for lg in &region.log_groups {
        let kms = c.kms(lg.kms_key.as_ref().map(|k| k.as_str()));
        let name = model.names.fill(&lg.name, Some(region), region.clusters.first());
        log_groups.push((name, obj([("retention_days", n(retention_days(days(&lg.retention)))), ("kms_key_arn", kms)])));
    }
    if topics.is_empty() && alarm_values.is_empty() && log_groups.is_empty() {
        return;
    }
    let default_key = if region.log_groups.iter().any(|l| l.kms_key.is_none()) { ex(LOGS_KEY) } else { Expression::Null };
    c.b.module(
        "observability",
        "observability",
        vec![("topics", obj(topics)), ("alarms", obj(alarm_values)), ("log_groups", obj(log_groups)), ("default_kms_key_arn", default_key)],
    );
}
