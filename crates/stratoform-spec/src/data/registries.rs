//! ECR: repositories and pull-through caches of upstream registries.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, Lifecycle, Name, PullThroughSecretName, RepositoryName, Url};

/// ECR repositories and pull-through caches.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ecr {
    /// Repositories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repositories: Vec<Repository>,
    /// Pull-through cache rules (an "ECR sync" of upstream images).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pull_through_caches: Vec<PullThroughCache>,
}

/// An ECR repository.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Repository {
    /// Repository name; `/` makes a namespace. Example: `backend`, `charts/aos`.
    pub name: RepositoryName,
    /// Immutable tags. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub immutable: bool,
    /// Scan on push. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub scan_on_push: bool,
    /// Keep this many tagged images. Default: `30`.
    #[serde(default = "crate::defaults::keep_images")]
    pub keep_tagged: u32,
    /// Expire untagged images after. Default: `14d`.
    #[serde(default = "crate::defaults::fourteen_days")]
    pub untagged_expiry: Duration,
    /// The KMS key. Default: AES-256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// Default: `longLived` (images outlive environments).
    #[serde(default = "crate::defaults::long_lived")]
    pub lifecycle: Lifecycle,
}

/// A pull-through cache rule, created in the account and region of its `regions[]` entry: images
/// pulled as `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<upstream path>` are fetched from
/// the upstream on first pull and cached in a repository ECR creates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PullThroughCache {
    /// Repository prefix. Example: `quay`.
    pub prefix: Name,
    /// Upstream registry URL, one of the registries ECR caches: `https://public.ecr.aws`,
    /// `https://quay.io`, `https://registry.k8s.io`, `https://registry-1.docker.io`,
    /// `https://ghcr.io`, `https://registry.gitlab.com` or `https://<name>.azurecr.io`.
    /// Example: `https://quay.io`.
    pub upstream: Url,
    /// The Secrets Manager secret ECR signs in to the upstream with; required for the upstreams
    /// that need credentials (Docker Hub, GitHub Container Registry, GitLab Container Registry,
    /// Azure Container Registry), whose name must start with `ecr-pullthroughcache/`. The
    /// long-lived stack creates it beside the rule and writes its value (`username`,
    /// `accessToken`) from its sensitive input `pull_through_cache_credentials`, keyed by
    /// `prefix`, which the pipeline sets (`TF_VAR_pull_through_cache_credentials`). Default: none.
    /// Example: `ecr-pullthroughcache/docker-hub`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_secret: Option<PullThroughSecretName>,
}

/// The upstream registries ECR pull-through caches, with what each needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpstreamRegistry {
    /// Amazon ECR Public (`public.ecr.aws`).
    EcrPublic,
    /// Quay (`quay.io`).
    Quay,
    /// The Kubernetes registry (`registry.k8s.io`).
    Kubernetes,
    /// Docker Hub (`registry-1.docker.io`).
    DockerHub,
    /// GitHub Container Registry (`ghcr.io`).
    GitHub,
    /// GitLab Container Registry (`registry.gitlab.com`).
    GitLab,
    /// Azure Container Registry (`<name>.azurecr.io`).
    Azure,
}

impl UpstreamRegistry {
    /// The registry a URL names, by its host (the form ECR's `upstreamRegistryUrl` takes).
    pub fn of_host(host: &str) -> Option<Self> {
        Some(match host {
            "public.ecr.aws" => Self::EcrPublic,
            "quay.io" => Self::Quay,
            "registry.k8s.io" => Self::Kubernetes,
            "registry-1.docker.io" => Self::DockerHub,
            "ghcr.io" => Self::GitHub,
            "registry.gitlab.com" => Self::GitLab,
            h if h.ends_with(".azurecr.io") && h.len() > ".azurecr.io".len() => Self::Azure,
            _ => return None,
        })
    }

    /// Whether ECR needs a Secrets Manager secret with credentials to pull from it.
    pub fn needs_credentials(self) -> bool {
        matches!(self, Self::DockerHub | Self::GitHub | Self::GitLab | Self::Azure)
    }

    /// Its name, for messages.
    pub fn title(self) -> &'static str {
        match self {
            Self::EcrPublic => "Amazon ECR Public",
            Self::Quay => "Quay",
            Self::Kubernetes => "the Kubernetes registry",
            Self::DockerHub => "Docker Hub",
            Self::GitHub => "GitHub Container Registry",
            Self::GitLab => "GitLab Container Registry",
            Self::Azure => "Azure Container Registry",
        }
    }
}

impl PullThroughCache {
    /// The upstream's host, as ECR's rule names it (`quay.io`): the URL without scheme or path.
    pub fn upstream_host(&self) -> &str {
        let rest = self.upstream.as_str().split_once("://").map_or(self.upstream.as_str(), |(_, r)| r);
        rest.split('/').next().unwrap_or(rest)
    }

    /// The upstream registry, when it is one ECR caches.
    pub fn registry(&self) -> Option<UpstreamRegistry> {
        UpstreamRegistry::of_host(self.upstream_host())
    }
}
