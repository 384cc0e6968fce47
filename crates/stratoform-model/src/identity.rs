//! Identities: every cluster role with its resolved IAM name, ARN and bound service accounts.

use stratoform_spec::{Platform, Role, RoleBinding, ServiceAccountRef};

use crate::Names;

/// All roles of the environment.
#[derive(Clone, Debug, Default)]
pub struct IdentityPlan {
    /// Roles in spec order.
    pub roles: Vec<BoundRole>,
}

/// A role bound to service accounts of a cluster.
#[derive(Clone, Debug)]
pub struct BoundRole {
    /// Region of the cluster.
    pub region: String,
    /// The cluster's spec name.
    pub cluster: String,
    /// The EKS cluster name.
    pub cluster_name: String,
    /// The role as written in the spec (its reference name).
    pub spec_name: String,
    /// The IAM role name.
    pub iam_name: String,
    /// The role ARN.
    pub arn: String,
    /// IRSA or Pod Identity.
    pub binding: RoleBinding,
    /// Service accounts that may assume it.
    pub service_accounts: Vec<ServiceAccountRef>,
    /// The role's spec.
    pub role: Role,
}

impl IdentityPlan {
    /// Binds every cluster role.
    pub fn build(platform: &Platform, names: &Names) -> Self {
        let mut roles = Vec::new();
        for region in &platform.regions {
            for cluster in &region.clusters {
                for role in &cluster.roles {
                    let iam_name = names.fill(&role.name, Some(region), Some(cluster));
                    roles.push(BoundRole {
                        region: region.name.to_string(),
                        cluster: cluster.name.to_string(),
                        cluster_name: names.cluster_in(cluster, region),
                        spec_name: role.name.to_string(),
                        arn: names.role_arn(&iam_name),
                        iam_name,
                        binding: role.binding,
                        service_accounts: role.service_accounts.clone(),
                        role: role.clone(),
                    });
                }
            }
        }
        Self { roles }
    }

    /// A cluster's role by its spec name.
    pub fn role(&self, region: &str, cluster: &str, spec_name: &str) -> Option<&BoundRole> {
        self.roles.iter().find(|r| r.region == region && r.cluster == cluster && r.spec_name == spec_name)
    }

    /// The role a service account of a cluster may assume, if any.
    pub fn role_for_service_account(&self, region: &str, cluster: &str, namespace: &str, name: &str) -> Option<&BoundRole> {
        self.roles
            .iter()
            .filter(|r| r.region == region && r.cluster == cluster)
            .find(|r| r.service_accounts.iter().any(|sa| sa.matches(namespace, name)))
    }
}
