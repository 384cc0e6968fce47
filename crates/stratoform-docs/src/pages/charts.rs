//! `charts.md`: the Helm chart catalog per cluster, grouped by tier like the seeds.

use stratoform_model::Model;
use stratoform_spec::ChartTier;

use super::header;
use crate::link::md;
use crate::markdown::{Doc, Table};

pub(crate) fn page(model: &Model) -> String {
    let mut doc = Doc::new(&header(model), "Helm chart catalog");
    doc.para(
        "Charts install in tiers: primary charts in parallel after the bootstrap steps, secondary \
         charts after every primary chart, the application last; independent charts install as \
         soon as the cluster is ready, outside that chain. See [the deployment order](deployment.md).",
    );
    for (ri, region) in model.regions().iter().enumerate() {
        for (ci, c) in region.clusters.iter().enumerate() {
            if c.charts.is_empty() {
                continue;
            }
            let base = format!("/regions/{ri}/clusters/{ci}");
            doc.h2(&format!("Cluster `{}` ({})", model.names.cluster_in(c, region), region.name));
            if !c.bootstrap_steps.is_empty() {
                doc.h3("Bootstrap steps");
                let mut t = Table::new(&["Step", "Description", "Spec"]);
                for (i, s) in c.bootstrap_steps.iter().enumerate() {
                    t.row(vec![s.name.to_string(), s.description.clone(), md(model, &format!("{base}/bootstrapSteps/{i}"))]);
                }
                doc.table(&t);
            }
            for (tier, title) in [
                (ChartTier::Primary, "Infrastructure Charts (Primary)"),
                (ChartTier::Secondary, "Secondary Charts"),
                (ChartTier::Application, "Application Charts"),
                (ChartTier::Independent, "Independent Charts"),
            ] {
                let mut t = Table::new(&["Chart", "Release Name", "Namespace", "Version", "Repository", "Depends on", "Purpose", "Spec"]);
                for (i, ch) in c.charts.iter().enumerate().filter(|(_, ch)| ch.tier == tier) {
                    let version = match &ch.version_note {
                        Some(n) => format!("{} ({n})", ch.version),
                        None => ch.version.clone(),
                    };
                    let repo = match (&ch.repo, &ch.local_path) {
                        (Some(r), _) => format!("{r} ({})", ch.chart_name()),
                        (None, Some(p)) => format!("{p} (local)"),
                        _ => String::new(),
                    };
                    t.row(vec![
                        ch.name.clone(),
                        model.names.fill(&ch.release, Some(region), Some(c)),
                        ch.namespace.to_string(),
                        version,
                        repo,
                        ch.depends_on.iter().map(|d| model.names.fill(d, Some(region), Some(c))).collect::<Vec<_>>().join(", "),
                        ch.purpose.clone().unwrap_or_default(),
                        md(model, &format!("{base}/charts/{i}")),
                    ]);
                }
                if !t.is_empty() {
                    doc.h3(title);
                    doc.table(&t);
                }
            }
        }
    }
    doc.finish()
}
