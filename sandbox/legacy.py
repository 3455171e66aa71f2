"""The emulated organization: a management account, and a "legacy" member seeded with misconfigurations.

The legacy account holds the CloudTrail set-up the audit exists to find, one misconfiguration each:
a single-region trail, no log file validation, no KMS key, a bucket anyone can read (a policy with
Principal "*" on s3:GetObject and no public access block), logging stopped, selectors that drop KMS
management events, and no CloudWatch Logs (so no metric filters or alarms).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from sandbox.deployer import Credentials

MEMBER_ROLE = "OrganizationAccountAccessRole"  # what Organizations creates in every new member account
LEGACY_TRAIL = "legacy-trail"


@dataclass(frozen=True)
class Organization:
    id: str
    management_account_id: str


@dataclass(frozen=True)
class LegacyAccount:
    account_id: str
    credentials: Credentials
    trail_name: str
    bucket: str


def _client(service: str, endpoint_url: str, region: str, creds: Credentials | None = None):
    import boto3

    kw = {}
    if creds is not None:
        kw = {"aws_access_key_id": creds.access_key_id, "aws_secret_access_key": creds.secret_access_key,
              "aws_session_token": creds.session_token}
    return boto3.session.Session(region_name=region, **kw).client(service, endpoint_url=endpoint_url)


def create_organization(endpoint_url: str, region: str = "us-east-1") -> Organization:
    """The ambient credentials' account becomes the management account of a new organization."""
    orgs = _client("organizations", endpoint_url, region)
    org = orgs.create_organization(FeatureSet="ALL")["Organization"]
    # Trusted access for CloudTrail: the program refuses an organization trail without it (as AWS does).
    orgs.enable_aws_service_access(ServicePrincipal="cloudtrail.amazonaws.com")
    return Organization(org["Id"], org["MasterAccountId"])


def create_member(endpoint_url: str, name: str, email: str, region: str = "us-east-1") -> tuple[str, Credentials]:
    """A new member account and credentials in it (moto maps assumed-role credentials to the role's account)."""
    orgs = _client("organizations", endpoint_url, region)
    status = orgs.create_account(AccountName=name, Email=email)["CreateAccountStatus"]
    if status.get("State") == "FAILED" or not status.get("AccountId"):
        raise RuntimeError(f"the emulator did not create member account {name!r}: {status}.")
    account_id = status["AccountId"]
    got = _client("sts", endpoint_url, region).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{MEMBER_ROLE}", RoleSessionName="trailguard-sandbox-seed",
    )["Credentials"]
    return account_id, Credentials(got["AccessKeyId"], got["SecretAccessKey"], got["SessionToken"])


def seed_legacy(endpoint_url: str, account_id: str, creds: Credentials, region: str = "us-east-1") -> LegacyAccount:
    bucket = f"legacy-cloudtrail-{account_id}"
    s3 = _client("s3", endpoint_url, region, creds)
    s3.create_bucket(Bucket=bucket)  # no public access block: nothing stops the public policy below
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}"},
            {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account_id}/*"},
            # The classic mistake: "let the analytics tool read the logs" opened to everyone.
            {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": f"arn:aws:s3:::{bucket}/*"},
        ],
    }))
    ct = _client("cloudtrail", endpoint_url, region, creds)
    ct.create_trail(Name=LEGACY_TRAIL, S3BucketName=bucket, IsMultiRegionTrail=False,
                    EnableLogFileValidation=False, IncludeGlobalServiceEvents=True)
    ct.put_event_selectors(TrailName=LEGACY_TRAIL, EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "ExcludeManagementEventSources": ["kms.amazonaws.com"],
    }])
    # Started once, then stopped: the trail exists and looks configured, but records nothing.
    ct.start_logging(Name=LEGACY_TRAIL)
    ct.stop_logging(Name=LEGACY_TRAIL)
    return LegacyAccount(account_id, creds, LEGACY_TRAIL, bucket)
