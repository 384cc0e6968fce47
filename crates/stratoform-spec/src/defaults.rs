//! Default values of the spec's fields; each field's `///` doc names the same value.

use crate::{CapacityType, ControlPlaneLog, Duration, Lifecycle, LoadBalancerType, Name, Quantity, Scheme};

macro_rules! duration {
    ($($name:ident = $secs:expr;)*) => {
        $(pub(crate) fn $name() -> Duration { Duration::from_secs($secs) })*
    };
}

duration! {
    zero = 0;
    five_seconds = 5;
    ten_seconds = 10;
    thirty_seconds = 30;
    one_minute = 60;
    node_startup = 180;
    five_minutes = 300;
    ten_minutes = 600;
    thirty_minutes = 1800;
    two_hours = 7200;
    seven_days = 7 * 86_400;
    fourteen_days = 14 * 86_400;
    thirty_days = 30 * 86_400;
    kms_deletion_window = 30 * 86_400;
    flow_log_retention = 90 * 86_400;
    cluster_log_retention = 90 * 86_400;
    trail_retention = 365 * 86_400;
}

pub(crate) fn yes() -> bool {
    true
}
pub(crate) fn one() -> u32 {
    1
}
pub(crate) fn one_u64() -> u64 {
    1
}
pub(crate) fn two() -> u32 {
    2
}
pub(crate) fn three() -> u32 {
    3
}
pub(crate) fn fifty() -> u8 {
    50
}
pub(crate) fn hundred() -> u32 {
    100
}
pub(crate) fn keep_images() -> u32 {
    30
}
pub(crate) fn root_volume_gib() -> u32 {
    50
}
pub(crate) fn hop_limit() -> u8 {
    2
}
pub(crate) fn weight() -> u8 {
    128
}
pub(crate) fn https_port() -> u16 {
    443
}
pub(crate) fn tgw_asn() -> u32 {
    64512
}
pub(crate) fn scale_up_threshold() -> u8 {
    80
}
pub(crate) fn scale_down_threshold() -> u8 {
    50
}
pub(crate) fn long_lived() -> Lifecycle {
    Lifecycle::LongLived
}
pub(crate) fn on_demand() -> Vec<CapacityType> {
    vec![CapacityType::OnDemand]
}
pub(crate) fn internet_facing() -> Scheme {
    Scheme::InternetFacing
}
pub(crate) fn nlb() -> LoadBalancerType {
    LoadBalancerType::Nlb
}
pub(crate) fn all_log_types() -> Vec<ControlPlaneLog> {
    vec![
        ControlPlaneLog::Api,
        ControlPlaneLog::Audit,
        ControlPlaneLog::Authenticator,
        ControlPlaneLog::ControllerManager,
        ControlPlaneLog::Scheduler,
    ]
}
pub(crate) fn cluster_policies() -> Vec<String> {
    vec!["AmazonEKSClusterPolicy".into()]
}
pub(crate) fn ssm_policies() -> Vec<String> {
    vec!["AmazonSSMManagedInstanceCore".into()]
}
pub(crate) fn sts_audience() -> Vec<String> {
    vec!["sts.amazonaws.com".into()]
}
pub(crate) fn expander() -> String {
    "least-waste".into()
}
pub(crate) fn main_branch() -> String {
    "main".into()
}
pub(crate) fn kubernetes_path() -> String {
    "kubernetes".into()
}
pub(crate) fn istio() -> String {
    "istio".into()
}
pub(crate) fn nginx() -> String {
    "nginx".into()
}
pub(crate) fn https() -> String {
    "https".into()
}
pub(crate) fn get() -> String {
    "GET".into()
}
pub(crate) fn average() -> String {
    "Average".into()
}
pub(crate) fn three_am() -> String {
    "03:00".into()
}
pub(crate) fn argocd_namespace() -> Name {
    "argocd".parse().expect("valid name")
}
pub(crate) fn gateway_namespace() -> Name {
    "istio-ingress".parse().expect("valid name")
}
pub(crate) fn waypoint() -> Name {
    "waypoint".parse().expect("valid name")
}
pub(crate) fn cpu_request() -> Quantity {
    "250m".parse().expect("valid quantity")
}
pub(crate) fn memory_request() -> Quantity {
    "256Mi".parse().expect("valid quantity")
}
