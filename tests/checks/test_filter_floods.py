"""A filter that counts (nearly) every CloudTrail event fails: extra breadth is fine, a flood is not (review of #13).

Why a flood is not "extra breadth": CloudWatch alarm actions run when an alarm *changes state* (CloudWatch
User Guide, "Acting on alarm changes": "CloudWatch can notify users on two types of alarm changes: when an
alarm changes state, and when the configuration of an alarm gets updated"). A metric counting routine
activity (every read-only Describe call) keeps a ``Sum >= 1`` alarm in ALARM, so it notifies once and then
never again on the event the control is about. An empty filter pattern matches every log event
(CloudWatch Logs User Guide, "Filter pattern syntax for metric filters"), and CIS's audit procedure for
every 4.x/5.x monitoring item checks for the published filter, which no match-all pattern is.

The flood probes are events no published form of the spec counts (checked below against every published
text of test_filter_published_forms); CIS v1.4-3.0's unauthorized-API text ORs its exclusions and so counts
nearly everything itself, which the issue requires to pass: for that spec the probe is the one event that text
leaves out (a successful HeadBucket by delivery.logs.amazonaws.com).
"""
from __future__ import annotations

import boto3
import pytest
import test_monitoring_support as support  # tests/checks is on sys.path (conftest.py)
from moto import mock_aws
from test_filter_published_forms import PUBLISHED

from checks.cis import FILTER_SPECS, SPECS_BY_NAME, check_filter
from checks.filterpattern import matches, parse
from checks.model import Status

# Patterns that count every CloudTrail record: empty (matches all log events), and selectors every record has.
MATCH_ALL = ["", "   ", "{ $.eventVersion = * }", "{ $.eventName = * }", "{ $.awsRegion = * }",
             "{ ($.eventName = *) || ($.errorCode = \"AccessDenied*\") }"]


@pytest.mark.parametrize("pattern", MATCH_ALL, ids=repr)
@pytest.mark.parametrize("spec", FILTER_SPECS, ids=lambda s: s.name)
def test_match_all_pattern_fails_every_spec(spec, pattern):
    verdict = check_filter(spec, pattern)
    assert not verdict.ok, verdict.reason
    assert "nearly every event" in verdict.reason and "stay in ALARM" in verdict.reason, verdict.reason


@pytest.mark.parametrize("spec_name, source, text", PUBLISHED, ids=[f"{r[0]}:{r[1]}" for r in PUBLISHED])
def test_no_published_form_counts_a_flood_probe(spec_name, source, text):
    """The flood probes lie outside every published form, so the published forms keep passing."""
    node = parse(text)
    spec = SPECS_BY_NAME[spec_name]
    assert spec.floods, spec_name
    assert not [p.label for p in spec.floods if matches(node, p.event)], source
    assert check_filter(spec, text).ok


def test_provisioned_patterns_count_no_flood_probe():
    for spec in FILTER_SPECS:
        for variant in (None, *spec.variant_patterns):
            node = parse(spec.pattern_for(variant))
            assert not [p.label for p in spec.floods if matches(node, p.event)], (spec.name, variant)


def test_cloudwatch_iam_policy_changes_alarm_configured_fail_live_match_all_filter():
    """moto end to end: an empty-pattern filter with its alarm and a confirmed subscriber FAILs, naming why."""
    with mock_aws():
        session = boto3.Session(region_name=support.REGION)
        support.build(session, patterns={"IAMChanges": "", "UnauthorizedAPICalls": ""})
        iam = support.audit("cloudwatch_iam_policy_changes_alarm_configured", session)
        unauth = support.audit("cloudwatch_unauthorized_api_calls_alarm_configured", session)
    for result in (iam, unauth):
        assert result.status is Status.FAIL, result.reason
        assert "nearly every event" in result.reason, result.reason
