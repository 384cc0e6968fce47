//! Terraform stacks with separate lifecycles and state: bootstrap and account (once per AWS
//! account, however many environments share it), long-lived, one per environment and region, one
//! for the records of load balancers the clusters create, and one per non-AWS provider.

use stratoform_spec::Platform;

use crate::Names;

/// A Terraform root stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stack {
    /// Stack name, also its directory under `terraform/stacks/` and its state key.
    pub name: String,
    /// What lifecycle it has.
    pub kind: StackKind,
    /// The region it is rooted in (its default provider).
    pub region: Option<String>,
    /// Stacks whose outputs it reads.
    pub after: Vec<String>,
    /// Whose state it is: the environment's name, or the account's key ([`Names::account_scope`])
    /// for stacks applied once per account. The state key is `<prefix>/<scope>/<stack>`, and a
    /// stack directory that serves several scopes has `<scope>.tfvars` and `<scope>.s3.tfbackend`.
    pub scope: String,
}

impl Stack {
    /// Whether the stack is applied once per account rather than once per environment.
    pub fn per_account(&self) -> bool {
        matches!(self.kind, StackKind::Bootstrap | StackKind::Account)
    }
}

/// Stack lifecycles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StackKind {
    /// The state bucket and lock table, once per account; applied once with local state, then
    /// migrated.
    Bootstrap,
    /// What exists once per account and outlives every environment: public Route 53 zones and
    /// their literal records, OIDC providers, ECR repositories and pull-through cache rules.
    Account,
    /// Resources that outlive environments.
    LongLived,
    /// One environment in one region; destroyed and rebuilt freely.
    Environment,
    /// DNS records of load balancers that controllers create in the clusters (gateways,
    /// ingress controllers): applied after the clusters' Applications have synced.
    Edge,
    /// Resources of a provider other than AWS (Cloudflare).
    External,
}

/// The stacks of one environment, in apply order.
pub fn layout(platform: &Platform, names: &Names) -> Vec<Stack> {
    let primary = platform
        .regions
        .iter()
        .find(|r| r.role == stratoform_spec::RegionRole::Primary)
        .or(platform.regions.first())
        .map(|r| r.name.to_string());
    let account = names.account_scope();
    let env = names.env.clone();
    let mut stacks = vec![
        Stack { name: "bootstrap".into(), kind: StackKind::Bootstrap, region: primary.clone(), after: vec![], scope: account.clone() },
        Stack { name: "account".into(), kind: StackKind::Account, region: primary.clone(), after: vec!["bootstrap".into()], scope: account },
        Stack { name: "long-lived".into(), kind: StackKind::LongLived, region: primary.clone(), after: vec!["account".into()], scope: env.clone() },
    ];
    // HCP Terraform keeps the state: there is no bucket to create first.
    if platform.state.cloud.is_some() {
        stacks.remove(0);
        stacks[0].after.clear();
    }
    let env_stack = |region: &str| format!("{}-{region}", names.env);
    let primary_name = primary.clone().unwrap_or_default();
    for region in &platform.regions {
        let mut after = vec!["account".to_owned(), "long-lived".to_owned()];
        // A region that peers with or replicates into another needs that region's outputs first.
        for peering in &region.peerings {
            if let Some(r) = &peering.peer.region
                && r.as_str() != region.name.as_str()
            {
                after.push(env_stack(r));
            }
        }
        for bucket in &region.buckets {
            if let Some(rep) = &bucket.replication {
                after.push(env_stack(&rep.region));
            }
        }
        after.sort();
        after.dedup();
        after.retain(|a| *a != env_stack(&region.name));
        stacks.push(Stack { name: env_stack(&region.name), kind: StackKind::Environment, region: Some(region.name.to_string()), after, scope: env.clone() });
    }
    // A region that uses the zones the primary region's stack creates comes after it, unless the
    // primary needs that region first (then the primary makes the region's zone associations).
    let primary_stack = env_stack(&primary_name);
    for region in platform.regions.iter().filter(|r| crate::zones::reads_environment_zones(platform, &names.env, &primary_name, r)) {
        let name = env_stack(&region.name);
        let primary_first = stacks.iter().any(|s| s.name == primary_stack && s.after.contains(&name));
        if let Some(s) = stacks.iter_mut().find(|s| s.name == name).filter(|_| !primary_first) {
            s.after.push(primary_stack.clone());
            s.after.sort();
        }
    }
    // Records of NLBs that controllers create (`<region>/<cluster>/...` targets; the loader has
    // checked that each names a gateway or an ingress controller).
    let in_cluster: Vec<&str> = platform
        .edge
        .records
        .iter()
        .filter(|r| platform.edge.zones.iter().any(|z| z.domain == r.zone && crate::zones::zone_of_env(z, &names.env)))
        .filter_map(|r| r.target.as_deref())
        .filter(|t| t.split('/').count() >= 3)
        .filter_map(|t| t.split('/').next())
        .collect();
    let edge = format!("{}-edge", names.env);
    if !in_cluster.is_empty() {
        let mut after: Vec<String> = ["account".to_owned(), "long-lived".to_owned()].into_iter().chain(in_cluster.iter().map(|r| env_stack(r))).collect();
        after.sort();
        after.dedup();
        stacks.push(Stack { name: edge.clone(), kind: StackKind::Edge, region: Some(primary_name.clone()), after, scope: env.clone() });
    }
    if !platform.edge.cloudflare_load_balancers.is_empty()
        || platform.edge.zones.iter().any(|z| z.provider == stratoform_spec::DnsProvider::Cloudflare)
    {
        let mut after: Vec<String> = platform.regions.iter().map(|r| env_stack(&r.name)).collect();
        if !in_cluster.is_empty() {
            after.push(edge);
        }
        stacks.push(Stack { name: format!("{}-cloudflare", names.env), kind: StackKind::External, region: Some(primary_name), after, scope: env });
    }
    order(stacks)
}

/// Orders stacks so that each comes after the stacks it reads (stable for ties).
fn order(mut pending: Vec<Stack>) -> Vec<Stack> {
    let mut done: Vec<Stack> = Vec::new();
    while !pending.is_empty() {
        let ready = pending.iter().position(|s| s.after.iter().all(|a| done.iter().any(|d| &d.name == a)));
        match ready {
            Some(i) => done.push(pending.remove(i)),
            // A cycle between regions (mutual peering): keep spec order for the rest.
            None => done.append(&mut pending),
        }
    }
    done
}
