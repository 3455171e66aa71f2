"""The event-selector evaluator and the controls built on it: CT-01 (management events), CT-12/13 (S3)."""
from __future__ import annotations

import pytest

from checks.facts import AdvancedSelector, ClassicSelector, DataResource, EventSelectors, FieldSelector
from checks.model import Status
from checks.rules.selectors import field_matches

CT01 = "cloudtrail_multi_region_management_events_enabled"
CT12 = "cloudtrail_s3_write_data_events_enabled"
CT13 = "cloudtrail_s3_read_data_events_enabled"


def fs(field: str, **ops) -> FieldSelector:
    return FieldSelector(field, **{k: tuple(v) for k, v in ops.items()})


def adv(*selectors: tuple[FieldSelector, ...]) -> EventSelectors:
    return EventSelectors(advanced=tuple(AdvancedSelector(f"sel{i}", s) for i, s in enumerate(selectors)))


MGMT = fs("eventCategory", equals=["Management"])
S3 = (fs("eventCategory", equals=["Data"]), fs("resources.type", equals=["AWS::S3::Object"]))
OWN_LOGS = fs("resources.ARN", not_starts_with=["arn:aws:s3:::trail-archive/", "arn:aws:s3:::trail-access-logs/"])


@pytest.mark.parametrize("selector, value, expected", [
    (fs("f", equals=["a", "b"]), "b", True),
    (fs("f", equals=["a"]), "ab", False),
    (fs("f", starts_with=["arn:aws:s3:::x/"]), "arn:aws:s3:::x/k", True),
    (fs("f", starts_with=["arn:aws:s3:::x/"]), "arn:aws:s3:::y/k", False),
    (fs("f", ends_with=[".amazonaws.com"]), "kms.amazonaws.com", True),
    (fs("f", not_equals=["kms.amazonaws.com"]), "kms.amazonaws.com", False),
    (fs("f", not_equals=["kms.amazonaws.com"]), "s3.amazonaws.com", True),
    (fs("f", not_starts_with=["arn:aws:s3:::a/", "arn:aws:s3:::b/"]), "arn:aws:s3:::b/k", False),
    (fs("f", not_ends_with=[".log"]), "x.log", False),
    (fs("f", equals=["a"], starts_with=["b"]), "bz", True),  # inclusive operators are alternatives
    (fs("f", starts_with=["arn:"], not_starts_with=["arn:aws:s3:::a/"]), "arn:aws:s3:::a/k", False),
], ids=["equals-any", "equals-exact", "startswith", "startswith-other", "endswith", "notequals-hit",
        "notequals-miss", "notstartswith-all-must-hold", "notendswith", "inclusive-or", "inclusive-and-exclusive"])
def test_field_selector_operator_semantics(selector, value, expected):
    assert field_matches(selector, value) is expected


# --- CT-01 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("selectors", [
    EventSelectors(classic=(ClassicSelector(),)),
    adv((MGMT,)),
    adv((MGMT, fs("readOnly", equals=["true"])), (MGMT, fs("readOnly", equals=["false"]))),
    EventSelectors(classic=(ClassicSelector(read_write_type="ReadOnly"), ClassicSelector(read_write_type="WriteOnly"))),
], ids=["classic-all", "advanced-no-readonly", "advanced-read-plus-write", "classic-read-plus-write"])
def test_cloudtrail_multi_region_management_events_enabled_pass_selectors(kit, selectors):
    finding = kit.one(CT01, kit.account(kit.trail(selectors=selectors)))
    assert finding.status is Status.PASS, finding.reason


def test_cloudtrail_multi_region_management_events_enabled_fail_readonly_true_logs_reads_only(kit):
    finding = kit.one(CT01, kit.account(kit.trail(selectors=adv((MGMT, fs("readOnly", equals=["true"]))))))
    assert finding.status is Status.FAIL
    assert "only read management events" in finding.reason


def test_cloudtrail_multi_region_management_events_enabled_fail_exclude_management_event_sources(kit):
    selectors = EventSelectors(classic=(ClassicSelector(exclude_management_event_sources=("kms.amazonaws.com",)),))
    finding = kit.one(CT01, kit.account(kit.trail(selectors=selectors)))
    assert finding.status is Status.FAIL
    assert "kms.amazonaws.com" in finding.reason


def test_cloudtrail_multi_region_management_events_enabled_fail_advanced_event_source_exclusion(kit):
    selectors = adv((MGMT, fs("eventSource", not_equals=["rdsdata.amazonaws.com"])))
    finding = kit.one(CT01, kit.account(kit.trail(selectors=selectors)))
    assert finding.status is Status.FAIL
    assert "eventSource" in finding.reason


def test_cloudtrail_multi_region_management_events_enabled_fail_single_region(kit):
    finding = kit.one(CT01, kit.account(kit.trail(is_multi_region=False)))
    assert finding.status is Status.FAIL
    assert "not multi-region" in finding.reason


def test_cloudtrail_multi_region_management_events_enabled_fail_not_logging(kit):
    from checks.facts import TrailStatus

    finding = kit.one(CT01, kit.account(kit.trail(status=TrailStatus(is_logging=False))))
    assert finding.status is Status.FAIL
    assert "not logging" in finding.reason


def test_cloudtrail_multi_region_management_events_enabled_pass_org_trail_seen_from_member(kit):
    finding = kit.one(CT01, kit.account(kit.trail(owner=kit.OTHER)))
    assert finding.status is Status.PASS
    assert kit.OTHER in finding.reason


def test_cloudtrail_multi_region_management_events_enabled_error_selectors_unknown(kit):
    trail = kit.trail(selectors=None, errors={"selectors": "cloudtrail:GetEventSelectors failed for trail "
                                                           "org-trail: AccessDenied."})
    finding = kit.one(CT01, kit.account(trail))
    assert finding.status is Status.ERROR
    assert finding.reason == "cloudtrail:GetEventSelectors failed for trail org-trail: AccessDenied."


def test_cloudtrail_multi_region_management_events_enabled_error_org_trail_selectors_unreadable_from_member(kit):
    """Whether the organization trail covers this member is unknown: ERROR, not "assessed elsewhere"."""
    finding = kit.one(CT01, kit.account(kit.trail(owner=kit.OTHER, selectors=None)))
    assert finding.status is Status.ERROR
    assert "cloudtrail:GetEventSelectors" in finding.reason


# --- CT-12 / CT-13 ----------------------------------------------------------------------------------


def test_cloudtrail_s3_write_data_events_enabled_pass_classic_all_buckets(kit):
    assert kit.one(CT12, kit.account()).status is Status.PASS


def test_cloudtrail_s3_write_data_events_enabled_fail_excluding_own_log_buckets(kit):
    # CIS 3.8 / Config cloudtrail-all-write-s3-data-event-check: "all current and future buckets"
    finding = kit.one(CT12, kit.account(kit.trail(selectors=adv((MGMT,), (*S3, OWN_LOGS)))))
    assert finding.status is Status.FAIL
    assert "leaves out the trail's own log bucket(s) trail-access-logs, trail-archive" in finding.reason


@pytest.mark.parametrize("arn_condition", [
    fs("resources.ARN", starts_with=["arn:aws:s3:::payments/"]),
    fs("resources.ARN", not_starts_with=["arn:aws:s3:::payments/"]),
    fs("resources.ARN", not_starts_with=["arn:aws:s3:::trail-archive"]),  # no slash: trail-archive-x too
], ids=["startswith-one-bucket", "excludes-other-bucket", "prefix-without-slash"])
def test_cloudtrail_s3_write_data_events_enabled_fail_arn_narrowing(kit, arn_condition):
    finding = kit.one(CT12, kit.account(kit.trail(selectors=adv((*S3, arn_condition)))))
    assert finding.status is Status.FAIL
    assert "resources.ARN" in finding.reason


def test_cloudtrail_s3_write_data_events_enabled_fail_readonly_true_selector(kit):
    finding = kit.one(CT12, kit.account(kit.trail(selectors=adv((*S3, fs("readOnly", equals=["true"]))))))
    assert finding.status is Status.FAIL
    assert "records only reads" in finding.reason


def test_cloudtrail_s3_write_data_events_enabled_fail_event_name_narrowing(kit):
    finding = kit.one(CT12, kit.account(kit.trail(selectors=adv((*S3, fs("eventName", equals=["PutObject"]))))))
    assert finding.status is Status.FAIL
    assert "eventName" in finding.reason


def test_cloudtrail_s3_write_data_events_enabled_fail_stopped_trail(kit):
    from checks.facts import TrailStatus

    finding = kit.one(CT12, kit.account(kit.trail(status=TrailStatus(is_logging=False))))
    assert finding.status is Status.FAIL


def test_cloudtrail_s3_write_data_events_enabled_error_status_unknown(kit):
    trail = kit.trail(status=None, errors={"status": "cloudtrail:GetTrailStatus failed for trail org-trail: "
                                                     "ThrottlingException."})
    finding = kit.one(CT12, kit.account(trail))
    assert finding.status is Status.ERROR
    assert "cloudtrail:GetTrailStatus" in finding.reason


def test_cloudtrail_s3_read_data_events_enabled_pass_advanced_readonly_true(kit):
    finding = kit.one(CT13, kit.account(kit.trail(selectors=adv((*S3, fs("readOnly", equals=["true"]))))))
    assert finding.status is Status.PASS


def test_cloudtrail_s3_read_data_events_enabled_fail_advanced_readonly_false(kit):
    finding = kit.one(CT13, kit.account(kit.trail(selectors=adv((*S3, fs("readOnly", equals=["false"]))))))
    assert finding.status is Status.FAIL
    assert "records only writes" in finding.reason


def test_cloudtrail_s3_read_data_events_enabled_fail_classic_write_only(kit):
    selectors = EventSelectors(classic=(ClassicSelector(read_write_type="WriteOnly", data_resources=(
        DataResource("AWS::S3::Object", ("arn:aws:s3:::",)),)),))
    assert kit.one(CT13, kit.account(kit.trail(selectors=selectors))).status is Status.FAIL


def test_cloudtrail_s3_read_data_events_enabled_fail_classic_one_bucket(kit):
    selectors = EventSelectors(classic=(ClassicSelector(data_resources=(
        DataResource("AWS::S3::Object", ("arn:aws:s3:::payments/",)),)),))
    assert kit.one(CT13, kit.account(kit.trail(selectors=selectors))).status is Status.FAIL
