"""CM alarms judged by the metric they really watch: namespace, name AND dimensions; metric-math alarms; a
deleted SNS topic notifies nobody (FAIL, not ERROR).

AWS facts the expectations come from:
- CloudWatch User Guide, "Dimensions": "CloudWatch treats each unique combination of dimensions as a
  separate metric ... you can't retrieve statistics using combinations of dimensions that you did not
  specifically publish." A filter without dimensions feeds NS/Name with none; an alarm naming a dimension
  watches another metric and never fires.
- PutMetricAlarm, ``Metrics``: "One item in the Metrics array is the expression that the alarm watches.
  You designate this expression by setting ReturnData to true for this object."
- SNS ListSubscriptionsByTopic errors: NotFoundException (code NotFound) "Indicates that the requested
  resource does not exist."
"""
from __future__ import annotations

import dataclasses

import boto3
import pytest
import test_monitoring_support as support  # tests/checks is on sys.path (conftest.py)
from moto import mock_aws

from checks.cis import SPECS_BY_NAME
from checks.facts import Alarm, MetricFilter, MetricQuery, MetricTransformation
from checks.metricmath import metric_id, watched
from checks.model import Status
from test_monitoring_rules import ACCOUNT, GROUP, NS, REGION, TOPIC, _alarm, _facts, _judge

KMS = "cloudwatch_kms_key_disable_or_deletion_alarm_configured"


def _stat(qid, name="RootUsage", dims=(), ret=False, namespace=NS, account=""):
    return MetricQuery(qid, ret, namespace, name, tuple(sorted(dims)), account_id=account)


def _expr(qid, text, ret=True):
    return MetricQuery(qid, ret, expression=text)


def _math(*queries, name="math"):
    return dataclasses.replace(_alarm(), name=name, metric_name="", namespace="", queries=queries)


# --- item 1: full metric identity ---------------------------------------------------------------------

@pytest.mark.parametrize("alarm_dims, filter_dims, status, reason", [
    ((), (), Status.PASS, "confirmed"),
    ((("Env", "prod"),), (), Status.FAIL, "watches CISBenchmark/RootUsage [Env=prod], but the filter publishes "
                                          "CISBenchmark/RootUsage (no dimensions)"),
    ((), (("User", "$.userIdentity.type"),), Status.FAIL, "never fires"),
    ((("User", "Root"),), (("User", "$.userIdentity.type"),), Status.PASS, "confirmed"),
    ((("User", "IAMUser"),), (("User", "$.userIdentity.type"),), Status.FAIL, "[User=Root]"),
    ((("Type", "Root"),), (("User", "$.userIdentity.type"),), Status.FAIL, "never fires"),
])
def test_cloudwatch_root_usage_alarm_configured_alarm_matches_namespace_name_and_dimensions(
        alarm_dims, filter_dims, status, reason):
    facts = _facts(alarms=(dataclasses.replace(_alarm(), dimensions=alarm_dims),))
    group = facts.log_groups[GROUP]
    flt = group.metric_filters[0]
    group.metric_filters = (dataclasses.replace(flt, transformations=(
        MetricTransformation("RootUsage", NS, "1", filter_dims),)),)
    result = _judge(facts)
    assert result.status is status and reason in result.reason, result.reason


def _kms_facts(alarms):
    spec = SPECS_BY_NAME["DisableOrDeleteCMK"]
    facts = _facts(alarms=alarms)
    facts.log_groups[GROUP].metric_filters = (MetricFilter("kms", "trail-logs", spec.pattern, (
        MetricTransformation("DisableOrDeleteCMK", NS, "1", (("EventName", "$.eventName"),)),)),)
    return facts


def test_cloudwatch_kms_key_disable_or_deletion_alarm_configured_fail_alarm_sees_one_dimension_value():
    one = dataclasses.replace(_alarm("DisableOrDeleteCMK"), dimensions=(("EventName", "DisableKey"),))
    result = _judge(_kms_facts((one,)), KMS)
    assert result.status is Status.FAIL
    assert "kms:ScheduleKeyDeletion is published under CISBenchmark/DisableOrDeleteCMK [EventName=ScheduleKey" \
           "Deletion]" in result.reason


def test_cloudwatch_kms_key_disable_or_deletion_alarm_configured_pass_math_sums_every_dimension_value():
    stats = [_stat(f"m{i}", "DisableOrDeleteCMK", [("EventName", n)]) for i, n in
             enumerate(("DisableKey", "ScheduleKeyDeletion"))]
    alarm = _math(*stats, _expr("total", "m0 + m1"))
    assert _judge(_kms_facts((alarm,)), KMS).status is Status.PASS


def test_cloudwatch_kms_key_disable_or_deletion_alarm_configured_pass_one_alarm_per_dimension_value():
    one, two = (dataclasses.replace(_alarm("DisableOrDeleteCMK"), name=f"cmk-{n}", dimensions=(("EventName", n),))
                for n in ("DisableKey", "ScheduleKeyDeletion"))
    result = _judge(_kms_facts((one, two)), KMS)
    assert result.status is Status.PASS and "alarms cmk-DisableKey, cmk-ScheduleKeyDeletion together" in result.reason


def test_cloudwatch_kms_key_disable_or_deletion_alarm_configured_fail_second_alarm_notifies_nobody():
    one, two = (dataclasses.replace(_alarm("DisableOrDeleteCMK"), name=f"cmk-{n}", dimensions=(("EventName", n),),
                                    actions_enabled=n == "DisableKey")
                for n in ("DisableKey", "ScheduleKeyDeletion"))
    assert _judge(_kms_facts((one, two)), KMS).status is Status.FAIL


# --- item 2: metric-math alarms -------------------------------------------------------------------------

ROOT = metric_id(NS, "RootUsage")
OTHER = metric_id(NS, "Other")


@pytest.mark.parametrize("queries, expected", [
    ((_stat("m1", ret=True),), {ROOT}),  # a single MetricStat returning data
    ((_stat("m1"), _expr("e1", "m1 * 2")), {ROOT}),
    ((_stat("m1"), _stat("m2", "Other"), _expr("e1", "SUM(METRICS())")), {ROOT, OTHER}),
    ((_stat("m1"), _stat("m2", "Other"), _expr("e1", "FILL(m2, 0)")), {OTHER}),  # m1 unused
    ((_stat("m1"), _expr("e1", "m1 / 1e3", ret=False), _expr("e2", "IF(e1 > 0, e1, 0)")), {ROOT}),
    ((_stat("m1", account="999988887777"), _expr("e1", "m1")), set()),  # another account's metric
    ((_stat("ab1"), _stat("cd1", "Other"), _expr("e", 'SUM(METRICS("ab"))')), {ROOT}),
])
def test_metric_math_alarm_watches_what_its_returned_value_depends_on(queries, expected):
    assert watched(_math(*queries), ACCOUNT) == frozenset(expected)


@pytest.mark.parametrize("queries, reason", [
    ((_expr("q", "SELECT SUM(RootUsage) FROM CISBenchmark"),), "Metrics Insights query"),
    ((_expr("q", "SEARCH('{CISBenchmark} RootUsage', 'Sum', 300)"),), "uses SEARCH"),
    ((_stat("m1"), _expr("e1", "m1 + m9")), "names 'm9', which is no query"),
    ((_expr("e1", "e1 + 1"),), "refers to itself"),
])
def test_metric_math_alarm_we_cannot_read_says_why(queries, reason):
    assert reason in watched(_math(*queries))


@pytest.mark.parametrize("queries, status", [
    ((_stat("m1", ret=True),), Status.PASS),
    ((_stat("m1"), _expr("e1", "RATE(m1)")), Status.PASS),
    ((_stat("m1", "Other"), _expr("e1", "m1")), Status.FAIL),
    ((_stat("m1", dims=[("Env", "prod")]), _expr("e1", "m1")), Status.FAIL),
    ((_expr("q", "SELECT SUM(RootUsage) FROM CISBenchmark"),), Status.ERROR),
])
def test_cloudwatch_root_usage_alarm_configured_metric_math_alarm(queries, status):
    result = _judge(_facts(alarms=(_math(*queries),)))
    assert result.status is status, result.reason
    if status is Status.ERROR:
        assert "cannot read" in result.reason


def test_cloudwatch_root_usage_alarm_configured_pass_readable_alarm_outweighs_unreadable_one():
    unreadable = _math(_expr("q", "SELECT SUM(RootUsage) FROM CISBenchmark"), name="insights")
    assert _judge(_facts(alarms=(unreadable, _alarm()))).status is Status.PASS


# --- item 3: a deleted topic is a definite answer -------------------------------------------------------

def test_cloudwatch_root_usage_alarm_configured_fail_topic_deleted():
    facts = _facts()
    facts.topics[TOPIC].exists = False
    result = _judge(facts)
    assert result.status is Status.FAIL and "no longer exists" in result.reason and TOPIC in result.reason


def test_cloudwatch_root_usage_alarm_configured_fail_log_group_absent_even_if_filters_unread():
    facts = _facts()
    group = facts.log_groups[GROUP]
    group.exists, group.metric_filters = False, None  # another collector found the group absent first
    result = _judge(facts)
    assert result.status is Status.FAIL and "does not exist" in result.reason


# --- moto end to end --------------------------------------------------------------------------------------

@pytest.fixture
def session():
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def test_cloudwatch_root_usage_alarm_configured_fail_live_topic_deleted(session):
    topic = support.build(session)
    session.client("sns", region_name=REGION).delete_topic(TopicArn=topic)
    result = support.audit("cloudwatch_root_usage_alarm_configured", session)
    assert result.status is Status.FAIL, result.reason
    assert "no longer exists (SNS answered NotFound)" in result.reason


def test_cloudwatch_root_usage_alarm_configured_fail_live_log_group_deleted(session):
    """moto answers [] for a missing group; the sandbox layer answers ResourceNotFoundException as AWS does."""
    from sandbox import logs_compat

    support.build(session)
    session.client("logs", region_name=REGION).delete_log_group(logGroupName=support.GROUP)
    with logs_compat.applied():
        result = support.audit("cloudwatch_root_usage_alarm_configured", session)
    assert result.status is Status.FAIL and "does not exist" in result.reason, result.reason


def _replace_alarm(session, topic, **metric):
    cw = session.client("cloudwatch", region_name=REGION)
    cw.delete_alarms(AlarmNames=["cis-RootUsage"])
    cw.put_metric_alarm(AlarmName="cis-RootUsage", EvaluationPeriods=1, Threshold=1, AlarmActions=[topic],
                        ComparisonOperator="GreaterThanOrEqualToThreshold", **metric)


def test_cloudwatch_root_usage_alarm_configured_fail_live_alarm_with_extra_dimension(session):
    topic = support.build(session)
    _replace_alarm(session, topic, MetricName="RootUsage", Namespace=NS, Statistic="Sum", Period=300,
                   Dimensions=[{"Name": "Account", "Value": ACCOUNT}])
    result = support.audit("cloudwatch_root_usage_alarm_configured", session)
    assert result.status is Status.FAIL and "a different metric" in result.reason, result.reason


def test_cloudwatch_root_usage_alarm_configured_pass_live_metric_math_alarm(session):
    topic = support.build(session)
    _replace_alarm(session, topic, Metrics=[
        {"Id": "m1", "ReturnData": False,
         "MetricStat": {"Metric": {"Namespace": NS, "MetricName": "RootUsage"}, "Period": 300, "Stat": "Sum"}},
        {"Id": "e1", "Expression": "FILL(m1, 0)", "ReturnData": True}])
    result = support.audit("cloudwatch_root_usage_alarm_configured", session)
    assert result.status is Status.PASS and "cis-RootUsage" in result.reason, result.reason


def test_field_names_read_by_the_collector_exist_in_botocore_models():
    """The names collect/monitoring.py reads, checked against botocore's service models, not our copy."""
    import botocore.session

    models = botocore.session.get_session()
    alarm = models.get_service_model("cloudwatch").shape_for("MetricAlarm").members
    query = models.get_service_model("cloudwatch").shape_for("MetricDataQuery").members
    metric = models.get_service_model("cloudwatch").shape_for("Metric").members
    transform = models.get_service_model("logs").shape_for("MetricTransformation").members
    sns_errors = {s.metadata["error"]["code"] for s in models.get_service_model("sns").operation_model(
        "ListSubscriptionsByTopic").error_shapes}
    assert {"MetricName", "Namespace", "Dimensions", "Metrics", "AlarmActions", "ActionsEnabled"} <= set(alarm)
    assert {"Id", "MetricStat", "Expression", "ReturnData", "AccountId"} <= set(query)
    assert {"Namespace", "MetricName", "Dimensions"} <= set(metric)
    assert {"metricName", "metricNamespace", "metricValue", "dimensions"} <= set(transform)
    assert "NotFound" in sns_errors
