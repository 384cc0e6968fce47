//! The emulator's launcher corrects the defects it names: checked against a running emulator.

mod support;

use support::*;

/// What a boto3 script prints when run against a fresh emulator started through the launcher
/// (the endpoint is its first argument); `None` when the tools are missing (and not required).
fn against_the_emulator(script: &str) -> Option<String> {
    if !require("moto_server", moto_server().is_some()) || !require("python (tools venv)", python().is_some()) {
        return None;
    }
    let moto = Moto::start();
    let out = std::process::Command::new(python().unwrap()).args(["-c", script, &moto.endpoint]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Two EKS clusters in one region (two environments of one account), with their OIDC issuers.
const TWO_CLUSTERS: &str = r#"
import sys, boto3
eks = boto3.client("eks", region_name="us-east-1", endpoint_url=sys.argv[1],
                   aws_access_key_id="test", aws_secret_access_key="test")
for name in ("demo-dev-main", "demo-prod-main"):
    eks.create_cluster(name=name, roleArn="arn:aws:iam::123456789012:role/eks", resourcesVpcConfig={"subnetIds": []})
    print(name, eks.describe_cluster(name=name)["cluster"]["identity"]["oidc"]["issuer"])
"#;

#[test]
fn each_cluster_gets_its_own_oidc_issuer() {
    let Some(text) = against_the_emulator(TWO_CLUSTERS) else { return };
    let issuers: Vec<&str> = text.lines().filter_map(|l| l.split_whitespace().nth(1)).collect();
    assert_eq!(issuers.len(), 2, "{text}");
    assert_ne!(issuers[0], issuers[1], "two clusters share an OIDC issuer:\n{text}");
    assert!(issuers.iter().all(|i| i.starts_with("https://oidc.eks.us-east-1.amazonaws.com/id/")), "{text}");
}

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
    let Some(text) = against_the_emulator(TWO_INSTANCES) else { return };
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert_ne!(rows[0][1], rows[1][1], "the two instances share a DbiResourceId:\n{text}");
    for row in &rows {
        assert_eq!(row[2..], [format!("['{}']", row[0]).as_str()], "reading {} back by its DbiResourceId:\n{text}", row[0]);
    }
}

/// A static route through a cross-region Transit Gateway peering, searched as the provider reads it.
const PEERED_ROUTE: &str = r#"
import sys, boto3
def ec2(region):
    return boto3.client("ec2", region_name=region, endpoint_url=sys.argv[1],
                        aws_access_key_id="test", aws_secret_access_key="test")
east, west = ec2("us-east-1"), ec2("us-west-2")
a = east.create_transit_gateway()["TransitGateway"]
b = west.create_transit_gateway()["TransitGateway"]
attachment = east.create_transit_gateway_peering_attachment(
    TransitGatewayId=a["TransitGatewayId"], PeerTransitGatewayId=b["TransitGatewayId"],
    PeerAccountId="123456789012", PeerRegion="us-west-2")["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attachment)
table = a["Options"]["AssociationDefaultRouteTableId"]
east.create_transit_gateway_route(DestinationCidrBlock="10.20.0.0/16", TransitGatewayRouteTableId=table,
                                  TransitGatewayAttachmentId=attachment)
route = east.search_transit_gateway_routes(TransitGatewayRouteTableId=table, Filters=[
    {"Name": "route-search.exact-match", "Values": ["10.20.0.0/16"]}])["Routes"][0]
print(attachment, route["State"], [x["TransitGatewayAttachmentId"] for x in route["TransitGatewayAttachments"]])
"#;

#[test]
fn a_peered_transit_gateway_route_names_its_attachment() {
    let Some(text) = against_the_emulator(PEERED_ROUTE) else { return };
    let attachment = text.split_whitespace().next().unwrap_or_default();
    assert_eq!(text.trim(), format!("{attachment} active ['{attachment}']"), "the route must be active and name its attachment");
}

/// Server access logging into a bucket whose policy denies insecure transport to `"*"` before it
/// grants log delivery, as modules/s3 writes it.
const LOG_TARGET: &str = r#"
import json, sys, boto3
s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=sys.argv[1],
                  aws_access_key_id="test", aws_secret_access_key="test")
for name in ("logs", "source"):
    s3.create_bucket(Bucket=name)
s3.put_bucket_policy(Bucket="logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
     "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/*"}]}))
s3.put_bucket_logging(Bucket="source", BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "logs", "TargetPrefix": "source/"}})
print(s3.get_bucket_logging(Bucket="source")["LoggingEnabled"]["TargetBucket"])
# Without the grant, logging is still refused.
s3.create_bucket(Bucket="closed")
s3.put_bucket_policy(Bucket="closed", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::closed", "arn:aws:s3:::closed/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
try:
    s3.put_bucket_logging(Bucket="source", BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "closed", "TargetPrefix": "x/"}})
    print("accepted")
except s3.exceptions.ClientError as e:
    print(e.response["Error"]["Code"])
"#;

#[test]
fn bucket_logging_reads_a_policy_that_denies_to_everyone_first() {
    let Some(text) = against_the_emulator(LOG_TARGET) else { return };
    assert_eq!(text.trim(), "logs\nInvalidTargetBucketForLogging");
}
