//! The open catalogues: an instance type or AWS managed policy of the right form that the
//! built-in lists do not know is accepted with a warning that names the closest known entries
//! (AWS adds both every year); a value that cannot be one is an error with the form to write.

use stratoform_diagnostics::codes;
use stratoform_diagnostics::suggest::closest;
use stratoform_spec::catalog::{self, InstanceFacts};
use stratoform_spec::InstanceType;

use super::Ctx;

/// How many known entries a warning names.
const NEAREST: usize = 3;

fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// The facts of the instance type at `pointer`: the catalogue's, or (with a warning) those
/// derived from its name; `None` when neither is known (a bare-metal size of an unlisted family).
pub fn instance_type(ctx: &mut Ctx<'_>, pointer: &str, it: &InstanceType) -> Option<InstanceFacts> {
    if let Some(facts) = catalog::instance_type(it.as_str()) {
        return Some(*facts);
    }
    // Of the same family first, so that a new size names its siblings.
    let family: Vec<&str> = catalog::instance_types().map(|(n, _)| n).filter(|n| n.split('.').next() == Some(it.family())).collect();
    let pool: Vec<&str> = if family.is_empty() { catalog::instance_types().map(|(n, _)| n).collect() } else { family };
    let near = quoted(&closest(it.as_str(), pool, NEAREST));
    let derived = catalog::derive(it.as_str());
    let assumed = match &derived {
        Some(f) => format!(
            "stratoform assumes {}, {} vCPU, {} GiB and {} pods per node from the name, and `simulate` has no price for it",
            f.arch.as_kubernetes(),
            f.vcpu,
            f.memory_gib,
            f.max_pods
        ),
        None => "its size cannot be told from the name, so `check` and `simulate` leave its nodes out".to_owned(),
    };
    ctx.error(
        codes::UNLISTED_INSTANCE_TYPE,
        pointer,
        format!("instance type `{it}` is not in stratoform's catalogue"),
        "not in the catalogue",
        format!("check that EC2 offers it in this region; the closest known types are {near}; {assumed}"),
    );
    derived
}

/// Checks the AWS managed policies of a list at `pointer`.
pub fn managed_policies(ctx: &mut Ctx<'_>, pointer: &str, names: &[String]) {
    for (i, name) in names.iter().enumerate() {
        let at = format!("{pointer}/{i}");
        if !catalog::is_managed_policy_name(name) {
            ctx.error(
                codes::UNKNOWN_MANAGED_POLICY,
                &at,
                format!("`{name}` cannot be an AWS managed policy"),
                "not a policy name",
                "write the policy's name (`AmazonEKSWorkerNodePolicy`), its path and name (`service-role/AmazonEBSCSIDriverPolicy`) or its ARN (`arn:aws:iam::aws:policy/...`); a policy of your own goes in `identity.policies`",
            );
        } else if catalog::managed_policy_arn(name).is_none() {
            let bare = name.rsplit('/').next().unwrap_or(name);
            let near = quoted(&closest(bare, catalog::managed_policy_names(), NEAREST));
            ctx.error(
                codes::UNLISTED_MANAGED_POLICY,
                &at,
                format!("AWS managed policy `{name}` is not in stratoform's catalogue"),
                "not in the catalogue",
                format!(
                    "it is attached as `{}`: check that IAM has it (a policy under a path such as `service-role/` needs the path); the closest known policies are {near}",
                    stratoform_model::policies::managed_policy_arn(name)
                ),
            );
        }
    }
}
