//! The emulator's launcher corrects the defects it names: checked against a running emulator.

mod support;

use support::*;

/// Two DB instances in one region, read back by their DbiResourceId as the AWS provider does.
const TWO_INSTANCES: &str = r#"
import sys, boto3
rds = boto3.client("rds", region_name="eu-central-1", endpoint_url=sys.argv[1],
                   aws_access_key_id="test", aws_secret_access_key="test")
for name in ("first", "second"):
    rds.create_db_instance(DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="admin_user", ManageMasterUserPassword=True)
for d in rds.describe_db_instances()["DBInstances"]:
    found = rds.describe_db_instances(Filters=[{"Name": "dbi-resource-id", "Values": [d["DbiResourceId"]]}])["DBInstances"]
    print(d["DBInstanceIdentifier"], d["DbiResourceId"], [f["DBInstanceIdentifier"] for f in found])
"#;

#[test]
fn each_db_instance_gets_its_own_resource_id() {
    if !require("moto_server", moto_server().is_some()) || !require("python (tools venv)", python().is_some()) {
        return;
    }
    let moto = Moto::start();
    let out = std::process::Command::new(python().unwrap()).args(["-c", TWO_INSTANCES, &moto.endpoint]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert_ne!(rows[0][1], rows[1][1], "the two instances share a DbiResourceId:\n{text}");
    for row in &rows {
        assert_eq!(row[2..], [format!("['{}']", row[0]).as_str()], "reading {} back by its DbiResourceId:\n{text}", row[0]);
    }
}
