"""Starts the local AWS emulator (moto's server) with the arguments given, after correcting the
emulator defects that would otherwise stop a faithful apply of the rendered stacks. Each correction
names the defect and the moto versions it was seen in; the generated Terraform never depends on
them. Run as `python emulator_launch.py -H 127.0.0.1 -p PORT` (the moto_server arguments)."""

import base64
import hashlib
import json
import sys
import types

from moto.cloudtrail import models as cloudtrail
from moto.ec2.models import transit_gateway_route_tables as tgw_route_tables
from moto.ec2.responses import network_acls as network_acl_responses
from moto.eks import models as eks
from moto.rds import models as rds
from moto.s3 import models as s3


def _unique_dbi_resource_ids():
    """moto (5.2.1 to 5.2.5) gives every DB instance the same DbiResourceId. The AWS provider reads
    an instance back by that ID (`dbi-resource-id` filter) and fails with "couldn't find resource"
    as soon as two instances share a region. Give each its own, derived from its region and name."""
    cls = getattr(rds, "DBInstance", None)
    if cls is None:
        print("emulator_launch: moto.rds.models.DBInstance not found; DbiResourceId left as moto sets it", file=sys.stderr)
        return
    original = cls.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        seed = f"{getattr(self, 'region_name', '')}/{self.db_instance_identifier}".encode()
        self.dbi_resource_id = "db-" + base64.b32encode(hashlib.sha256(seed).digest()).decode()[:26]

    cls.__init__ = init


def _transit_gateway_routes_list_their_attachment():
    """moto (5.2.1 to 5.2.5) keeps a static Transit Gateway route's attachment as a single object
    where the API has a list, so SearchTransitGatewayRoutes answers with no attachment and the AWS
    provider reads the route back as a blackhole (a replacement on every plan). Store the list."""
    cls = getattr(tgw_route_tables, "TransitGatewayRouteTableBackend", None)
    if cls is None:
        print("emulator_launch: TransitGatewayRouteTableBackend not found; routes left as moto keeps them", file=sys.stderr)
        return
    original = cls.create_transit_gateway_route

    def create(self, *args, **kwargs):
        route = original(self, *args, **kwargs)
        attachment = route.get("transitGatewayAttachments")
        if isinstance(attachment, dict):
            route["transitGatewayAttachments"] = [attachment]
        return route

    cls.create_transit_gateway_route = create


def _bucket_logging_reads_any_principal():
    """moto (5.2.1) reads the target bucket's policy for PutBucketLogging statement by statement
    and fails with an HTTP 500 (`'str' object has no attribute 'get'`) at the first statement whose
    Principal is the string "*", such as a deny of insecure transport placed before the
    log-delivery grant. Such a statement can never be the grant moto looks for, so it is left out
    of what moto reads."""
    cls = getattr(s3, "FakeBucket", None)
    if cls is None or not hasattr(cls, "_log_permissions_enabled_policy"):
        print("emulator_launch: moto.s3.models.FakeBucket._log_permissions_enabled_policy not found; bucket logging left as moto checks it", file=sys.stderr)
        return
    original = cls._log_permissions_enabled_policy

    def check(target_bucket, target_prefix):
        if not target_bucket.policy:
            return original(target_bucket, target_prefix)
        policy = json.loads(target_bucket.policy.decode())
        policy["Statement"] = [st for st in policy.get("Statement", []) if isinstance(st.get("Principal"), dict)]
        view = types.SimpleNamespace(policy=json.dumps(policy).encode(), partition=target_bucket.partition, name=target_bucket.name)
        return original(view, target_prefix)

    cls._log_permissions_enabled_policy = staticmethod(check)


def _unique_oidc_issuers():
    """moto (5.2.1 to 5.2.5) draws one random suffix per process for the OIDC issuer URL, so every
    EKS cluster of a region gets the same issuer. IAM admits one OIDC provider per URL and account,
    so the second cluster's provider (another environment's, in a shared account) fails with
    EntityAlreadyExists. Give each cluster its own issuer, derived from its ARN (account, region and
    name), as EKS does."""
    cls = getattr(eks, "Cluster", None)
    if cls is None:
        print("emulator_launch: moto.eks.models.Cluster not found; issuers left as moto sets them", file=sys.stderr)
        return
    original = cls.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        issuer = self.identity["oidc"]["issuer"]
        prefix = issuer[: issuer.rfind("/") + 1]
        self.identity = {"oidc": {"issuer": prefix + hashlib.sha256(self.arn.encode()).hexdigest()[:32].upper()}}

    cls.__init__ = init


def _trails_found_by_arn():
    """moto (5.2.1) finds a trail by its ARN in GetTrail and UpdateTrail but only by its name in
    StartLogging, StopLogging and DeleteTrail. The AWS provider names the trail by its ARN, so
    StartLogging fails with an HTTP 500 (KeyError) and DeleteTrail leaves the trail behind. Look
    the ARN up as GetTrail does."""
    cls = getattr(cloudtrail, "CloudTrailBackend", None)
    if cls is None or not hasattr(cls, "get_trail"):
        print("emulator_launch: moto.cloudtrail.models.CloudTrailBackend.get_trail not found; trails left as moto finds them", file=sys.stderr)
        return

    def by_name(method):
        original = getattr(cls, method)

        def call(self, name, *args, **kwargs):
            if name not in self.trails:
                name = next((key for key, trail in self.trails.items() if trail.arn == name), name)
            return original(self, name, *args, **kwargs)

        setattr(cls, method, call)

    for method in ("start_logging", "stop_logging", "delete_trail"):
        by_name(method)



def _network_acl_entries_keep_icmp():
    """moto (5.2.1) looks for an ACL entry's ICMP type and code under `Icmp`, the query's wire
    name, while its parsed request holds them under `IcmpTypeCode`, so it drops them: an inline
    ICMP rule of `aws_network_acl` reads back as type 0 code 0, a change on every plan. Copy them
    to where it looks."""
    cls = getattr(network_acl_responses, "NetworkACLs", None)
    if cls is None:
        print("emulator_launch: moto.ec2.responses.network_acls.NetworkACLs not found; ICMP entries left as moto reads them", file=sys.stderr)
        return

    def keep_icmp(method):
        original = getattr(cls, method)

        def call(self):
            params = getattr(self, "params", None)
            if isinstance(params, dict) and isinstance(params.get("IcmpTypeCode"), dict) and "Icmp" not in params:
                params["Icmp"] = params["IcmpTypeCode"]
            return original(self)

        setattr(cls, method, call)

    for method in ("create_network_acl_entry", "replace_network_acl_entry"):
        keep_icmp(method)

_unique_dbi_resource_ids()
_unique_oidc_issuers()
_transit_gateway_routes_list_their_attachment()
_bucket_logging_reads_any_principal()
_trails_found_by_arn()
_network_acl_entries_keep_icmp()

from moto.server import main  # noqa: E402  (after the corrections)

sys.exit(main(sys.argv[1:]))
