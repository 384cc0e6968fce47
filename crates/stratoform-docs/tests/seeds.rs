//! The docs state what the seeds state: for each example, the values of the seed's tables (and
//! the facts its prose gives) appear in the generated docs of that environment, cell by cell.

mod common;

use std::path::Path;

/// (example, environment, facts). A fact is a substring; `a | b` means adjacent table cells.
const FACTS: &[(&str, &str, &[&str])] = &[
    (
        "aoscloud",
        "prod",
        &[
            // Cluster settings
            "| Kubernetes version | 1.35 |",
            "| API endpoint access | Private |",
            "VPC CNI v1.22.1-eksbuild.2 (pod-level ENI attachment)",
            "CloudWatch Log Group (/aws/eks/aoscloud-prod-main/cluster)",
            "AmazonEKSClusterPolicy, AmazonEKSServicePolicy, AmazonEKSVPCResourceController",
            // Node group
            "| AMI type | BOTTLEROCKET_x86_64 |",
            "| Instance types | m5.2xlarge |",
            "| Scaling — minimum nodes | 3 |",
            "| Scaling — maximum nodes | 10 |",
            "| Root volume | 50 GB gp3 EBS",
            "IMDSv2 required (http_tokens = \"required\")",
            "admin container enabled",
            // EKS managed add-ons: Addon | Version | Purpose | IRSA Role
            "| kube-proxy | v1.35.3-eksbuild.11 | Network proxy on each node",
            "| aws-ebs-csi-driver | v1.60.0-eksbuild.1 | Persistent volumes via EBS | `aoscloud-prod-main-ebs-controller` (`{cluster}-ebs-controller`)",
            "| aws-efs-csi-driver | v3.2.0-eksbuild.1 | Shared filesystem via EFS | `aoscloud-prod-main-efs-controller`",
            "| coredns | v1.14.3-eksbuild.2 | Cluster DNS resolution | None |",
            "| vpc-cni | v1.22.1-eksbuild.2 | Pod networking (VPC-native IPs",
            // Helm chart catalog: Chart | Release Name | Namespace | Version
            "### Infrastructure Charts (Primary)",
            "| aws_autoscaler | cluster-autoscaler | kube-system | 9.57.0 |",
            "| aws_csi_secrets_provider | secrets-store-csi-aws | kube-system | 0.0.4 (local tgz) |",
            "| aws_for_fluent_bit | aws-for-fluent-bit | kube-system | 0.1.35 |",
            "| aws_load_balancer_controller | aws-load-balancer-controller | kube-system | 1.14.1 |",
            "| cert_manager | cert-manager | cert-manager | v1.19.1 (matches app version) |",
            "| istio_base | base | istio-system | 1.28.0 (configurable) |",
            "| istio_discovery | istio-discovery | istio-system | 1.28.0 (configurable) |",
            "| istio_cni | istio-cni | istio-system |",
            "| istio_ztunnel | ztunnel | istio-system |",
            "| metrics_server | metrics-server | kube-system | 3.13.0 |",
            "### Secondary Charts",
            "| istio_ingress | istio-ingressgateway | istio-system |",
            "| prometheus | aoscloud-prod-prometheus | monitoring | 23.1.0 |",
            "| rabbitmq-cluster-operator | rabbitmq-cluster-operator |",
            "| aos | aoscloud-prod | prod |",
            // Istio ingress gateway NLB
            "| istio-ingressgateway | istio-system | istio | internet-facing | IP targets, cross-zone, source IP stickiness, proxy protocol |",
            "Istio ambient",
            "| Base | istio_base | base |",
            "| Discovery (Istiod) | istio_discovery | istio-discovery |",
            "| CNI | istio_cni | istio-cni |",
            "| Ztunnel | istio_ztunnel | ztunnel |",
            // Pod-to-AWS-service mapping: the AOS chart's service accounts and their IRSA roles
            "| `prod:sa-app` | IRSA | S3 (backend) read/write; KMS (infra) encrypt/decrypt |",
            "| `prod:sa-task` | IRSA | S3 (backend, infra) read/write; KMS (infra) encrypt/decrypt; Secrets Manager full; EC2 read/write |",
            "| `prod:sa-sd` | IRSA | S3 (backend) read/write |",
            "| `prod:sa-secrets-manager` | IRSA | Secrets Manager read/write |",
            "| `prod:sa-base` | IRSA | S3 (backend, infra) read/write; KMS (infra) encrypt/decrypt; Secrets Manager read/write; EC2 read/write; CloudWatch read/write |",
            "| `prod:sa-data-services` | IRSA | S3 (backend) read/write |",
            "| `prod:sa-uqm` | IRSA | S3 (backend) read/write; EC2 read/write |",
            "cluster-autoscaler (chart) | Auto Scaling Groups, EC2 | IRSA |",
            "aws-load-balancer-controller (chart) | EC2, ELB | IRSA |",
            "aws-ebs-csi-driver (EKS add-on) | EBS | IRSA (EKS addon) |",
            "aws-efs-csi-driver (EKS add-on) | EFS | IRSA (EKS addon) |",
            "vpc-cni (EKS add-on) | EC2 (ENI management) | IRSA (EKS addon) |",
            "| Aurora PostgreSQL (main) | Network (security group) |",
            "| ElastiCache Redis (main) | Network (security group) |",
            "| DocumentDB (alerts) | Network (security group) |",
            // IRSA roles for cluster infrastructure: Role Name | Service Accounts | Policies
            "| `aoscloud-prod-main-autoscaling-role` | `{cluster}-autoscaling-role` |",
            "`kube-system:aws-node`, `kube-system:cluster-autoscaler`",
            "`kube-system:aws-load-balancer-controller`",
            "`kube-system:ebs-csi-*` | IRSA | AmazonEBSCSIDriverPolicy",
            "`kube-system:efs-csi*` | IRSA | AmazonEFSCSIDriverPolicy",
            "`kube-system:aws-node*` | IRSA | AmazonEKS_CNI_Policy",
            // IRSA roles for application workloads
            "| `aoscloud-prod-app` | `{project}-{env}-app` |",
            "| `aoscloud-prod-task` | `{project}-{env}-task` |",
            "| `aoscloud-prod-sd` |",
            "| `aoscloud-prod-secrets-manager` |",
            "| `aoscloud-prod-base` |",
            "| `aoscloud-prod-data-services` |",
            "| `aoscloud-prod-qm` |",
            // Deployment ordering
            "primary charts install in parallel after the bootstrap steps",
            "secondary charts install after every primary chart",
            "the application installs after every secondary chart",
            "independent charts install as soon as the cluster is ready, outside the primary/secondary chain",
            "| `ecr-sync` | bootstrap-step |",
            "| `auth-patch` | bootstrap-step |",
            // EFS for InfluxDB2
            "influxdb2 at /influxdb2 (UID/GID 1000/1000, permissions 775)",
        ],
    ),
    ("aoscloud", "dev", &["| Instance types | t3a.2xlarge |", "| aos | aoscloud-dev | dev |"]),
    (
        "unibeam",
        "prod",
        &[
            "| us-east-1 | primary |",
            "| us-west-2 | passive |",
            "| Interval | 60s |",
            "| Timeout | 5s |",
            "| Retries | 2 |",
            "| us-east-1 | 100% |",
            "| us-west-2 | 20% |",
            "| TCP 9506 | 30s | 3 | 5s |",
            // AWS and SaaS components
            "| EKS | 2 cluster(s): unibeam-prod-us-east-1 1.33 (us-east-1), unibeam-prod-us-west-2 1.33 (us-west-2) |",
            "| TGW |",
            "| Network Firewall |",
            "| ALB |",
            "| NLB |",
            "| Global Accelerator | sim-accelerator |",
            "| Route 53 |",
            "| ECR |",
            "| S3 |",
            "| SaaS databases | atlas, redislabs |",
            "| Secrets Manager |",
            "| atlas | MongoDB Atlas | PrivateLink | IAM | 1.2 |",
            "| redislabs | Redis Labs | VPC peering | username/password |",
            // EKS Components: Worker Group | Workloads
            "| unibeam-workers | sim-service, sms-service, mno-service, api-service, dashboard, timer-service, scheduled-jobs, audit-service |",
            "| kafka-workers |",
            "| spot-workers |",
            "| monitor-workers |",
            // System-wide applications
            "| eks-pod-identity-agent |",
            "| coredns |",
            "| csi-secrets-store |",
            "| secrets-provider-aws |",
            "| twistlock-defender |",
            "| mktxp-exporter |",
            "| reflector |",
            // Not generated: the SaaS vendors' own settings, with their owner
            "| `atlas-iam-database-users` | Create the Atlas database users that authenticate with AWS IAM",
            "| unibeam-devops | MongoDB Atlas | seed: Atlas uses an IAM-based ACL",
            "| `atlas-minimum-tls` | Set the Atlas cluster's minimum TLS protocol version to TLS 1.2 | unibeam-devops | MongoDB Atlas |",
            "| `redislabs-acl-user` | Create the Redis ACL user (username and password)",
            "| `redislabs-tls` | Require TLS on the Redis database, accepting TLS 1.2 and 1.3 | unibeam-devops | Redis Labs |",
            "| `redislabs-replication-backups` | Run the Redis database as an active/active cluster with replication and frequent backups | unibeam-devops | Redis Labs |",
        ],
    ),
    (
        "oves",
        "prod",
        &[
            "| ebs-sc | ebs.csi.aws.com | gp3 | 3000 | 125 MiB/s | yes | WaitForFirstConsumer |",
            "| Scale up at utilisation | 80% |",
            "| Scale down below utilisation | 50% |",
            "| Scale-down delay | 10m |",
            "HPA 2-10, CPU 70%, memory 80%",
            // S3 bucket set and the state bucket
            "| oves-backups-prod |",
            "| oves-artifacts-prod |",
            "| oves-logs-prod |",
            "| oves-static-prod |",
            "| State bucket | `oves-terraform-state` |",
            // DNS on Cloudflare
            "| omnivoltaic.com |",
            "| api.omnivoltaic.com |",
            "eu-central-1",
        ],
    ),
    (
        "infra-config",
        "prod",
        &[
            "| public | public | us-east-1a |",
            "| single NAT gateway |",
            "| s3 | gateway | com.amazonaws.us-east-1.s3 |",
            "| ecr.api | interface |",
            "| ecr.dkr | interface |",
            "self-managed Auto Scaling group",
            "| wildcard | *.example.com |  | cloudflare |",
            "| sql-server | r5.xlarge | windowsServer2022 | database |",
            "| vpn-gateway |",
            "| argo-cd | argocd | argocd |",
            "| apisix | apisix | apisix |",
            "| keycloak | keycloak | keycloak |",
            "| ingress-nginx |",
        ],
    ),
    (
        "oneconnect",
        "prod",
        &[
            "| oneconnect-gateway | istio-ingress | istio | internet-facing |",
            "| internal-gateway | istio-ingress | istio | internal |",
            "Istio ambient (ztunnel per node, no sidecars)",
            "| long-lived |",
            "| `account` | `bootstrap` |",
            "| `long-lived` | `account` |",
            // Not generated: a human review and the Atlas lifecycle, with their owner
            "| `architecture-review-process` | Send new code that conflicts with the architectural goals",
            "through the Architecture Review Process | oneconnect-platform |",
            "| `atlas-lifecycle` | Keep the MongoDB Atlas project and cluster on their own lifecycle",
        ],
    ),
];

#[test]
fn docs_state_the_seed_facts() {
    let mut missing = Vec::new();
    let mut checked = 0;
    for (example, env, facts) in FACTS {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(example).join("platform.yaml");
        if !path.exists() {
            eprintln!("skip: examples/{example} not written yet");
            continue;
        }
        let tree = common::docs(&path);
        let text: String = tree.iter().filter(|(p, _)| p.starts_with(&format!("{env}/")) && p.ends_with(".md")).map(|(_, t)| t).collect::<Vec<_>>().join("\n");
        for fact in *facts {
            checked += 1;
            if !text.contains(fact) {
                missing.push(format!("{example}/{env}: {fact}"));
            }
        }
    }
    eprintln!("checked {checked} seed facts");
    assert!(missing.is_empty(), "{} of {checked} seed facts missing from the docs:\n{}", missing.len(), missing.join("\n"));
}
