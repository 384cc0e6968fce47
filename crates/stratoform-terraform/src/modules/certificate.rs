//! `modules/certificate`: one ACM certificate with DNS validation — records written into the
//! Route 53 zone of each name and awaited, or handed to the Cloudflare stack through the outputs.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("domain", "string", "The certificate's domain, such as `*.example.com`.", None),
        variable("sans", "list(string)", "Subject alternative names.", Some(list([]))),
        variable("route53_validation", "bool", "Write the validation records into `zone_id` and wait for issuance.", Some(true.into())),
        variable("zone_id", "string", "The Route 53 zone of the validation records.", Some(hcl::Expression::Null)),
        variable(
            "zone_ids",
            "map(string)",
            "Route 53 zones of the validation records of names outside `zone_id`'s zone (under a delegated sub-zone), by the name as the certificate has it.",
            Some(obj::<&str>([])),
        ),
    ];
    let main = vec![
        block(
            "resource",
            &["aws_acm_certificate", "this"],
            vec![
                attr("domain_name", ex("var.domain")),
                attr("subject_alternative_names", ex("var.sans")),
                attr("validation_method", s("DNS")),
                attr("tags", obj([("Name", ex("var.domain"))])),
                block("lifecycle", &[], vec![attr("create_before_destroy", true)]),
            ],
        ),
        block(
            "resource",
            &["aws_route53_record", "validation"],
            vec![
                attr(
                    "for_each",
                    ex("var.route53_validation ? { for o in aws_acm_certificate.this.domain_validation_options : o.domain_name => o } : {}"),
                ),
                attr("zone_id", ex("lookup(var.zone_ids, each.key, var.zone_id)")),
                attr("name", ex("each.value.resource_record_name")),
                attr("type", ex("each.value.resource_record_type")),
                attr("records", ex("[each.value.resource_record_value]")),
                attr("ttl", n(300)),
                attr("allow_overwrite", true),
            ],
        ),
        block(
            "resource",
            &["aws_acm_certificate_validation", "this"],
            vec![
                attr("count", ex("var.route53_validation ? 1 : 0")),
                attr("certificate_arn", ex("aws_acm_certificate.this.arn")),
                attr("validation_record_fqdns", ex("[for r in aws_route53_record.validation : r.fqdn]")),
            ],
        ),
    ];
    let outputs = vec![
        output("arn", "The certificate's ARN (once validated, when Route 53 validates it).", ex("var.route53_validation ? aws_acm_certificate_validation.this[0].certificate_arn : aws_acm_certificate.this.arn")),
        output(
            "validation_records",
            "The DNS validation records, for a zone outside Route 53.",
            ex("[for o in aws_acm_certificate.this.domain_validation_options : { name = o.resource_record_name, type = o.resource_record_type, value = o.resource_record_value }]"),
        ),
    ];
    Module { name: "certificate", aliases: &[], variables, main, outputs }
}
