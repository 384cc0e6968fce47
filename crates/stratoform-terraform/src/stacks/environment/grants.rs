//! The IAM side of roles: the resolver that turns a role's grants into ARNs of this stack, and the
//! custom policies of `identity.policies`.

use hcl::Expression;

use super::Ctx;
use crate::dsl::*;
use crate::stacks::policies::{template_policy, Resolve};

pub(super) struct GrantResolver<'c, 'a> {
    pub(super) ctx: &'c mut Ctx<'a>,
}

impl Resolve for GrantResolver<'_, '_> {
    fn bucket_arn(&mut self, name: &str) -> Expression {
        let model = self.ctx.model;
        let bucket = model.first_bucket(name).map(|(r, b)| model.bucket_name(r, b)).unwrap_or_else(|| format!("{}-{name}", self.ctx.prefix()));
        s(format!("arn:aws:s3:::{bucket}"))
    }
    fn kms_arn(&mut self, name: &str) -> Expression {
        match self.ctx.kms(Some(name)) {
            Expression::Null => ex(r#""arn:aws:kms:*:${local.account_id}:key/*""#),
            e => e,
        }
    }
    fn secret_arn(&mut self, name: Option<&str>) -> Expression {
        let m = self.ctx.model;
        let pattern = match name {
            Some(n) => format!("{}-*", m.names.secret(n)),
            None => m.names.secret("*"),
        };
        call("format", [s(format!("arn:aws:secretsmanager:%s:%s:secret:{pattern}")), ex("var.region"), ex("local.account_id")])
    }
    fn cache_token(&mut self, resource: &str) -> Option<(Expression, String)> {
        let m = self.ctx.model;
        let (region, cache) = m.granted_cache(resource, self.ctx.region.name.as_str())?;
        let pattern = format!("{}-*", m.names.cache_auth_secret(cache.name.as_str()));
        let arn = call("format", [s(format!("arn:aws:secretsmanager:{}:%s:secret:{pattern}", region.name)), ex("local.account_id")]);
        Some((arn, region.name.to_string()))
    }
    fn keys_in(&mut self, region: &str) -> Expression {
        call("format", [s(format!("arn:aws:kms:{region}:%s:key/*")), ex("local.account_id")])
    }
    fn regional_arn(&mut self, service: &str, resource: &str) -> Expression {
        call("format", [s(format!("arn:aws:{service}:%s:%s:{resource}")), ex("var.region"), ex("local.account_id")])
    }
    fn search_domain_arn(&mut self, name: &str) -> Expression {
        let m = self.ctx.model;
        let here = self.ctx.region.name.to_string();
        let (region, domain) = match m.search_domain(name, &here) {
            Some((r, d)) => (r.name.to_string(), stratoform_model::search::domain_name(&m.names, d)),
            None => (here, format!("{}-{name}", self.ctx.prefix())),
        };
        call("format", [s(format!("arn:aws:es:{region}:%s:domain/{domain}/*")), ex("local.account_id")])
    }
    fn log_group_arn(&mut self, name: Option<&str>) -> Expression {
        match name {
            Some(n) => call("format", [s(format!("arn:aws:logs:%s:%s:log-group:{n}:*")), ex("var.region"), ex("local.account_id")]),
            None => s("*"),
        }
    }
}

/// A custom policy of `identity.policies`, created in the primary region's stack.
pub(super) fn policy_ref(c: &mut Ctx, name: &str) -> Expression {
    let iam = c.model.names.policy(name);
    // IAM is global: the primary region's stack creates the policy, the others name it.
    let Some(p) = c.model.policy(name).cloned().filter(|_| c.primary) else {
        return call("format", [s(format!("arn:aws:iam::%s:policy/{iam}")), ex("local.account_id")]);
    };
    let rid = format!("policy_{}", ident(name));
    let exists = c.b.main.iter().any(|st| matches!(st, hcl::structure::Structure::Block(b) if b.labels().get(1).map(|l| l.as_str()) == Some(rid.as_str())));
    if !exists {
        let doc = template_policy(p.template).unwrap_or_else(|| {
            serde_json::json!({
                "Version": "2012-10-17",
                "Statement": p.statements.iter().map(|st| {
                    let mut v = serde_json::json!({ "Effect": "Allow", "Action": st.actions, "Resource": st.resources });
                    if let Some(sid) = &st.sid { v["Sid"] = serde_json::json!(sid); }
                    if let Some(cond) = &st.condition { v["Condition"] = cond.clone(); }
                    v
                }).collect::<Vec<_>>()
            })
        });
        let mut body = crate::checkov::markers(&crate::checkov::template_policy_skips(p.template));
        body.extend([attr("name", s(iam)), attr("description", s(p.description.clone())), attr("policy", jsonencode(&doc))]);
        c.b.main.push(block_owned("resource", vec!["aws_iam_policy".into(), rid.clone()], body));
    }
    ex(&format!("aws_iam_policy.{rid}.arn"))
}
