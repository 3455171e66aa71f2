"""moto fixtures for the checks tests: an account with a hardened trail built piece by piece.

``aws`` starts moto (in process) and bridges one emulator gap: moto's ListTrails answers only the trails
visible from the calling region (its own plus multi-region ones), while AWS documents that ListTrails
returns every trail of the account with its HomeRegion. The patch makes moto answer like AWS, so the
product code is written against AWS's behaviour, not the emulator's.

``world`` builds state: ``world.bucket(...)`` and ``world.trail(...)`` default to the secure setting of
every control, so a FAIL scenario flips exactly one argument; ``world.run(*control_ids)`` collects with
those controls selected and evaluates them.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

HERE = str(Path(__file__).resolve().parent)  # for `import test_monitoring_support` under --import-mode=importlib
if HERE not in sys.path:
    sys.path.insert(0, HERE)

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"


def _every_trail_of_the_account(self):
    from moto.cloudtrail.models import cloudtrail_backends

    return [t for backend in cloudtrail_backends[self.account_id].values() for t in backend.trails.values()]


@pytest.fixture
def aws(monkeypatch):
    from moto.cloudtrail.models import CloudTrailBackend

    monkeypatch.setattr(CloudTrailBackend, "list_trails", _every_trail_of_the_account)
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def bucket_policy_for_cloudtrail(name: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{name}"},
        {"Sid": "Write", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{name}/AWSLogs/*",
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    ]}


class World:
    def __init__(self, session: boto3.Session) -> None:
        self.session = session
        self.account = ACCOUNT

    def client(self, service: str, region: str = REGION):
        return self.session.client(service, region_name=region)

    def account_block_public_access(self, on: bool = True) -> None:
        self.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={
            k: on for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")})

    def bucket(self, name: str, *, region: str = REGION, block_public: bool = True, object_lock: bool = True,
               access_logs_to: str | None = "trail-access-logs", acl: str | None = None,
               policy: dict | None = None) -> str:
        s3 = self.client("s3", region)
        kw = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=object_lock, **kw)
        if block_public:
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
                k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")})
        if object_lock:
            s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}}})
        if access_logs_to:
            if access_logs_to not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
                s3.create_bucket(Bucket=access_logs_to, **kw)
                s3.put_bucket_policy(Bucket=access_logs_to, Policy=json.dumps({"Statement": [{
                    "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{access_logs_to}/*"}]}))
            s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": access_logs_to, "TargetPrefix": f"{name}/"}})
        if acl:
            s3.put_bucket_acl(Bucket=name, ACL=acl)
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy or bucket_policy_for_cloudtrail(name)))
        return name

    def trail(self, name: str = "org-trail", bucket: str = "trail-archive", *, region: str = REGION,
              multi_region: bool = True, logging: bool = True, validation: bool = True, kms: bool = True,
              global_events: bool = True, cloudwatch: bool = True, sns: bool = True, insights: bool = True,
              tags: dict | None = None, classic: list | None = None, advanced: list | None = None) -> str:
        ct = self.client("cloudtrail", region)
        kw: dict = {"S3BucketName": bucket, "IsMultiRegionTrail": multi_region,
                    "EnableLogFileValidation": validation, "IncludeGlobalServiceEvents": global_events,
                    "TagsList": [{"Key": k, "Value": v}
                                 for k, v in ({"owner": "secops"} if tags is None else tags).items()]}
        if kms:
            kw["KmsKeyId"] = self.client("kms", region).create_key(Description=name)["KeyMetadata"]["Arn"]
        if cloudwatch:
            logs = self.client("logs", region)
            logs.create_log_group(logGroupName=f"{name}-logs")
            kw["CloudWatchLogsLogGroupArn"] = f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}-logs:*"
            kw["CloudWatchLogsRoleArn"] = f"arn:aws:iam::{ACCOUNT}:role/{name}-cloudwatch"
        if sns:
            self.client("sns", region).create_topic(Name=f"{name}-delivery")
            kw["SnsTopicName"] = f"{name}-delivery"
        arn = ct.create_trail(Name=name, **kw)["TrailARN"]
        if advanced is not None:
            ct.put_event_selectors(TrailName=name, AdvancedEventSelectors=advanced)
        elif classic is not None:
            ct.put_event_selectors(TrailName=name, EventSelectors=classic)
        else:
            ct.put_event_selectors(TrailName=name, EventSelectors=[
                {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [
                    {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
        if insights:
            ct.put_insight_selectors(TrailName=name, InsightSelectors=[{"InsightType": "ApiCallRateInsight"}])
        if logging:
            ct.start_logging(Name=name)
        return arn

    def hardened(self, **trail_kw) -> str:
        """The secure baseline: a public-access-blocked, locked, access-logged bucket and a full trail."""
        self.account_block_public_access()
        self.bucket(trail_kw.get("bucket", "trail-archive"))
        return self.trail(**trail_kw)

    def deny(self, service_id: str, operation: str, code: str = "AccessDenied") -> None:
        deny(self.session, service_id, operation, code)

    def answer(self, service_id: str, operation: str, parsed: dict) -> None:
        answer_with(self.session, service_id, operation, parsed)

    def run(self, *control_ids: str, session: boto3.Session | None = None, **collect_kw):
        """collect_account + evaluate with the given controls selected; returns (facts, findings)."""
        from checks.catalog import get
        from checks.collect import collect_account
        from checks.engine import evaluate

        controls = [get(c) for c in control_ids]
        facts = collect_account(session or self.session, account_id=ACCOUNT, controls=controls, **collect_kw)
        return facts, evaluate(facts, controls)


def answer_with(session: boto3.Session, service_id: str, operation: str, parsed: dict, status: int = 200) -> None:
    """Answer one operation from every client the session makes later, instead of the emulator.

    For what moto lacks or to inject a failure: a status >= 300 with {"Error": {...}} becomes the
    ClientError a real service would raise (botocore raises it from the parsed answer).
    """
    from botocore.awsrequest import AWSResponse

    def handler(**_):
        body = dict(parsed, ResponseMetadata={"HTTPStatusCode": status})
        return AWSResponse("https://emulated.invalid/", status, {}, None), body

    session.events.register(f"before-call.{service_id}.{operation}", handler)


def deny(session: boto3.Session, service_id: str, operation: str, code: str = "AccessDenied") -> None:
    answer_with(session, service_id, operation, {"Error": {"Code": code, "Message": "injected"}}, 403)


@pytest.fixture
def world(aws) -> World:
    return World(aws)


# --- facts builders for the rule tests (no AWS) -----------------------------------------------------


class FactsKit:
    """Secure-by-default facts: each rule test changes one field and asserts the status and reason."""

    ACCOUNT = ACCOUNT
    OTHER = "999988887777"
    BUCKET = "trail-archive"
    ACCESS_LOGS = "trail-access-logs"

    @staticmethod
    def trail(name: str = "org-trail", *, owner: str = ACCOUNT, region: str = REGION, **over):
        import datetime as dt

        from checks.facts import ClassicSelector, DataResource, EventSelectors, TrailFacts, TrailStatus

        recent = dt.datetime(2026, 1, 1, 11, 0, tzinfo=dt.timezone.utc)
        values = dict(
            arn=f"arn:aws:cloudtrail:{region}:{owner}:trail/{name}", name=name, home_region=region,
            owner_account_id=owner, is_multi_region=True, is_organization=True, include_global_service_events=True,
            log_file_validation_enabled=True, kms_key_id=f"arn:aws:kms:{region}:{owner}:key/k1",
            s3_bucket_name=FactsKit.BUCKET, s3_key_prefix="", sns_topic_arn=f"arn:aws:sns:{region}:{owner}:t",
            cloudwatch_logs_log_group_arn=f"arn:aws:logs:{region}:{owner}:log-group:g:*",
            cloudwatch_logs_role_arn=f"arn:aws:iam::{owner}:role/r",
            status=TrailStatus(is_logging=True, latest_delivery_time=recent, latest_digest_delivery_time=recent,
                               latest_cloudwatch_logs_delivery_time=recent),
            selectors=EventSelectors(classic=(ClassicSelector(data_resources=(
                DataResource("AWS::S3::Object", ("arn:aws:s3",)),)),)),
            insight_types=("ApiCallRateInsight",), tags={"owner": "secops"},
        )
        values.update(over)
        return TrailFacts(**values)

    @staticmethod
    def bucket(name: str = BUCKET, **over):
        from checks.facts import BucketFacts, PublicAccessBlock

        values = dict(
            name=name, owner_account_id=ACCOUNT, region=REGION,
            public_access_block=PublicAccessBlock(True, True, True, True), policy_is_public=False,
            acl_grants=(), policy={}, logging_target_bucket=FactsKit.ACCESS_LOGS, versioning_status="Enabled",
            mfa_delete="Disabled", object_lock_enabled=True, object_lock_mode="COMPLIANCE", object_lock_days=365,
        )
        values.update(over)
        return BucketFacts(**values)

    @staticmethod
    def account(*trails, buckets=None, **over):
        import datetime as dt

        from checks.facts import AccountFacts, PublicAccessBlock

        buckets = [FactsKit.bucket()] if buckets is None else buckets
        values = dict(
            account_id=ACCOUNT, enabled_regions=(REGION, "eu-west-1"),
            trails=list(trails) if trails else [FactsKit.trail()], buckets={b.name: b for b in buckets},
            account_public_access_block=PublicAccessBlock(),
            collected_at=dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.timezone.utc),
        )
        values.update(over)
        return AccountFacts(**values)

    @staticmethod
    def run(control_id: str, account, params=None):
        from checks.catalog import get
        from checks.engine import evaluate

        return evaluate(account, [get(control_id)], params)

    @staticmethod
    def one(control_id: str, account, params=None):
        """The single finding of a control; fails the test when there is not exactly one."""
        found = FactsKit.run(control_id, account, params)
        assert len(found) == 1, [f.reason for f in found]
        return found[0]


@pytest.fixture
def kit() -> type[FactsKit]:
    return FactsKit
