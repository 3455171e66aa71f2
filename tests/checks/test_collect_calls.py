"""What collect_account calls: read-only APIs only, a count independent of the enabled regions, failures
that error only the dependent controls, and an organization trail seen from a member (Stubber)."""
from __future__ import annotations

import datetime as dt

import boto3
from botocore.stub import Stubber

from checks.catalog import all_controls
from checks.model import Status

TRAIL_IDS = [c.id for c in all_controls() if c.family == "trail"]
READ_ONLY = ("Describe", "Get", "List", "Lookup")


def record_calls(session) -> list[str]:
    calls: list[str] = []
    # before-parameter-build fires for every call, even those a test answers in before-call
    session.events.register("before-parameter-build",
                            lambda model, **_: calls.append(f"{model.service_model.service_name}:{model.name}"))
    return calls


def regions_answer(names, extra=()):
    return {"Regions": [{"RegionName": n, "OptInStatus": "opt-in-not-required"} for n in names] + list(extra)}


def test_collect_account_makes_read_only_calls_only(world):
    world.hardened()
    calls = record_calls(world.session)
    world.run(*[c.id for c in all_controls() if "live" in c.targets])  # every family: monitoring's collector runs too
    assert calls
    bad = [c for c in calls if not c.split(":")[1].startswith(READ_ONLY)
           and c not in ("sts:GetCallerIdentity", "sts:AssumeRole")]
    assert bad == []


def test_collect_account_call_count_does_not_grow_with_enabled_regions(world):
    world.hardened()
    counts = []
    for n in (4, 17):
        session = boto3.Session(region_name="us-east-1")
        calls = record_calls(session)
        region_names = [f"xx-test-{i}" for i in range(n - 1)] + ["us-east-1"]
        session.events.register("before-call.ec2.DescribeRegions", lambda **_: _regions_response(region_names))
        _, findings = world.run(*TRAIL_IDS, session=session)
        assert len([f for f in findings if f.control_id == "cloudtrail_all_regions_covered"]) == n
        counts.append(len(calls))
    assert counts[0] == counts[1]


def _error_answer(status, code):
    from botocore.awsrequest import AWSResponse

    body = {"Error": {"Code": code, "Message": "injected"}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return AWSResponse("https://emulated.invalid/", status, {}, None), body


def _regions_response(names):
    from botocore.awsrequest import AWSResponse

    body = dict(regions_answer(names), ResponseMetadata={"HTTPStatusCode": 200})
    return AWSResponse("https://emulated.invalid/", 200, {}, None), body


def test_cloudtrail_all_regions_covered_pass_live_opt_in_region_not_enabled_is_not_reported(world):
    world.hardened()
    world.answer("ec2", "DescribeRegions", regions_answer(
        ["us-east-1", "eu-west-1"], extra=[{"RegionName": "me-south-1", "OptInStatus": "not-opted-in"}]))
    _, findings = world.run("cloudtrail_all_regions_covered")
    assert [(f.region, f.status) for f in findings] == [("eu-west-1", Status.PASS), ("us-east-1", Status.PASS)]


def test_cloudtrail_all_regions_covered_error_live_describe_regions_denied(world):
    world.hardened()
    world.deny("ec2", "DescribeRegions", "UnauthorizedOperation")
    _, findings = world.run("cloudtrail_all_regions_covered", "cloudtrail_log_file_validation_enabled")
    got = {f.control_id: (f.status, f.reason) for f in findings}
    assert got["cloudtrail_all_regions_covered"] == (
        Status.ERROR, "ec2:DescribeRegions failed for account 123456789012: UnauthorizedOperation.")
    assert got["cloudtrail_log_file_validation_enabled"][0] is Status.PASS


def test_cloudtrail_multi_region_management_events_enabled_error_live_selectors_denied(world):
    world.hardened()
    world.deny("cloudtrail", "GetEventSelectors")
    _, findings = world.run(*TRAIL_IDS)
    errored = {f.control_id for f in findings if f.status is Status.ERROR}
    assert errored == {"cloudtrail_multi_region_management_events_enabled", "cloudtrail_s3_write_data_events_enabled",
                       "cloudtrail_s3_read_data_events_enabled", "cloudtrail_security_trail_enabled"}
    reason = next(f.reason for f in findings if f.control_id == "cloudtrail_security_trail_enabled")
    assert reason == "cloudtrail:GetEventSelectors failed for trail org-trail: AccessDenied."


def test_cloudtrail_log_file_validation_enabled_error_live_list_trails_denied(world):
    world.hardened()
    world.deny("cloudtrail", "ListTrails")
    facts, findings = world.run(*TRAIL_IDS)
    assert facts.trails is None
    assert len(findings) == len(TRAIL_IDS)
    assert {f.reason for f in findings} == {"cloudtrail:ListTrails failed for account 123456789012: AccessDenied."}


# --- organization trail seen from a member account (moto has no org-trail shadows: Stubber) ----------

MGMT = "111122223333"
ORG_ARN = f"arn:aws:cloudtrail:us-east-1:{MGMT}:trail/org-trail"


class MemberSession:
    """The member account: moto for every service except CloudTrail, which answers from a Stubber."""

    def __init__(self, cloudtrail) -> None:
        self._real = boto3.Session(region_name="us-east-1")
        self._cloudtrail = cloudtrail
        self.region_name = "us-east-1"
        self.events = self._real.events

    def client(self, service, region_name=None, config=None):
        if service == "cloudtrail":
            return self._cloudtrail
        return self._real.client(service, region_name=region_name, config=config)

    def get_partition_for_region(self, region):
        return self._real.get_partition_for_region(region)


def org_trail_stubber() -> Stubber:
    client = boto3.client("cloudtrail", region_name="us-east-1")
    stub = Stubber(client)
    stub.add_response("list_trails", {"Trails": [{"TrailARN": ORG_ARN, "Name": "org-trail",
                                                  "HomeRegion": "us-east-1"}]})
    stub.add_response("describe_trails", {"trailList": [{
        "Name": "org-trail", "TrailARN": ORG_ARN, "HomeRegion": "us-east-1", "IsOrganizationTrail": True,
        "IsMultiRegionTrail": True, "IncludeGlobalServiceEvents": True, "LogFileValidationEnabled": True,
        "S3BucketName": "org-archive", "KmsKeyId": f"arn:aws:kms:us-east-1:{MGMT}:key/k1"}]},
        {"trailNameList": [ORG_ARN], "includeShadowTrails": True})
    stub.add_response("get_trail_status", {"IsLogging": True, "LatestDeliveryTime": dt.datetime.now(dt.timezone.utc)},
                      {"Name": ORG_ARN})
    stub.add_response("get_event_selectors", {"TrailARN": ORG_ARN, "EventSelectors": [
        {"ReadWriteType": "All", "IncludeManagementEvents": True}]}, {"TrailName": ORG_ARN})
    stub.add_client_error("get_insight_selectors", "InsightNotEnabledException", expected_params={"TrailName": ORG_ARN})
    return stub


def test_cloudtrail_log_file_validation_enabled_na_live_org_trail_from_member_account(aws):
    from checks.catalog import get
    from checks.collect import collect_account
    from checks.engine import evaluate

    stub = org_trail_stubber()
    member = MemberSession(stub.client)
    # S3 answers another account's bucket with AccessDenied: it exists, it is not ours
    member.events.register("before-call.s3.GetBucketLocation", lambda **_: _error_answer(403, "AccessDenied"))
    with stub:
        facts = collect_account(member, account_id="123456789012", controls=[get(c) for c in TRAIL_IDS])
    stub.assert_no_pending_responses()  # exactly these calls, by ARN; no ListTags on another account's trail
    got = {}
    for f in evaluate(facts, [get(c) for c in TRAIL_IDS]):
        got.setdefault(f.control_id, set()).add(f.status)
    assert got["cloudtrail_multi_region_management_events_enabled"] == {Status.PASS}
    assert got["cloudtrail_all_regions_covered"] == {Status.PASS}
    for control_id in ("cloudtrail_log_file_validation_enabled", "cloudtrail_trail_tagged",
                       "cloudtrail_bucket_not_public", "cloudtrail_delivery_healthy"):
        assert got[control_id] == {Status.NOT_APPLICABLE}, control_id
    # not in our s3:ListBuckets and existing: another account's (an --org run names it; org_owners.py)
    assert facts.buckets["org-archive"].owned_elsewhere and facts.buckets["org-archive"].owner_account_id is None
