//! ECR pull-through caches: the upstream is a registry ECR caches, and an upstream that needs
//! credentials names the secret ECR reads them from (ECR cannot pull from Docker Hub, GitHub,
//! GitLab or Azure without one, and a rule created without it fails only at the first pull).

use stratoform_diagnostics::codes;

use super::Ctx;

/// Runs the pull-through cache checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, r) in p.regions.iter().enumerate() {
        let Some(ecr) = &r.ecr else { continue };
        for (ci, c) in ecr.pull_through_caches.iter().enumerate() {
            let at = format!("/regions/{ri}/ecr/pullThroughCaches/{ci}");
            match c.registry() {
                None => ctx.error(
                    codes::INVALID_VALUE,
                    &format!("{at}/upstream"),
                    format!("`{}` is not a registry ECR pull-through caches", c.upstream),
                    "unknown upstream",
                    "use one of `https://public.ecr.aws`, `https://quay.io`, `https://registry.k8s.io`, `https://registry-1.docker.io`, `https://ghcr.io`, `https://registry.gitlab.com`, `https://<name>.azurecr.io`",
                ),
                Some(reg) if reg.needs_credentials() && c.credential_secret.is_none() => ctx.error(
                    codes::MISSING_FIELD,
                    &format!("{at}/upstream"),
                    format!("pull-through cache `{}` reads {}, which needs credentials, and names no `credentialSecret`", c.prefix, reg.title()),
                    "needs credentials",
                    format!(
                        "add `credentialSecret: ecr-pullthroughcache/{}`; the long-lived stack creates it and writes its value from `pull_through_cache_credentials[\"{}\"]` (set `TF_VAR_pull_through_cache_credentials` in the pipeline)",
                        c.prefix, c.prefix
                    ),
                ),
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    fn diagnostics(caches: &str) -> Vec<(String, String, usize)> {
        let text = format!(
            "apiVersion: stratoform.dev/v1alpha1\nkind: Platform\nmetadata:\n  name: demo\nenvironments:\n  - name: dev\nregions:\n  - name: us-east-1\n    ecr:\n      pullThroughCaches:\n{caches}"
        );
        let loaded = crate::load_str("platform.yaml", &text);
        loaded
            .diagnostics
            .iter()
            .map(|d| (d.code.to_string(), d.message.clone(), d.primary.as_ref().map_or(0, |l| loaded.file.line_col(l.span.start).0)))
            .collect()
    }

    #[test]
    fn an_upstream_that_needs_credentials_names_its_secret() {
        let found = diagnostics("        - { prefix: docker-hub, upstream: \"https://registry-1.docker.io\" }\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "SF007");
        assert!(found[0].1.contains("Docker Hub, which needs credentials"), "{found:?}");
        assert_eq!(found[0].2, 11);
        assert!(diagnostics("        - { prefix: docker-hub, upstream: \"https://registry-1.docker.io\", credentialSecret: ecr-pullthroughcache/docker-hub }\n").is_empty());
        assert!(diagnostics("        - { prefix: quay, upstream: \"https://quay.io\" }\n        - { prefix: k8s, upstream: \"https://registry.k8s.io\" }\n").is_empty());
    }

    #[test]
    fn the_upstream_is_a_registry_ecr_caches_and_the_secret_has_ecrs_prefix() {
        let found = diagnostics("        - { prefix: hub, upstream: \"https://docker.io\" }\n");
        assert_eq!(found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["SF032"], "{found:?}");
        let found = diagnostics("        - { prefix: ghcr, upstream: \"https://ghcr.io\", credentialSecret: ghcr-token }\n");
        assert_eq!(found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["SF024"], "{found:?}");
    }
}
