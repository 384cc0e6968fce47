//! Application Load Balancers of a cluster, created by the AWS Load Balancer Controller from the
//! Ingress objects of workloads exposed with `expose.type: alb`: the settings every ALB of the
//! cluster shares (TLS policy, WAFv2 web ACL, Shield Advanced, access logs).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The settings shared by every ALB of a cluster. Needs the `aws-load-balancer-controller` chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AlbIngress {
    /// The TLS security policy of the HTTPS listeners. Default:
    /// `ELBSecurityPolicy-TLS13-1-2-2021-06` (TLS 1.3 and 1.2).
    #[serde(default = "default_ssl_policy")]
    pub ssl_policy: String,
    /// A WAFv2 web ACL that Terraform creates in the environment stack and the controller
    /// associates with every ALB of the cluster. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_acl: Option<WebAcl>,
    /// Turn on AWS Shield Advanced protection for each ALB. The account must already subscribe to
    /// Shield Advanced (a one-year commitment stratoform never makes for you). Default: `false`.
    #[serde(default)]
    pub shield_advanced: bool,
    /// Access logs of every ALB of the cluster, written by Elastic Load Balancing into a bucket of
    /// the cluster's region. The bucket is one of `regions[].buckets[]` and uses `encryption:
    /// sseS3` (an ALB writes to no other kind); its policy then admits the log delivery, and its
    /// lifecycle rules say how long logs are kept. Default: none.
    /// Example: `{bucket: alb-logs}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_logs: Option<AlbAccessLogs>,
}

/// Where the ALBs of a cluster write their access logs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AlbAccessLogs {
    /// The bucket: the `name` of a bucket of the cluster's region.
    pub bucket: crate::Name,
    /// The key prefix of the logs, without slashes at either end; the load balancer adds
    /// `AWSLogs/<account>/elasticloadbalancing/<region>/...` after it. Default: the cluster's
    /// name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

/// A regional WAFv2 web ACL: AWS managed rule groups and a per-IP rate limit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebAcl {
    /// AWS managed rule groups, evaluated in this order. Default:
    /// `[AWSManagedRulesCommonRuleSet, AWSManagedRulesKnownBadInputsRuleSet, AWSManagedRulesAmazonIpReputationList]`.
    #[serde(default = "default_rule_groups")]
    pub managed_rule_groups: Vec<String>,
    /// Requests one client IP may send in any 5-minute window before it is blocked (10 to
    /// 2,000,000,000). Default: none (no rate rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<u64>,
}

fn default_ssl_policy() -> String {
    "ELBSecurityPolicy-TLS13-1-2-2021-06".into()
}

fn default_rule_groups() -> Vec<String> {
    ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"].map(String::from).to_vec()
}

impl Default for AlbIngress {
    fn default() -> Self {
        Self { ssl_policy: default_ssl_policy(), web_acl: None, shield_advanced: false, access_logs: None }
    }
}
