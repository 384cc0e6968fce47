//! Findings and their stable codes.

use serde::Serialize;

/// A finding code with its name and what it proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    /// `VFY001`.
    pub id: &'static str,
    /// A kebab-case name.
    pub name: &'static str,
    /// The link it proves, one sentence.
    pub summary: &'static str,
}

macro_rules! codes {
    ($($konst:ident = $id:literal, $name:literal, $summary:literal;)*) => {
        $(#[doc = $summary] pub const $konst: Code = Code { id: $id, name: $name, summary: $summary };)*
        /// Every code, in order.
        pub const CODES: &[Code] = &[$($konst),*];
    };
}

codes! {
    AWS_NOT_CREATED = "VFY001", "aws-identifier-not-created", "an AWS identifier a Kubernetes object or values file uses is created by a stack the environment applies, or is AWS-managed";
    AWS_LITERAL_ID = "VFY002", "aws-literal-id", "an identifier that only exists after apply (a key, certificate or file system ID) reaches Kubernetes through a Terraform output, never as a literal";
    TEMPLATE_UNBOUND = "VFY003", "template-variable-unbound", "every `${...}` of a `.tftpl` template is bound in the environment stack's `kubernetes_files` templatefile call";
    TF_UNREADABLE = "VFY004", "terraform-unreadable", "every Terraform file of a stack the environment applies parses";
    EDGE_LB_UNNAMED = "VFY005", "edge-load-balancer-unnamed", "every load balancer the edge stack looks up by name is the one a synced Gateway, Service or chart value asks the AWS Load Balancer Controller for";
    ALB_HOST_NO_CERTIFICATE = "VFY006", "alb-host-without-certificate", "every host an ALB Ingress serves over TLS is covered by an ACM certificate a stack of the environment creates in the cluster's region";
    SEARCH_NO_SERVICE_ROLE = "VFY007", "search-domain-without-service-role", "every OpenSearch domain a stack creates in a VPC comes after a stack that creates OpenSearch Service's service-linked role in its account";
    ALB_LOG_BUCKET = "VFY008", "alb-log-bucket-missing", "every bucket the ALBs of a cluster write access logs to is created by a stack of the environment in the cluster's region, with a policy that admits load balancer log delivery under the prefix the controller writes";
    ZONE_DELEGATION_UNLENT = "VFY009", "zone-delegation-unlent", "every sub-zone an account stack delegates from another account's zone names a zone and a role that account's stack creates, with the role trusting the sub-zone's account and admitting its name";
    ARGO_PATH = "VFY010", "argocd-path-missing", "every repository path an Argo CD Application or Kustomization names exists in the rendered tree";
    ARGO_VALUES = "VFY011", "argocd-values-missing", "every `$values/...` file an Application reads exists, or is written by `stratoform up` from the environment stack's `kubernetes_files` output";
    ARGO_CREDENTIALS = "VFY012", "argocd-repository-credentials", "every OCI chart repository has a repository secret, with credentials provisioned when the registry is private";
    ARGO_PROJECT = "VFY013", "argocd-project", "every Application's project exists and allows its source repositories";
    YAML_UNREADABLE = "VFY014", "yaml-unreadable", "every Kubernetes file Argo CD syncs parses";
    KIND_NOT_INSTALLED = "VFY020", "kind-not-installed", "every kind is core for the cluster's Kubernetes version, or its CRD is installed by an Application in an earlier wave";
    REF_MISSING = "VFY021", "reference-missing", "every referenced Secret, ConfigMap, ServiceAccount, StorageClass, IngressClass, GatewayClass, PriorityClass and SecretProviderClass exists, is made by a synced object (Certificate, ExternalSecret, SecretProviderClass), by an installed chart or controller, or by the cluster";
    PORT_MISSING = "VFY022", "service-port-missing", "every Service port a route, ingress, target group binding or monitor names exists on that Service";
    SECRET_PROVIDER = "VFY023", "secret-provider-missing", "every secret a workload needs has an installed provider (Secrets Store CSI with its AWS provider, External Secrets)";
    DOCS_NOT_ENACTED = "VFY030", "docs-fact-not-enacted", "every record, zone and pull-through cache the docs show is created by a generated resource";
}

/// One broken link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The stable code.
    pub code: &'static str,
    /// The environment.
    pub environment: String,
    /// The generated file, relative to DIR.
    pub file: String,
    /// Its 1-based line.
    pub line: usize,
    /// The spec file, when the finding maps to a spec line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec_file: Option<String>,
    /// The spec line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec_line: Option<usize>,
    /// What is broken.
    pub message: String,
    /// The fix.
    pub help: String,
}

impl Finding {
    /// A finding at `file:line`.
    pub fn new(code: Code, file: &str, line: usize, message: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            code: code.id,
            environment: String::new(),
            file: file.to_owned(),
            line,
            spec_file: None,
            spec_line: None,
            message: message.into(),
            help: help.into(),
        }
    }
}

/// The code of an ID.
pub fn lookup(id: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.id.eq_ignore_ascii_case(id))
}
