//! Identity: IAM roles for service accounts (IRSA and Pod Identity), custom policies, OIDC
//! identity providers, KMS keys and Secrets Manager secrets.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, Lifecycle, Name, ResourceName, ServiceAccountRef, Url};

/// Account-level identity resources.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Identity {
    /// OIDC identity providers other than the clusters' own (for example CI's). Long-lived by default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub oidc_providers: Vec<OidcProvider>,
    /// Custom IAM policies that roles attach by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<Policy>,
    /// KMS keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kms_keys: Vec<KmsKey>,
    /// Secrets Manager secrets (values are never in the spec).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<Secret>,
    /// The service-linked roles the platform's services need before their first resource, and
    /// whether the account stack creates each or finds it already in the account. A role exists
    /// once per account: an account that ran the service before has it, and creating it again fails.
    /// Default: every role the platform needs is created.
    /// Example: `{opensearch: existing}`.
    #[serde(default, skip_serializing_if = "ServiceLinkedRoles::is_default")]
    pub service_linked_roles: ServiceLinkedRoles,
}

/// The service-linked roles of the services stratoform renders that AWS does not create on first use.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceLinkedRoles {
    /// OpenSearch Service's role (`AWSServiceRoleForAmazonOpenSearchService`, or the older
    /// `AWSServiceRoleForAmazonElasticsearchService`), which a domain in a VPC needs. Taken into
    /// account only when an environment of the account has `searchDomains`. Default: `create`.
    #[serde(default)]
    pub opensearch: ServiceLinkedRole,
}

impl ServiceLinkedRoles {
    /// Whether every role is left at its default.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// Whether the account stack creates a service-linked role or finds the one the account has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ServiceLinkedRole {
    /// The account stack creates the role (and destroys it with the account's stacks).
    #[default]
    Create,
    /// The account already has the role: the account stack reads it, and its plan stops with an
    /// error naming this setting when the account has none.
    Existing,
}

/// An IAM OIDC identity provider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OidcProvider {
    /// Name.
    pub name: Name,
    /// The issuer URL. Example: `https://token.actions.githubusercontent.com`.
    pub url: Url,
    /// Audiences. Default: `[sts.amazonaws.com]`.
    #[serde(default = "crate::defaults::sts_audience")]
    pub client_ids: Vec<String>,
    /// Default: `longLived`.
    #[serde(default = "crate::defaults::long_lived")]
    pub lifecycle: Lifecycle,
}

/// An IAM role for pods of a cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Role {
    /// The IAM role name; placeholders allowed. Example: `{cluster}-ebs-controller`.
    pub name: ResourceName,
    /// The service accounts that may assume it, as `namespace:name` (`*` wildcards allowed).
    pub service_accounts: Vec<ServiceAccountRef>,
    /// `irsa` (OIDC web identity) or `podIdentity` (EKS Pod Identity association). Default: `irsa`.
    #[serde(default)]
    pub binding: RoleBinding,
    /// AWS managed policies by name. Example: `[AmazonEBSCSIDriverPolicy]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_policies: Vec<String>,
    /// Custom policies of `identity.policies` by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<Name>,
    /// Access grants turned into a least-privilege inline policy scoped to the named resources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<Grant>,
    /// What the role is for and which pods use it (copied into the docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// How pods obtain a role's credentials.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum RoleBinding {
    /// IAM Roles for Service Accounts through the cluster's OIDC provider.
    #[default]
    Irsa,
    /// EKS Pod Identity associations.
    PodIdentity,
}

/// A least-privilege access grant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Grant {
    /// The service.
    pub service: GrantService,
    /// Resources by spec name (bucket, key, secret, log group, search domain names; `cache:<name>`
    /// for the secret holding a cache's AUTH token); empty means the service's account-wide actions
    /// (needed for EC2 and Auto Scaling describe calls).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// The access level.
    pub access: AccessLevel,
}

/// Services a grant may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum GrantService {
    /// S3 buckets of the platform.
    S3,
    /// KMS keys of the platform.
    Kms,
    /// Secrets Manager secrets of the platform.
    SecretsManager,
    /// EC2 (instance and volume operations).
    Ec2,
    /// CloudWatch metrics.
    Cloudwatch,
    /// CloudWatch Logs groups.
    Logs,
    /// Auto Scaling groups.
    Autoscaling,
    /// Elastic Load Balancing.
    Elasticloadbalancing,
    /// Route 53 zones.
    Route53,
    /// SQS queues.
    Sqs,
    /// OpenSearch Service domains of the region (`searchDomains[]` by name), over their HTTPS API:
    /// `read` is `GET` and `HEAD`; a search with a body is a `POST`, which needs `readWrite`.
    Opensearch,
}

/// How much a grant allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum AccessLevel {
    /// Read and list.
    Read,
    /// Write only.
    Write,
    /// Read and write.
    ReadWrite,
    /// Encrypt, decrypt and generate data keys (KMS).
    EncryptDecrypt,
    /// Every action of the service on the named resources.
    Full,
}

/// A custom IAM policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Policy {
    /// Name (the IAM policy is `{platform}-{env}-{name}`).
    pub name: Name,
    /// What it allows.
    pub description: String,
    /// A well-known policy stratoform writes out in full, or `custom` with `statements`.
    #[serde(default)]
    pub template: PolicyTemplate,
    /// Statements of a `custom` policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statements: Vec<Statement>,
}

/// Well-known policies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum PolicyTemplate {
    /// The statements given.
    #[default]
    Custom,
    /// What the cluster autoscaler needs, write actions limited to tagged groups.
    ClusterAutoscaler,
    /// What the AWS Load Balancer Controller needs.
    AwsLoadBalancerController,
    /// What the Karpenter controller needs.
    KarpenterController,
    /// What external-dns needs on the platform's zones.
    ExternalDns,
    /// What cert-manager's Route 53 DNS-01 solver needs.
    CertManagerRoute53,
}

/// An IAM policy statement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Statement {
    /// Statement ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Actions. Example: `[s3:GetObject]`.
    pub actions: Vec<String>,
    /// Resource ARNs.
    pub resources: Vec<String>,
    /// Condition block, as IAM writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub condition: Option<serde_json::Value>,
}

/// A KMS key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KmsKey {
    /// Name; the alias is `alias/{platform}-{env}-{name}-{region}` in each region that has the key
    /// (a long-lived key: `alias/{platform}-{env}-{name}` in every region).
    pub name: Name,
    /// What it protects.
    pub description: String,
    /// Yearly rotation. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub rotation: bool,
    /// Waiting period before deletion. Default: `30d`.
    #[serde(default = "crate::defaults::kms_deletion_window")]
    pub deletion_window: Duration,
    /// Default: `ephemeral`.
    #[serde(default)]
    pub lifecycle: Lifecycle,
}

/// A Secrets Manager secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Secret {
    /// Name; the secret is `{platform}/{env}/{name}`.
    pub name: Name,
    /// What it holds.
    pub description: String,
    /// The KMS key of `identity.kmsKeys` that encrypts it. Default: the AWS managed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// Recovery window after deletion. Default: `7d`.
    #[serde(default = "crate::defaults::seven_days")]
    pub recovery_window: Duration,
    /// Where pods mount it through the Secrets Store CSI driver.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mounts: Vec<SecretMount>,
    /// Default: `ephemeral`.
    #[serde(default)]
    pub lifecycle: Lifecycle,
}

/// A SecretProviderClass that mounts a secret into pods of a namespace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretMount {
    /// The cluster.
    pub cluster: Name,
    /// The namespace of the SecretProviderClass.
    pub namespace: Name,
    /// Keys of a JSON secret to expose as files (`jmesPath`); empty exposes the whole value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
    /// Also sync into a Kubernetes Secret of this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_to_secret: Option<Name>,
}
