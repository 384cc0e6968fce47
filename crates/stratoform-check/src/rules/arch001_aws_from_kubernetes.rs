//! ARCH001: AWS resources are managed by Terraform, not from the Kubernetes layer.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "ARCH001",
    name: "aws-resource-from-kubernetes",
    group: Group::Arch,
    severity: Severity::Warning,
    production_only: false,
    summary: "load balancers are created by Terraform, not by the load balancer controller from Service annotations",
    checks: "Gateways (`clusters[].gateways[]`), the NGINX ingress controller (`clusters[].ingressNginx`) \
and workloads with `expose` each render a Service of type `LoadBalancer`, so the AWS Load Balancer \
Controller creates a Network Load Balancer from its annotations. The finding names each one; the \
alternative is a `regions[].loadBalancers[]` entry with a `target`, which Terraform owns and pods join \
through a TargetGroupBinding.",
    why: "A load balancer created from the cluster is invisible to Terraform: it is not in state, not in \
the plan, not tagged like the rest, deleted with the Service, and recreated with a new DNS name when the \
cluster is rebuilt, which breaks every DNS record and allowlist pointing at it. Keeping AWS in Terraform \
and Kubernetes objects in Git is the separation the architecture rests on.",
    failing: "gateways:\n  - name: public\n    scheme: internetFacing\n    listeners: [{ name: https, port: 443, protocol: HTTPS }]\n",
    fix: "Declare the load balancer in Terraform and bind the gateway's Service to it, or waive the finding \
with the reason the controller owns it.",
    fixed: "loadBalancers:\n  - name: public\n    type: nlb\n    scheme: internetFacing\n    listeners: [{ port: 443, protocol: TCP }]\n    target: { cluster: main, namespace: istio-ingress, service: public-istio, port: 443 }\n",
    help: "declare the load balancer under `regions[].loadBalancers` with a `target`, so Terraform owns it",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (cp, _, c) in ctx.clusters() {
        for (i, g) in c.gateways.iter().enumerate() {
            out.push(ctx.finding(
                &RULE,
                &format!("{cp}/gateways/{i}/scheme"),
                format!("gateway `{}` has its load balancer created by the load balancer controller", g.name),
                "NLB from Service annotations",
            ));
        }
        if c.ingress_nginx.is_some() {
            out.push(ctx.finding(
                &RULE,
                &format!("{cp}/ingressNginx"),
                format!("the NGINX ingress controller of cluster `{}` has its load balancer created by the load balancer controller", c.name),
                "NLB from Service annotations",
            ));
        }
        for (i, w) in c.workloads.iter().enumerate() {
            if w.expose.is_some() {
                out.push(ctx.finding(
                    &RULE,
                    &format!("{cp}/workloads/{i}/expose"),
                    format!("workload `{}` has its load balancer created by the load balancer controller", w.name),
                    "NLB from Service annotations",
                ));
            }
        }
    }
    out
}
