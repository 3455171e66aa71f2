"""Anomaly-detection alarms are read, not ERROR (review of #13).

PutMetricAlarm, ``ThresholdMetricId``: "If this is an alarm based on an anomaly detection model, make this
value match the ID of the ANOMALY_DETECTION_BAND function"; its documented example gives ``Metrics`` =
[m1: a MetricStat, ReturnData true; ad1: Expression "ANOMALY_DETECTION_BAND(m1, 2)", ReturnData true].
The band is computed from the metric named by its first argument (CloudWatch User Guide, metric math
functions: "ANOMALY_DETECTION_BAND(m1, 2)"), so such an alarm watches m1 and nothing else. It reaches no
metric outside the alarm's own queries, unlike SEARCH or a Metrics Insights SELECT.
"""
from __future__ import annotations

import dataclasses

import pytest

from checks.facts import MetricQuery
from checks.metricmath import metric_id, watched
from checks.model import Status
from test_monitoring_rules import ACCOUNT, NS, _alarm, _facts, _judge


def _anomaly(namespace=NS, name="RootUsage", band="ANOMALY_DETECTION_BAND(m1, 2)"):
    queries = (MetricQuery("m1", True, namespace, name), MetricQuery("ad1", True, expression=band))
    return dataclasses.replace(_alarm(), name="anomaly", metric_name="", namespace="", queries=queries)


@pytest.mark.parametrize("band", ["ANOMALY_DETECTION_BAND(m1, 2)", "ANOMALY_DETECTION_BAND(m1)"])
def test_anomaly_detection_alarm_watches_its_metric(band):
    assert watched(_anomaly(band=band), ACCOUNT) == frozenset({metric_id(NS, "RootUsage")})


def test_cloudwatch_root_usage_alarm_configured_fail_not_error_beside_unrelated_anomaly_alarm():
    """An anomaly alarm on EC2 CPU cannot be the alarm on the filter's metric: the missing alarm is a FAIL."""
    result = _judge(_facts(alarms=(_anomaly("AWS/EC2", "CPUUtilization"),)))
    assert result.status is Status.FAIL and "no alarm" in result.reason, result.reason


def test_cloudwatch_root_usage_alarm_configured_pass_anomaly_alarm_on_the_filter_metric():
    result = _judge(_facts(alarms=(_anomaly(),)))
    assert result.status is Status.PASS, result.reason
