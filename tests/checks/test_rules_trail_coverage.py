"""Account- and region-level coverage: CT-02 (every enabled region), CT-14 (one security trail), CT-15."""
from __future__ import annotations

from checks.facts import TrailStatus
from checks.model import Status

CT02 = "cloudtrail_all_regions_covered"
CT14 = "cloudtrail_security_trail_enabled"
CT15 = "cloudtrail_insights_enabled"


def by_region(findings):
    return {f.region: f for f in findings}


def test_cloudtrail_all_regions_covered_pass_multi_region_trail_homed_elsewhere(kit):
    trail = kit.trail(region="eu-west-1")
    found = by_region(kit.run(CT02, kit.account(trail, enabled_regions=("us-east-1", "eu-west-1"))))
    assert found["us-east-1"].status is Status.PASS
    assert trail.arn in found["us-east-1"].reason


def test_cloudtrail_all_regions_covered_pass_org_trail_owned_by_management_account(kit):
    findings = kit.run(CT02, kit.account(kit.trail(owner=kit.OTHER)))
    assert [f.status for f in findings] == [Status.PASS, Status.PASS]


def test_cloudtrail_all_regions_covered_fail_region_without_trail(kit):
    trail = kit.trail(is_multi_region=False, region="us-east-1")
    found = by_region(kit.run(CT02, kit.account(trail, enabled_regions=("us-east-1", "eu-west-1"))))
    assert found["us-east-1"].status is Status.PASS
    assert found["eu-west-1"].status is Status.FAIL
    assert found["eu-west-1"].reason == f"No trail in account {kit.ACCOUNT} covers region eu-west-1."


def test_cloudtrail_all_regions_covered_fail_trail_not_logging_covers_nothing(kit):
    findings = kit.run(CT02, kit.account(kit.trail(status=TrailStatus(is_logging=False))))
    assert {f.status for f in findings} == {Status.FAIL}
    assert "not logging (org-trail)" in findings[0].reason


def test_cloudtrail_all_regions_covered_pass_one_finding_per_enabled_region_only(kit):
    regions = ("us-east-1", "eu-west-1", "ap-south-1")
    findings = kit.run(CT02, kit.account(enabled_regions=regions))
    assert sorted(f.region for f in findings) == sorted(regions)  # opt-in regions not enabled: not reported


def test_cloudtrail_all_regions_covered_error_regions_unknown(kit):
    account = kit.account(enabled_regions=None,
                          errors={"regions": "ec2:DescribeRegions failed for account 123456789012: AccessDenied."})
    finding = kit.one(CT02, account)
    assert finding.status is Status.ERROR
    assert "ec2:DescribeRegions" in finding.reason


def test_cloudtrail_all_regions_covered_error_status_unknown(kit):
    trail = kit.trail(status=None, errors={"status": "cloudtrail:GetTrailStatus failed for trail org-trail: X."})
    findings = kit.run(CT02, kit.account(trail))
    assert {f.status for f in findings} == {Status.ERROR}
    assert "cloudtrail:GetTrailStatus" in findings[0].reason


def test_cloudtrail_security_trail_enabled_pass_one_trail_meets_all(kit):
    assert kit.one(CT14, kit.account()).status is Status.PASS


def test_cloudtrail_security_trail_enabled_fail_requirements_split_across_trails(kit):
    # one trail has everything but KMS, the other everything but validation: no single trail qualifies
    a = kit.trail("a", kms_key_id="")
    b = kit.trail("b", log_file_validation_enabled=False)
    finding = kit.one(CT14, kit.account(a, b))
    assert finding.status is Status.FAIL


def test_cloudtrail_security_trail_enabled_fail_no_global_service_events(kit):
    finding = kit.one(CT14, kit.account(kit.trail(include_global_service_events=False)))
    assert finding.status is Status.FAIL
    assert "global service events" in finding.reason


def test_cloudtrail_security_trail_enabled_error_describe_unknown(kit):
    trail = kit.trail(log_file_validation_enabled=None,
                      errors={"log_file_validation_enabled": "cloudtrail:DescribeTrails failed: AccessDenied."})
    finding = kit.one(CT14, kit.account(trail))
    assert finding.status is Status.ERROR
    assert "cloudtrail:DescribeTrails" in finding.reason


def test_cloudtrail_insights_enabled_pass_logging_trail_with_insights(kit):
    finding = kit.one(CT15, kit.account())
    assert finding.status is Status.PASS
    assert "ApiCallRateInsight" in finding.reason


def test_cloudtrail_insights_enabled_fail_no_insight_selector(kit):
    assert kit.one(CT15, kit.account(kit.trail(insight_types=()))).status is Status.FAIL


def test_cloudtrail_insights_enabled_fail_insights_only_on_stopped_trail(kit):
    trail = kit.trail(status=TrailStatus(is_logging=False))
    assert kit.one(CT15, kit.account(trail)).status is Status.FAIL


def test_cloudtrail_insights_enabled_error_insight_selectors_unknown(kit):
    trail = kit.trail(insight_types=None, errors={
        "insight_types": "cloudtrail:GetInsightSelectors failed for trail org-trail: UnsupportedOperationException."})
    finding = kit.one(CT15, kit.account(trail))
    assert finding.status is Status.ERROR
    assert "UnsupportedOperationException" in finding.reason
