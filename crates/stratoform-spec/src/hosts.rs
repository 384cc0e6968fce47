//! Plain EC2 hosts: a VPN gateway, a SQL Server host, and their volumes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{InstanceMetadata, InstanceType, Name, RootVolume, SecurityRule, VolumeType};

/// An EC2 instance outside any cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Host {
    /// Name within the region. Example: `vpn-gateway`.
    pub name: Name,
    /// What it does.
    pub purpose: String,
    /// The VPC. Default: the region's first VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Name>,
    /// The subnet tier.
    pub subnet_tier: Name,
    /// Instance type.
    pub instance_type: InstanceType,
    /// Operating system image.
    pub os: HostOs,
    /// Attach an Elastic IP (a public host). Default: `false`.
    #[serde(default)]
    pub public_ip: bool,
    /// Check that traffic is addressed to the host; `false` for a VPN gateway that routes. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub source_dest_check: bool,
    /// Root volume. Default: 50 GiB gp3, encrypted.
    #[serde(default)]
    pub root_volume: RootVolume,
    /// Extra data volumes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<DataVolume>,
    /// Inbound rules of the host's security group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<SecurityRule>,
    /// Instance metadata service. Default: IMDSv2 required.
    #[serde(default)]
    pub metadata: InstanceMetadata,
    /// AWS managed policies of the instance role. Default: `[AmazonSSMManagedInstanceCore]`.
    #[serde(default = "crate::defaults::ssm_policies")]
    pub managed_policies: Vec<String>,
    /// The EBS snapshot schedule (of `snapshotSchedules`) that backs up its volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_schedule: Option<Name>,
    /// A cloud-init or PowerShell script run on first boot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
}

/// Host operating systems (the AMI is looked up by owner and name pattern).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum HostOs {
    /// Amazon Linux 2023.
    AmazonLinux2023,
    /// Amazon Linux 2.
    AmazonLinux2,
    /// Ubuntu 24.04 LTS.
    Ubuntu2404,
    /// Windows Server 2022 (SQL Server installed by the team).
    WindowsServer2022,
}

/// An extra EBS volume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataVolume {
    /// Name. Example: `data`.
    pub name: Name,
    /// Device name. Example: `/dev/sdf` or `xvdf`.
    pub device: String,
    /// Size in GiB.
    pub size_gib: u32,
    /// Type. Default: `gp3`.
    #[serde(default)]
    pub volume_type: VolumeType,
    /// IOPS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iops: Option<u32>,
    /// Throughput in MiB/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput: Option<u32>,
    /// Encrypted. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub encrypted: bool,
}
