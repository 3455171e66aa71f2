"""An alarm that can never fire on the filter's events is no alarm (review of #13).

The metric filter publishes its ``metricValue`` for every matching event (CloudWatch Logs API,
MetricTransformation: "metricValue: The value to publish to the CloudWatch metric when a filter pattern
matches a log event"). The alarm compares the period's statistic with its threshold (PutMetricAlarm,
``ComparisonOperator``: "The arithmetic operation to use when comparing the specified Statistic and
Threshold"). With n matching events in a period the statistic is n*v (Sum), n (SampleCount) or v (Average,
Minimum, Maximum). If no n >= 1 makes the comparison true, no event the control is about ever sets the alarm
off: FAIL, naming why. Thresholds that need several events (Sum >= 5) still fire and pass: trailguard does
not judge how sensitive an alarm is, only whether it can fire at all, so CIS's own remediation
(metric value 1, Sum, GreaterThanOrEqualToThreshold 1) passes.

The reverse also fails: ``defaultValue`` is "the value to emit when a filter pattern does not match a log
event" (MetricTransformation). If that value alone meets the comparison (defaultValue 1 under Sum >= 1),
every unrelated CloudTrail record sets the alarm off, so it sits in ALARM and never tells of the control's
events (actions run on state changes). defaultValue 0, the usual choice, is fine.
"""
from __future__ import annotations

import dataclasses

import boto3
import pytest
import test_monitoring_support as support  # tests/checks is on sys.path (conftest.py)
from moto import mock_aws

from checks.cis import SPECS_BY_NAME
from checks.facts import MetricTransformation
from checks.model import Status
from test_monitoring_rules import GROUP, NS, _alarm, _facts, _judge

# (metricValue, statistic, comparison, threshold, fires)
CASES = [
    ("1", "Sum", "GreaterThanOrEqualToThreshold", 1.0, True),  # CIS remediation
    ("1", "Sum", "GreaterThanThreshold", 1.0, True),  # needs two events in a period, but can fire
    ("1", "Sum", "GreaterThanOrEqualToThreshold", 5.0, True),
    ("1", "SampleCount", "GreaterThanOrEqualToThreshold", 1.0, True),
    ("0", "SampleCount", "GreaterThanOrEqualToThreshold", 1.0, True),  # counts data points, not values
    ("1", "Maximum", "GreaterThanOrEqualToThreshold", 1.0, True),
    ("0", "Sum", "GreaterThanOrEqualToThreshold", 1.0, False),  # publishes 0: the sum never rises
    ("0", "Maximum", "GreaterThanThreshold", 0.0, False),
    ("1", "Average", "GreaterThanThreshold", 1.0, False),  # the average of 1s is 1, never above 1
    ("1", "Sum", "LessThanThreshold", 1.0, False),  # inverted: a sum of events is never below 1
    ("1", "Sum", "LessThanOrEqualToThreshold", 0.0, False),
    ("1", "Minimum", "LessThanThreshold", 2.0, True),
    ("$.requestParameters.count", "Sum", "GreaterThanOrEqualToThreshold", 1.0, True),  # a field: not judged
]


@pytest.mark.parametrize("value, statistic, operator, threshold, fires", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}-{c[3]}" for c in CASES])
def test_cloudwatch_root_usage_alarm_configured_alarm_must_be_able_to_fire(value, statistic, operator, threshold,
                                                                            fires):
    alarm = dataclasses.replace(_alarm(), statistic=statistic, comparison_operator=operator, threshold=threshold)
    facts = _facts(alarms=(alarm,))
    group = facts.log_groups[GROUP]
    group.metric_filters = (dataclasses.replace(group.metric_filters[0], transformations=(
        MetricTransformation("RootUsage", NS, value),)),)
    result = _judge(facts)
    if fires:
        assert result.status is Status.PASS, result.reason
    else:
        assert result.status is Status.FAIL and "can never fire" in result.reason, result.reason
        assert f"{statistic} {operator} {threshold:g}" in result.reason, result.reason


# (defaultValue, statistic, comparison, threshold, floods)
DEFAULTS = [
    (None, "Sum", "GreaterThanOrEqualToThreshold", 1.0, False),
    (0.0, "Sum", "GreaterThanOrEqualToThreshold", 1.0, False),  # the usual choice: a zero when nothing matches
    (1.0, "Sum", "GreaterThanOrEqualToThreshold", 1.0, True),
    (1.0, "Sum", "GreaterThanOrEqualToThreshold", 5.0, True),  # five unrelated events in a period suffice
    (0.0, "SampleCount", "GreaterThanOrEqualToThreshold", 1.0, True),  # every record is a data point
    (0.5, "Maximum", "GreaterThanOrEqualToThreshold", 1.0, False),
]


@pytest.mark.parametrize("default, statistic, operator, threshold, floods", DEFAULTS,
                         ids=[f"{c[0]}-{c[1]}-{c[3]}" for c in DEFAULTS])
def test_cloudwatch_root_usage_alarm_configured_default_value_must_not_set_the_alarm_off(default, statistic, operator,
                                                                                          threshold, floods):
    alarm = dataclasses.replace(_alarm(), statistic=statistic, comparison_operator=operator, threshold=threshold)
    facts = _facts(alarms=(alarm,))
    group = facts.log_groups[GROUP]
    group.metric_filters = (dataclasses.replace(group.metric_filters[0], transformations=(
        MetricTransformation("RootUsage", NS, "1", default_value=default),)),)
    result = _judge(facts)
    if floods:
        assert result.status is Status.FAIL and "defaultValue" in result.reason, result.reason
        assert "every other event" in result.reason, result.reason
    else:
        assert result.status is Status.PASS, result.reason


def test_cloudwatch_root_usage_alarm_configured_unknown_threshold_is_not_judged():
    """Facts without statistic/threshold (e.g. a stack whose values are unknown until deploy) keep the chain."""
    assert _judge(_facts()).status is Status.PASS


def test_cloudwatch_root_usage_alarm_configured_fail_live_alarm_that_cannot_fire():
    """moto end to end: the root filter re-published with metricValue 0 under the CIS alarm (Sum >= 1). PutMetricFilter
    replaces a filter of the same name in AWS; logs_compat makes moto do the same."""
    from sandbox import logs_compat

    with mock_aws(), logs_compat.applied():
        session = boto3.Session(region_name=support.REGION)
        support.build(session)
        spec = SPECS_BY_NAME["RootUsage"]
        session.client("logs", region_name=support.REGION).put_metric_filter(
            logGroupName=support.GROUP, filterName=spec.name, filterPattern=spec.pattern,
            metricTransformations=[{"metricName": spec.name, "metricNamespace": support.NS, "metricValue": "0"}])
        result = support.audit("cloudwatch_root_usage_alarm_configured", session)
    assert result.status is Status.FAIL and "publishes 0, so it can never fire" in result.reason, result.reason


def test_cloudwatch_root_usage_alarm_configured_fail_live_default_value_sets_alarm_off():
    """moto end to end: the root filter re-published with defaultValue 1 under the CIS alarm (Sum >= 1)."""
    from sandbox import logs_compat

    with mock_aws(), logs_compat.applied():
        session = boto3.Session(region_name=support.REGION)
        support.build(session)
        spec = SPECS_BY_NAME["RootUsage"]
        session.client("logs", region_name=support.REGION).put_metric_filter(
            logGroupName=support.GROUP, filterName=spec.name, filterPattern=spec.pattern,
            metricTransformations=[{"metricName": spec.name, "metricNamespace": support.NS, "metricValue": "1",
                                    "defaultValue": 1.0}])
        result = support.audit("cloudwatch_root_usage_alarm_configured", session)
    assert result.status is Status.FAIL and "defaultValue 1 for every other event" in result.reason, result.reason
