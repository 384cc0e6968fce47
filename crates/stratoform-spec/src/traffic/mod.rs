//! Traffic inside and at the edge of a cluster: Terraform-managed load balancers, Gateway API
//! gateways and routes, the Istio ambient mesh, NGINX ingress, cert-manager and ACM certificates.
//!
//! - `load_balancers`: Terraform-managed load balancers, listeners, health checks
//! - `gateways`: Gateway API gateways, listeners and routes
//! - `mesh`: the Istio ambient mesh, waypoints, OIDC
//! - `ingress`: the NGINX ingress controller and Ingresses
//! - `certificates`: cert-manager issuers and certificates, ACM certificates

mod certificates;
mod gateways;
mod ingress;
mod load_balancers;
mod mesh;

pub use certificates::*;
pub use gateways::*;
pub use ingress::*;
pub use load_balancers::*;
pub use mesh::*;
