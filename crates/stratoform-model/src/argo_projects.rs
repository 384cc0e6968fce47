//! Which Argo CD AppProject syncs what: the `platform` project holds the charts and the
//! cluster-wide bundles, unless a team's project `owns` a kind of platform object (an Ops team's
//! Gateways); a namespace's bundle belongs to the team listing the namespace.

use stratoform_spec::{ArgoCd, ProjectObjects};

/// The project of the charts and of every bundle no team owns.
pub const PLATFORM_PROJECT: &str = "platform";

/// The team project that owns `objects`, if one does (the loader admits at most one).
pub fn owner(argo: Option<&ArgoCd>, objects: ProjectObjects) -> Option<String> {
    argo?.projects.iter().find(|p| p.owns.contains(&objects)).map(|p| p.name.to_string())
}

/// The project of a namespace's bundle: the team listing the namespace, else `platform`.
pub fn namespace_project(argo: &ArgoCd, ns: &str) -> String {
    argo.projects
        .iter()
        .find(|p| p.namespaces.iter().any(|n| n.as_str() == ns))
        .map_or_else(|| PLATFORM_PROJECT.to_owned(), |p| p.name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_owns_what_it_declares_and_platform_the_rest() {
        let argo: ArgoCd = serde_json::from_value(serde_json::json!({
            "repoUrl": "https://example.com/repo.git",
            "projects": [
                {"name": "ops", "namespaces": ["istio-ingress"], "owns": ["gateways"]},
                {"name": "developers", "namespaces": ["apps"]},
            ],
        }))
        .expect("argo cd");
        assert_eq!(owner(Some(&argo), ProjectObjects::Gateways).as_deref(), Some("ops"));
        assert_eq!(owner(None, ProjectObjects::Gateways), None);
        assert_eq!(namespace_project(&argo, "apps"), "developers");
        assert_eq!(namespace_project(&argo, "kube-system"), PLATFORM_PROJECT);
    }
}
