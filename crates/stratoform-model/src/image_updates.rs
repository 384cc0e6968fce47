//! Argo CD Image Updater: which Applications it watches and how it logs in to their registries.
//!
//! A workload with `imageUpdates` puts its image on the `image-list` annotation of the
//! Application that deploys it (its namespace's manifest bundle), with its update strategy; the
//! updater writes newer tags back to Git (the `.argocd-source-<app>.yaml` beside the bundle),
//! since a change made through the Argo CD API to a child Application would be undone by its
//! parent's self-heal. The updater's chart gets one registry entry per ECR registry those images
//! come from, whose credentials are an auth script the chart mounts (`authScripts`): the script
//! asks ECR for a token with the IRSA role of the updater's service account (the image ships
//! the AWS CLI).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use stratoform_spec::Workload;

use crate::registry_auth::ecr_registry;

/// The chart that installs the updater.
pub const CHART: &str = "argocd-image-updater";
/// The annotation prefix the updater reads.
pub const ANNOTATION_PREFIX: &str = "argocd-image-updater.argoproj.io";
/// Where the chart mounts `authScripts.scripts`.
pub const SCRIPT_DIR: &str = "/scripts";
/// How long the updater keeps a token before running the script again (ECR tokens last 12 h).
pub const CREDENTIALS_EXPIRE: &str = "10h";

/// A watched image: the workload it belongs to and the ECR registry it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchedImage {
    /// The alias in the annotations: the workload's name, letters and digits only.
    pub alias: String,
    /// The image without its tag or digest.
    pub image: String,
    /// `<account>.dkr.ecr.<region>.amazonaws.com`.
    pub registry: String,
    /// The registry's region.
    pub region: String,
}

/// The image without its tag or digest, and its registry host.
fn split_image(image: &str) -> (&str, &str) {
    let name = image.split('@').next().unwrap_or(image);
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let name = match name[last_slash..].find(':') {
        Some(i) => &name[..last_slash + i],
        None => name,
    };
    (name, name.split('/').next().unwrap_or_default())
}

/// The watched image of a workload, or `None` when it is not watched or not from ECR (the
/// loader rejects the latter).
pub fn watched_image(w: &Workload) -> Option<WatchedImage> {
    w.image_updates.as_ref()?;
    let (image, host) = split_image(&w.image);
    let (_, region, _) = ecr_registry(host)?;
    Some(WatchedImage {
        alias: w.name.as_str().chars().filter(char::is_ascii_alphanumeric).collect(),
        image: image.to_owned(),
        registry: host.to_owned(),
        region,
    })
}

/// The annotations of the Application that deploys `workloads` (empty when none is watched).
pub fn application_annotations<'w>(workloads: impl IntoIterator<Item = &'w Workload>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut list = Vec::new();
    for w in workloads {
        let (Some(img), Some(u)) = (watched_image(w), w.image_updates.as_ref()) else { continue };
        out.insert(format!("{ANNOTATION_PREFIX}/{}.update-strategy", img.alias), u.strategy.as_str().to_owned());
        if let Some(re) = &u.allow_tags {
            out.insert(format!("{ANNOTATION_PREFIX}/{}.allow-tags", img.alias), format!("regexp:{re}"));
        }
        list.push(format!("{}={}", img.alias, img.image));
    }
    if !list.is_empty() {
        out.insert(format!("{ANNOTATION_PREFIX}/image-list"), list.join(", "));
        out.insert(format!("{ANNOTATION_PREFIX}/write-back-method"), "git".to_owned());
    }
    out
}

/// The name of the auth script of a region's ECR registries.
pub fn login_script(region: &str) -> String {
    format!("ecr-login-{region}.sh")
}

/// The script: prints `AWS:<token>` for the registries of `region`.
fn script(region: &str) -> String {
    format!(
        "#!/bin/sh\n# Prints AWS:<token> for ECR in {region}, with the IRSA role of the service account.\n\
         export HOME=/tmp\n\
         aws ecr get-authorization-token --region {region} --output text --query 'authorizationData[0].authorizationToken' | base64 -d\n"
    )
}

/// The updater chart's values for the watched images of a cluster's workloads: its registries
/// and the auth scripts they run. Empty when nothing is watched.
pub fn updater_values<'w>(workloads: impl IntoIterator<Item = &'w Workload>) -> Map<String, Value> {
    let mut registries: BTreeMap<String, String> = BTreeMap::new();
    for img in workloads.into_iter().filter_map(watched_image) {
        registries.insert(img.registry, img.region);
    }
    if registries.is_empty() {
        return Map::new();
    }
    let scripts: Map<String, Value> = registries.values().map(|r| (login_script(r), json!(script(r)))).collect();
    let entries: Vec<Value> = registries
        .iter()
        .map(|(host, region)| {
            json!({
                "name": format!("ECR {host}"),
                "api_url": format!("https://{host}"),
                "prefix": host,
                "ping": true,
                "credentials": format!("ext:{SCRIPT_DIR}/{}", login_script(region)),
                "credsexpire": CREDENTIALS_EXPIRE,
            })
        })
        .collect();
    let mut out = Map::new();
    out.insert("authScripts".into(), json!({"enabled": true, "scripts": scripts}));
    out.insert("config".into(), json!({"registries": entries}));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workload(name: &str, image: &str, updates: Option<serde_json::Value>) -> Workload {
        let mut w = json!({"name": name, "namespace": "apps", "image": image});
        if let Some(u) = updates {
            w["imageUpdates"] = u;
        }
        serde_json::from_value(w).expect("a workload")
    }

    #[test]
    fn watched_ecr_images_are_listed_with_their_strategy() {
        let ws = [
            workload("app-backend", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app-backend:1.2.0", Some(json!({}))),
            workload("app-frontend", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app-frontend:2.0.1", Some(json!({"strategy": "newest-build", "allowTags": "^2\\."}))),
            workload("other", "123456789012.dkr.ecr.us-east-1.amazonaws.com/other:1.0.0", None),
        ];
        let a = application_annotations(&ws);
        assert_eq!(
            a["argocd-image-updater.argoproj.io/image-list"],
            "appbackend=123456789012.dkr.ecr.us-east-1.amazonaws.com/app-backend, appfrontend=123456789012.dkr.ecr.us-east-1.amazonaws.com/app-frontend"
        );
        assert_eq!(a["argocd-image-updater.argoproj.io/appbackend.update-strategy"], "semver");
        assert_eq!(a["argocd-image-updater.argoproj.io/appfrontend.update-strategy"], "newest-build");
        assert_eq!(a["argocd-image-updater.argoproj.io/appfrontend.allow-tags"], "regexp:^2\\.");
        assert_eq!(a["argocd-image-updater.argoproj.io/write-back-method"], "git");
        assert_eq!(a.len(), 5);
        assert!(application_annotations(&ws[2..]).is_empty());
    }

    #[test]
    fn each_registry_logs_in_with_a_mounted_script_of_its_region() {
        let ws = [
            workload("a", "123456789012.dkr.ecr.us-east-1.amazonaws.com/a@sha256:00", Some(json!({"strategy": "digest"}))),
            workload("b", "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/b:1.0.0", Some(json!({}))),
        ];
        let v = updater_values(&ws);
        let regs = v["config"]["registries"].as_array().unwrap();
        assert_eq!(regs.len(), 1);
        assert_eq!(regs[0]["prefix"], "123456789012.dkr.ecr.us-east-1.amazonaws.com");
        assert_eq!(regs[0]["credentials"], "ext:/scripts/ecr-login-us-east-1.sh");
        assert_eq!(v["authScripts"]["enabled"], true);
        let script = v["authScripts"]["scripts"]["ecr-login-us-east-1.sh"].as_str().unwrap();
        assert!(script.starts_with("#!/bin/sh\n") && script.contains("get-authorization-token --region us-east-1"), "{script}");
        assert_eq!(watched_image(&ws[1]).unwrap().image, "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/b");
        assert!(updater_values(&[]).is_empty());
    }
}
