use super::functions::call;
use super::*;

fn tree(files: &[(&str, &str)]) -> Tree {
    Tree::from_files(files.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())))
}

#[test]
fn names_flow_through_module_calls_tfvars_locals_and_for_each() {
    let t = tree(&[
        ("terraform/stacks/dev-x/terraform.tfvars", "env = \"dev\"\nregion = \"us-east-1\"\nqueues = { a = { n = \"one\" }, b = { n = \"two\" } }\n"),
        ("terraform/stacks/dev-x/variables.tf", "variable \"env\" {}\nvariable \"region\" {}\nvariable \"queues\" {}\n"),
        (
            "terraform/stacks/dev-x/main.tf",
            "locals { prefix = \"p-${var.env}\" }\nmodule \"kms\" {\n  source = \"../../modules/kms\"\n  alias = format(\"%s-%s\", local.prefix, var.region)\n}\nresource \"aws_sqs_queue\" \"q\" {\n  for_each = var.queues\n  name = lower(\"${local.prefix}-${each.value.n}\")\n}\nresource \"aws_iam_role\" \"r\" {\n  name = module.kms.alias_name\n}\n",
        ),
        ("terraform/modules/kms/variables.tf", "variable \"alias\" {}\nvariable \"unused\" { default = \"d\" }\n"),
        ("terraform/modules/kms/main.tf", "resource \"aws_kms_key\" \"this\" {}\nresource \"aws_kms_alias\" \"this\" {\n  name = \"alias/${var.alias}\"\n  target_key_id = aws_kms_key.this.key_id\n}\n"),
        ("terraform/modules/kms/outputs.tf", "output \"alias_name\" { value = aws_kms_alias.this.name }\n"),
    ]);
    let ev = Evaluator::new(&t);
    let created = ev.stack("dev-x", "dev");
    let names: Vec<(String, Option<String>)> = created.iter().map(|c| (c.address.clone(), c.attr("name"))).collect();
    assert_eq!(
        names,
        [
            ("aws_sqs_queue.q[\"a\"]".to_owned(), Some("p-dev-one".to_owned())),
            ("aws_sqs_queue.q[\"b\"]".to_owned(), Some("p-dev-two".to_owned())),
            ("aws_iam_role.r".to_owned(), Some("alias/p-dev-us-east-1".to_owned())),
            ("module.kms.aws_kms_key.this".to_owned(), None),
            ("module.kms.aws_kms_alias.this".to_owned(), Some("alias/p-dev-us-east-1".to_owned())),
        ]
    );
    assert_eq!(created[4].attrs.get("target_key_id"), Some(&V::Unknown));
    assert!(ev.errors.borrow().is_empty());
}

#[test]
fn a_replicated_secret_exists_in_each_replica_region() {
    let t = tree(&[
        ("terraform/stacks/dev-x/terraform.tfvars", "region = \"us-east-1\"\n"),
        ("terraform/stacks/dev-x/variables.tf", "variable \"region\" {}\n"),
        ("terraform/stacks/dev-x/providers.tf", "provider \"aws\" {\n  region = var.region\n}\n"),
        (
            "terraform/stacks/dev-x/main.tf",
            "module \"s\" {\n  source = \"../../modules/secrets\"\n  replicas = { \"us-west-2\" = null }\n}\nresource \"aws_secretsmanager_secret\" \"lit\" {\n  name = \"b\"\n  replica {\n    region = \"eu-west-1\"\n  }\n}\n",
        ),
        ("terraform/modules/secrets/variables.tf", "variable \"replicas\" { default = {} }\n"),
        (
            "terraform/modules/secrets/main.tf",
            "resource \"aws_secretsmanager_secret\" \"this\" {\n  name = \"a\"\n  dynamic \"replica\" {\n    for_each = var.replicas\n    content {\n      region = replica.key\n    }\n  }\n}\n",
        ),
    ]);
    let ev = Evaluator::new(&t);
    let mut found: Vec<(Option<String>, Option<String>)> = ev.stack("dev-x", "dev").iter().map(|c| (c.attr("name"), c.region.clone())).collect();
    found.sort();
    let some = |a: &str, r: &str| (Some(a.to_owned()), Some(r.to_owned()));
    assert_eq!(found, [some("a", "us-east-1"), some("a", "us-west-2"), some("b", "eu-west-1"), some("b", "us-east-1")]);
}

#[test]
fn functions() {
    assert_eq!(call("substr", &[V::Str("abcdef".into()), V::Num(1.0), V::Num(3.0)]), V::Str("bcd".into()));
    assert_eq!(call("replace", &[V::Str("a.b.c".into()), V::Str(".".into()), V::Str("-".into())]), V::Str("a-b-c".into()));
    assert_eq!(call("join", &[V::Str("-".into()), V::List(vec![V::Str("a".into()), V::Num(2.0)])]), V::Str("a-2".into()));
    assert_eq!(call("format", &[V::Str("%s-%d%%".into()), V::Str("x".into()), V::Num(3.0)]), V::Str("x-3%".into()));
    assert_eq!(call("merge", &[V::Map(BTreeMap::new()), V::Unknown]), V::Unknown);
    assert_eq!(call("jsonencode", &[V::Null]), V::Unknown);
}
