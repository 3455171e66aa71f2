"""CM predicates on hand-built facts: which trail counts, each link of the chain, ERROR versus FAIL versus N/A."""
from __future__ import annotations

import dataclasses

import pytest
import test_monitoring_support as support  # tests/checks is on sys.path (conftest.py)

from checks.cis import SPECS_BY_NAME
from checks.facts import (AccountFacts, AdvancedSelector, Alarm, EventSelectors, FieldSelector, LogGroupFacts,
                          MetricFilter, MetricTransformation, TopicFacts, TrailStatus)
from checks.model import Status
from checks.rules import all_rules

ACCOUNT, REGION, NS = "123456789012", "us-east-1", "CISBenchmark"
GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:trail-logs"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:alarms"
ROOT_ID = "cloudwatch_root_usage_alarm_configured"




def _trail(**changes):
    return dataclasses.replace(support.trail(GROUP + ":*"), **changes)


def _alarm(name="RootUsage", namespace=NS, region=REGION, enabled=True, actions=(TOPIC,)):
    return Alarm(name=f"cis-{name}", arn=f"arn:aws:cloudwatch:{region}:{ACCOUNT}:alarm:cis-{name}",
                 metric_name=name, namespace=namespace, actions_enabled=enabled, alarm_actions=actions)


def _facts(*, trails=None, pattern=None, alarms=None, confirmed=1, pending=0, **account):
    flt = MetricFilter("RootUsage", "trail-logs", pattern or SPECS_BY_NAME["RootUsage"].pattern,
                       (MetricTransformation("RootUsage", NS),))
    return AccountFacts(
        account_id=ACCOUNT, trails=[_trail()] if trails is None else trails,
        log_groups={GROUP: LogGroupFacts(GROUP, "trail-logs", REGION, ACCOUNT, True, metric_filters=(flt,))},
        alarms=(_alarm(),) if alarms is None else alarms,
        topics={TOPIC: TopicFacts(TOPIC, ACCOUNT, confirmed, pending)}, **account)


def _judge(facts, control_id=ROOT_ID):
    return all_rules()[control_id].predicate(facts)


def test_cloudwatch_root_usage_alarm_configured_pass_full_chain():
    result = _judge(_facts())
    assert result.status is Status.PASS and result.resource == GROUP and result.region == REGION
    assert "'RootUsage'" in result.reason and "cis-RootUsage" in result.reason and TOPIC in result.reason


def test_cloudwatch_root_usage_alarm_configured_pass_advanced_management_selector():
    advanced = EventSelectors(advanced=(AdvancedSelector("Management events", (
        FieldSelector("eventCategory", equals=("Management",)),)),))
    assert _judge(_facts(trails=[_trail(selectors=advanced)])).status is Status.PASS


@pytest.mark.parametrize("changes, reason", [
    ({"is_multi_region": False}, "No multi-region, logging trail"),
    ({"status": TrailStatus(is_logging=False)}, "No multi-region, logging trail"),
    ({"selectors": EventSelectors(advanced=(AdvancedSelector("reads", (
        FieldSelector("eventCategory", equals=("Management",)), FieldSelector("readOnly", equals=("true",)))),))},
     "No multi-region, logging trail"),
    ({"cloudwatch_logs_log_group_arn": ""}, "does not deliver to CloudWatch Logs"),
])
def test_cloudwatch_root_usage_alarm_configured_fail_no_qualifying_trail(changes, reason):
    result = _judge(_facts(trails=[_trail(**changes)]))
    assert result.status is Status.FAIL and reason in result.reason


@pytest.mark.parametrize("alarms, reason", [
    ((), "no alarm in us-east-1 watches its metric CISBenchmark/RootUsage"),
    ((_alarm(namespace="Other"),), "no alarm in us-east-1 watches"),  # name matches, namespace does not
    ((_alarm(region="eu-west-1"),), "no alarm in us-east-1 watches"),  # metrics are regional
    ((_alarm(enabled=False),), "has its actions disabled"),
    ((_alarm(actions=("arn:aws:automate:us-east-1:ec2:stop",)),), "no SNS topic among its alarm actions"),
])
def test_cloudwatch_root_usage_alarm_configured_fail_alarm_links(alarms, reason):
    result = _judge(_facts(alarms=alarms))
    assert result.status is Status.FAIL and reason in result.reason


def test_cloudwatch_root_usage_alarm_configured_fail_pending_subscriptions_do_not_count():
    result = _judge(_facts(confirmed=0, pending=2))
    assert result.status is Status.FAIL and "no confirmed subscription (2 pending)" in result.reason


def test_cloudwatch_root_usage_alarm_configured_fail_reports_furthest_chain():
    # one alarm with actions disabled, one healthy alarm notifying a topic without subscribers
    facts = _facts(alarms=(_alarm(enabled=False), _alarm()), confirmed=0)
    assert "no confirmed subscription" in _judge(facts).reason


def test_cloudwatch_root_usage_alarm_configured_pass_one_good_chain_among_bad():
    assert _judge(_facts(alarms=(_alarm(enabled=False), _alarm()))).status is Status.PASS


def test_cloudwatch_root_usage_alarm_configured_fail_names_missed_event():
    result = _judge(_facts(pattern='{ $.userIdentity.type = "Root" && $.eventName = "ConsoleLogin" }'))
    assert result.status is Status.FAIL
    assert "the closest, 'RootUsage', does not count root API call" in result.reason


def test_cloudwatch_root_usage_alarm_configured_pass_broader_filter():
    # counts root calls made by services too: noisier, but it alerts on every root use the control is about
    assert _judge(_facts(pattern='{ $.userIdentity.type = "Root" }')).status is Status.PASS


@pytest.mark.parametrize("mutate, reason", [
    (lambda f: setattr(f, "trails", None) or f.errors.update(trails="cloudtrail:DescribeTrails failed: Denied"),
     "cloudtrail:DescribeTrails failed"),
    (lambda f: setattr(f.trails[0], "status", None) or f.trails[0].errors.update(
        status="cloudtrail:GetTrailStatus failed: AccessDenied"), "cloudtrail:GetTrailStatus failed"),
    (lambda f: setattr(f, "alarms", None) or f.errors.update(alarms="cloudwatch:DescribeAlarms failed in x: E"),
     "cloudwatch:DescribeAlarms failed"),
    (lambda f: f.topics.clear(), "sns:ListSubscriptionsByTopic did not report"),
    (lambda f: f.log_groups.clear(), "logs:DescribeMetricFilters was not run"),
    (lambda f: setattr(f.log_groups[GROUP], "metric_filters", None), "logs:DescribeMetricFilters did not report"),
])
def test_cloudwatch_root_usage_alarm_configured_error_missing_data(mutate, reason):
    facts = _facts()
    mutate(facts)
    result = _judge(facts)
    assert result.status is Status.ERROR and reason in result.reason


def test_cloudwatch_root_usage_alarm_configured_na_log_group_outside_audited_regions():
    other = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:trail-logs:*"
    result = _judge(_facts(trails=[_trail(cloudwatch_logs_log_group_arn=other)], enabled_regions=(REGION,)))
    assert result.status is Status.NOT_APPLICABLE and "eu-west-1" in result.reason


def test_cloudwatch_organizations_changes_alarm_configured_fail_filter_on_other_log_group_ignored():
    facts = _facts()
    facts.log_groups[GROUP].metric_filters = ()
    facts.log_groups["arn:aws:logs:us-east-1:123456789012:log-group:other"] = LogGroupFacts(
        "arn:aws:logs:us-east-1:123456789012:log-group:other", "other", REGION, ACCOUNT, True, metric_filters=(
            MetricFilter("Org", "other", SPECS_BY_NAME["OrganizationsChanges"].pattern,
                         (MetricTransformation("OrganizationsChanges", NS),)),))
    result = _judge(facts, "cloudwatch_organizations_changes_alarm_configured")
    assert result.status is Status.FAIL and "Log group trail-logs has no metric filters" in result.reason


def test_cloudwatch_root_usage_alarm_configured_na_org_trail_without_log_group_seen_from_member():
    org_trail = _trail(owner_account_id="999999999999", is_organization=True, cloudwatch_logs_log_group_arn="",
                       arn="arn:aws:cloudtrail:us-east-1:999999999999:trail/org")
    result = _judge(_facts(trails=[org_trail]))
    assert result.status is Status.NOT_APPLICABLE and "owned by account 999999999999" in result.reason


def test_cloudwatch_root_usage_alarm_configured_fail_own_trail_without_log_group():
    result = _judge(_facts(trails=[_trail(cloudwatch_logs_log_group_arn="")]))
    assert result.status is Status.FAIL and "does not deliver to CloudWatch Logs" in result.reason
