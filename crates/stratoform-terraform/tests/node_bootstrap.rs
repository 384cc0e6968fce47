//! Self-managed nodes join their cluster: the launch template boots the EKS image of the group's
//! AMI family (from the family's public SSM parameter for the cluster's version), carries the
//! family's bootstrap user data, and the node role has an access entry. The user data is proven by
//! evaluating the module's own expressions with `terraform console` and parsing the result.

mod support;

use hcl::Body;
use support::*;






/// infra-config's self-managed `workers` group: image, bootstrap, access entry.
#[test]
fn infra_config_self_managed_nodes_join_the_cluster() {
    let (_, tree) = render_example("infra-config");
    let module = parse_tf(&tree, "modules/node-group/main.tf");
    let ami = find_block(&module, "data", &["aws_ssm_parameter", "ami"]).expect("the node-group module reads the image parameter");
    assert_eq!(expr_text(attr_of(ami, "name").unwrap()), "var.ami_ssm_parameter");
    let lt = find_block(&module, "resource", &["aws_launch_template", "this"]).unwrap();
    let image = expr_text(attr_of(lt, "image_id").expect("the launch template names an image"));
    assert!(image.contains("data.aws_ssm_parameter.ami[0].insecure_value"), "{image}");
    let user_data = expr_text(attr_of(lt, "user_data").expect("the launch template carries user data"));
    assert!(user_data.contains("local.user_data"), "{user_data}");

    let eks = parse_tf(&tree, "modules/eks/main.tf");
    let entry = find_block(&eks, "resource", &["aws_eks_access_entry", "this"]).expect("the eks module creates the node role's access entry");
    assert_eq!(expr_text(attr_of(entry, "principal_arn").unwrap()), "aws_iam_role.nodes.arn");
    assert_eq!(expr_text(attr_of(entry, "type").unwrap()), "each.value");
    let profile = find_block(&eks, "resource", &["aws_iam_instance_profile", "nodes"]).expect("an instance profile of the node role");
    assert_eq!(expr_text(attr_of(profile, "role").unwrap()), "aws_iam_role.nodes.name");

    for env in ["dev", "prod"] {
        let stack = parse_tf(&tree, &format!("stacks/{env}-us-east-1/main.tf"));
        let call = find_block(&stack, "module", &["ng_main_workers"]).unwrap();
        assert_eq!(expr_text(attr_of(call, "management").unwrap()), "\"selfManaged\"");
        assert_eq!(
            expr_text(attr_of(call, "ami_ssm_parameter").unwrap()),
            "\"/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/standard/recommended/image_id\""
        );
        assert_eq!(expr_text(attr_of(call, "bootstrap").unwrap()), "\"nodeadm\"");
        assert_eq!(expr_text(attr_of(call, "instance_profile").unwrap()), "module.eks_main.node_instance_profile");
        assert_eq!(expr_text(attr_of(call, "cluster_service_cidr").unwrap()), "module.eks_main.service_cidr");
        let eks_call = find_block(&stack, "module", &["eks_main"]).unwrap();
        assert_eq!(expr_text(attr_of(eks_call, "node_access_entry_type").expect("the node role gets an access entry")), "\"EC2_LINUX\"");
    }
}

/// Clusters with managed groups only leave the access entry to EKS (it adds one per managed group's
/// role, and a second one for the same role fails).
#[test]
fn managed_only_clusters_get_no_explicit_access_entry() {
    let (_, tree) = render_example("aoscloud");
    for (path, text) in tree.iter().filter(|(p, _)| p.starts_with("stacks/") && p.ends_with("/main.tf")) {
        assert!(!text.contains("node_access_entry_type"), "{path} adds an access entry for managed groups");
    }
}

/// Evaluates `local.user_data` of the node-group module for these inputs with `terraform console`.
fn user_data(management: &str, bootstrap: &str) -> Option<String> {
    let module = stratoform_terraform::modules::node_group::module();
    let dir = tempfile::tempdir().unwrap();
    let locals: Vec<hcl::structure::Structure> =
        module.main.into_iter().filter(|s| matches!(s, hcl::structure::Structure::Block(b) if b.identifier() == "locals")).collect();
    let mut files = locals;
    files.extend(module.variables);
    std::fs::write(dir.path().join("main.tf"), stratoform_terraform::printer::print_body(&Body(files))).unwrap();
    let vars = format!(
        r#"cluster_name = "demo-dev-main"
name = "workers"
management = "{management}"
ami_type = "AL2023_x86_64_STANDARD"
ami_ssm_parameter = "/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/standard/recommended/image_id"
bootstrap = "{bootstrap}"
instance_types = ["m5.xlarge"]
min_size = 2
max_size = 6
desired_size = 2
subnet_ids = []
security_group_ids = []
node_role_arn = "arn:aws:iam::123456789012:role/demo-dev-main-nodes"
instance_profile = "demo-dev-main-nodes"
cluster_endpoint = "https://ABC.gr7.us-east-1.eks.amazonaws.com"
cluster_certificate_authority = "Q0VSVElGSUNBVEU="
cluster_service_cidr = "172.20.0.0/16"
labels = {{ node-group = "workers" }}
taints = [{{ key = "dedicated", value = "batch", effect = "NO_SCHEDULE" }}, {{ key = "gpu", effect = "NO_EXECUTE" }}]
"#
    );
    std::fs::write(dir.path().join("terraform.tfvars"), vars).unwrap();
    let printed = console_json(dir.path(), "local.user_data");
    serde_json::from_str::<Option<String>>(&printed).unwrap()
}

#[test]
fn each_family_bootstraps_its_self_managed_nodes() {
    if !require("terraform", terraform().is_some()) {
        return;
    }
    // Amazon Linux 2023: a MIME multipart document whose `application/node.eks.aws` part is a
    // NodeConfig naming the cluster, its endpoint, CA and services block, and kubelet flags that
    // register the group's labels and taints.
    let doc = user_data("selfManaged", "nodeadm").expect("AL2023 nodes get user data");
    let (headers, body) = doc.split_once("\n\n").unwrap();
    assert!(headers.lines().any(|l| l == "MIME-Version: 1.0"), "{doc}");
    let boundary = headers.lines().find_map(|l| l.strip_prefix("Content-Type: multipart/mixed; boundary=")).unwrap().trim_matches('"');
    let parts: Vec<&str> = body.split(&format!("--{boundary}")).collect();
    assert_eq!(parts.last().map(|p| p.trim()), Some("--"), "the document closes its boundary: {doc}");
    let part = parts.iter().find(|p| p.trim_start().starts_with("Content-Type: application/node.eks.aws")).unwrap_or_else(|| panic!("no NodeConfig part: {doc}"));
    let yaml = part.trim_start().split_once("\n\n").unwrap().1;
    let config = &yaml_rust2::YamlLoader::load_from_str(yaml).unwrap()[0];
    assert_eq!(config["apiVersion"].as_str(), Some("node.eks.aws/v1alpha1"));
    assert_eq!(config["kind"].as_str(), Some("NodeConfig"));
    let cluster = &config["spec"]["cluster"];
    assert_eq!(cluster["name"].as_str(), Some("demo-dev-main"));
    assert_eq!(cluster["apiServerEndpoint"].as_str(), Some("https://ABC.gr7.us-east-1.eks.amazonaws.com"));
    assert_eq!(cluster["certificateAuthority"].as_str(), Some("Q0VSVElGSUNBVEU="));
    assert_eq!(cluster["cidr"].as_str(), Some("172.20.0.0/16"));
    let flags: Vec<&str> = config["spec"]["kubelet"]["flags"].as_vec().unwrap().iter().filter_map(|f| f.as_str()).collect();
    assert_eq!(flags, ["--node-labels=node-group=workers", "--register-with-taints=dedicated=batch:NoSchedule,gpu=:NoExecute"]);

    // Bottlerocket: TOML settings with the cluster, its DNS address and the labels and taints.
    let toml = user_data("selfManaged", "bottlerocket").expect("Bottlerocket nodes get settings");
    for want in [
        "[settings.kubernetes]",
        r#"cluster-name = "demo-dev-main""#,
        r#"api-server = "https://ABC.gr7.us-east-1.eks.amazonaws.com""#,
        r#"cluster-certificate = "Q0VSVElGSUNBVEU=""#,
        r#"cluster-dns-ip = "172.20.0.10""#,
        "[settings.kubernetes.node-labels]\n\"node-group\" = \"workers\"",
        "[settings.kubernetes.node-taints]\n\"dedicated\" = [\"batch:NoSchedule\"]\n\"gpu\" = [\":NoExecute\"]",
    ] {
        assert!(toml.contains(want), "`{want}` is not in\n{toml}");
    }

    // Amazon Linux 2: the image's bootstrap script with the same facts.
    let script = user_data("selfManaged", "script").expect("AL2 nodes get a script");
    assert!(script.starts_with("#!/bin/bash\n"), "{script}");
    assert!(
        script.contains("/etc/eks/bootstrap.sh demo-dev-main --apiserver-endpoint https://ABC.gr7.us-east-1.eks.amazonaws.com --b64-cluster-ca Q0VSVElGSUNBVEU= --dns-cluster-ip 172.20.0.10 --kubelet-extra-args '--node-labels=node-group=workers --register-with-taints=dedicated=batch:NoSchedule,gpu=:NoExecute'"),
        "{script}"
    );

    // Managed AL2023 groups: EKS writes the bootstrap itself.
    assert_eq!(user_data("managed", "nodeadm"), None);
}
