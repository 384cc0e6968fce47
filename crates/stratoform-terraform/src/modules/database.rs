//! `modules/database`: one Aurora cluster (writer and readers) or RDS instance in database
//! subnets, encrypted, with a master password that RDS generates and keeps in Secrets Manager
//! (never in code or tfvars) and a security group admitting only the database port from the
//! named sources.

use crate::dsl::*;
use crate::modules::Module;

/// The module.
pub fn module() -> Module {
    let variables = vec![
        variable("name", "string", "The cluster or instance identifier.", None),
        variable("engine", "string", "aurora-postgresql, aurora-mysql, postgres or mysql.", None),
        variable("engine_version", "string", "The engine version.", None),
        variable("instance_class", "string", "The instance class.", None),
        variable("instances", "number", "Aurora: instances (writer plus readers).", Some(n(2))),
        variable("multi_az", "bool", "RDS: a standby in another zone.", Some(false.into())),
        variable("storage_gib", "number", "RDS: allocated storage.", Some(n(100))),
        variable("port", "number", "The database port.", None),
        variable("vpc_id", "string", "The VPC.", None),
        variable("subnet_ids", "list(string)", "Database subnets.", None),
        variable("allowed_security_group_ids", "map(string)", "Security groups that may connect, by name.", Some(obj::<&str>([]))),
        variable("allowed_cidrs", "list(string)", "Blocks that may connect (peered VPCs).", Some(list([]))),
        variable("backup_retention_days", "number", "Backup retention.", Some(n(7))),
        variable("deletion_protection", "bool", "Deletion protection (and a final snapshot).", Some(false.into())),
        variable("kms_key_arn", "string", "The KMS key; null uses the AWS managed key.", Some(hcl::Expression::Null)),
    ];
    let main = vec![
        block(
            "locals",
            &[],
            vec![
                attr("aurora", ex(r#"startswith(var.engine, "aurora")"#)),
                attr("postgres", ex(r#"strcontains(var.engine, "postgres")"#)),
                attr("log_exports", ex(r#"local.postgres ? ["postgresql"] : ["error", "slowquery"]"#)),
                attr("username", ex(r#"local.postgres ? "postgres" : "admin""#)),
            ],
        ),
        block(
            "resource",
            &["aws_db_subnet_group", "this"],
            vec![attr("name", ex("var.name")), attr("subnet_ids", ex("var.subnet_ids")), attr("tags", obj([("Name", ex("var.name"))]))],
        ),
        block(
            "resource",
            &["aws_security_group", "this"],
            vec![
                attr("name", ex(r#""${var.name}-db""#)),
                attr("description", ex(r#""${var.engine} port of ${var.name} from named sources only""#)),
                attr("vpc_id", ex("var.vpc_id")),
                attr("tags", obj([("Name", ex(r#""${var.name}-db""#))])),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "from_groups"],
            vec![
                attr("for_each", ex("var.allowed_security_group_ids")),
                attr("security_group_id", ex("aws_security_group.this.id")),
                attr("description", ex(r#""Database port from ${each.key}""#)),
                attr("ip_protocol", s("tcp")),
                attr("from_port", ex("var.port")),
                attr("to_port", ex("var.port")),
                attr("referenced_security_group_id", ex("each.value")),
            ],
        ),
        block(
            "resource",
            &["aws_vpc_security_group_ingress_rule", "from_cidrs"],
            vec![
                attr("for_each", ex("toset(var.allowed_cidrs)")),
                attr("security_group_id", ex("aws_security_group.this.id")),
                attr("description", ex(r#""Database port from ${each.key}""#)),
                attr("ip_protocol", s("tcp")),
                attr("from_port", ex("var.port")),
                attr("to_port", ex("var.port")),
                attr("cidr_ipv4", ex("each.key")),
            ],
        ),
        block(
            "resource",
            &["aws_rds_cluster", "this"],
            vec![
                attr("count", ex("local.aurora ? 1 : 0")),
                attr("cluster_identifier", ex("var.name")),
                attr("engine", ex("var.engine")),
                attr("engine_version", ex("var.engine_version")),
                attr("port", ex("var.port")),
                attr("master_username", ex("local.username")),
                attr("manage_master_user_password", true),
                attr("db_subnet_group_name", ex("aws_db_subnet_group.this.name")),
                attr("vpc_security_group_ids", ex("[aws_security_group.this.id]")),
                attr("storage_encrypted", true),
                attr("copy_tags_to_snapshot", true),
                attr("kms_key_id", ex("var.kms_key_arn")),
                attr("backup_retention_period", ex("var.backup_retention_days")),
                attr("deletion_protection", ex("var.deletion_protection")),
                attr("skip_final_snapshot", ex("!var.deletion_protection")),
                attr("final_snapshot_identifier", ex(r#"var.deletion_protection ? "${var.name}-final" : null"#)),
                attr("enabled_cloudwatch_logs_exports", ex("local.log_exports")),
            ],
        ),
        block(
            "resource",
            &["aws_rds_cluster_instance", "this"],
            vec![
                attr("count", ex("local.aurora ? var.instances : 0")),
                attr("identifier", ex(r#""${var.name}-${count.index + 1}""#)),
                attr("cluster_identifier", ex("aws_rds_cluster.this[0].id")),
                attr("engine", ex("var.engine")),
                attr("engine_version", ex("var.engine_version")),
                attr("instance_class", ex("var.instance_class")),
                attr("db_subnet_group_name", ex("aws_db_subnet_group.this.name")),
            ],
        ),
        block(
            "resource",
            &["aws_db_instance", "this"],
            vec![
                attr("count", ex("local.aurora ? 0 : 1")),
                attr("identifier", ex("var.name")),
                attr("engine", ex("var.engine")),
                attr("engine_version", ex("var.engine_version")),
                attr("instance_class", ex("var.instance_class")),
                attr("port", ex("var.port")),
                attr("allocated_storage", ex("var.storage_gib")),
                attr("storage_type", s("gp3")),
                attr("storage_encrypted", true),
                attr("copy_tags_to_snapshot", true),
                attr("kms_key_id", ex("var.kms_key_arn")),
                attr("multi_az", ex("var.multi_az")),
                attr("username", ex("local.username")),
                attr("manage_master_user_password", true),
                attr("db_subnet_group_name", ex("aws_db_subnet_group.this.name")),
                attr("vpc_security_group_ids", ex("[aws_security_group.this.id]")),
                attr("backup_retention_period", ex("var.backup_retention_days")),
                attr("deletion_protection", ex("var.deletion_protection")),
                attr("skip_final_snapshot", ex("!var.deletion_protection")),
                attr("final_snapshot_identifier", ex(r#"var.deletion_protection ? "${var.name}-final" : null"#)),
                attr("enabled_cloudwatch_logs_exports", ex("local.log_exports")),
            ],
        ),
    ];
    let outputs = vec![
        output("endpoint", "The writer endpoint.", ex("local.aurora ? aws_rds_cluster.this[0].endpoint : aws_db_instance.this[0].address")),
        output("reader_endpoint", "The reader endpoint (Aurora).", ex("local.aurora ? aws_rds_cluster.this[0].reader_endpoint : null")),
        output(
            "master_user_secret_arn",
            "The Secrets Manager secret RDS keeps the master password in.",
            ex("local.aurora ? aws_rds_cluster.this[0].master_user_secret[0].secret_arn : aws_db_instance.this[0].master_user_secret[0].secret_arn"),
        ),
        output("security_group_id", "The database's security group.", ex("aws_security_group.this.id")),
    ];
    Module { name: "database", aliases: &[], variables, main, outputs }
}
