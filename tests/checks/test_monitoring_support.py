"""moto-built monitoring state shared by the CM live tests, plus collector tests of their own.

Other test files import it by name (tests/checks/conftest.py puts this folder on sys.path). Each scenario builds a log group
with the 16 provisioned filters, an alarm per metric and an SNS topic with one email subscription
(moto confirms subscriptions at once), then lets one link be broken; collect_monitoring reads it back and
the control's predicate judges the facts.
"""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from checks.cis import FILTER_SPECS, SPECS_BY_CONTROL
from checks.collect.monitoring import collect_monitoring
from checks.facts import AccountFacts, ClassicSelector, EventSelectors, TrailFacts, TrailStatus
from checks.model import Status
from checks.rules import all_rules

ACCOUNT, REGION, GROUP, NS = "123456789012", "us-east-1", "org-trail-logs", "CISBenchmark"
GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}"


def trail(log_group_arn: str = GROUP_ARN + ":*") -> TrailFacts:
    return TrailFacts(
        arn=f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/org-trail", name="org-trail", home_region=REGION,
        owner_account_id=ACCOUNT, is_multi_region=True, status=TrailStatus(is_logging=True),
        selectors=EventSelectors(classic=(ClassicSelector(),)), cloudwatch_logs_log_group_arn=log_group_arn)


def build(session, *, patterns: dict | None = None, subscribe: bool = True, alarms: bool = True) -> str:
    """Provision the 16 filters (patterns overrides some by spec name), alarms and the topic; return its ARN."""
    logs, cw, sns = (session.client(s, region_name=REGION) for s in ("logs", "cloudwatch", "sns"))
    logs.create_log_group(logGroupName=GROUP)
    topic = sns.create_topic(Name="cis-alarms")["TopicArn"]
    if subscribe:
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="secops@example.com")
    for spec in FILTER_SPECS:
        logs.put_metric_filter(
            logGroupName=GROUP, filterName=spec.name, filterPattern=(patterns or {}).get(spec.name, spec.pattern_for()),
            metricTransformations=[{"metricName": spec.name, "metricNamespace": NS, "metricValue": "1"}])
        if alarms:
            cw.put_metric_alarm(
                AlarmName=f"cis-{spec.name}", MetricName=spec.name, Namespace=NS, Statistic="Sum", Period=300,
                EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                AlarmActions=[topic], TreatMissingData="notBreaching")
    return topic


class _Refused:
    status_code = 400


def deny(session, operation: str, code: str = "AccessDeniedException") -> None:
    """Make `operation` (e.g. 'logs.DescribeMetricFilters') fail with `code` before it reaches moto."""
    def refuse(**_):
        return _Refused(), {"Error": {"Code": code, "Message": "refused by the test"}}
    session.events.register(f"before-call.{operation}", refuse)


def mark_pending(session) -> None:
    """moto confirms every subscription; rewrite ListSubscriptionsByTopic answers as AWS shows pending ones."""
    def pending(parsed, **_):
        for sub in parsed.get("Subscriptions", []):
            sub["SubscriptionArn"] = "PendingConfirmation"
    session.events.register("after-call.sns.ListSubscriptionsByTopic", pending)


def audit(control_id: str, session, facts: AccountFacts | None = None):
    facts = facts or AccountFacts(account_id=ACCOUNT, trails=[trail()])
    collect_monitoring(session, facts)
    return all_rules()[control_id].predicate(facts)


def broken_pattern(control_id: str) -> tuple[str, str]:
    """A realistic mistake for the control's filter, and the text its FAIL reason must contain."""
    spec = SPECS_BY_CONTROL[control_id]
    special = {
        "UnauthorizedAPICalls": ('{ ($.errorCode = "*UnauthorizedOperation") }', "does not count s3 AccessDenied"),
        "NoMFAConsoleSignin": ('{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed = "Yes" }',
                               "does not count IAM user console sign-in without MFA"),
        "RootUsage": ('{ $.userIdentity.type = "Root" && $.eventName = "ConsoleLogin" }',
                      "does not count root API call"),
        "ConsoleSigninFailures": ('{ $.eventName = ConsoleLogin && $.errorMessage = "Failed" }',
                                  "does not count failed console sign-in"),
    }
    if spec.name in special:
        return special[spec.name]
    last = spec.required[-1].event["eventName"]  # drop the last required event name
    return spec.pattern.replace(f" || ($.eventName = {last})", ""), f"does not count {spec.required[-1].label}"


def check_pass(control_id: str) -> None:
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        build(session)
        result = audit(control_id, session)
    assert result.status is Status.PASS, result.reason
    assert f"'{SPECS_BY_CONTROL[control_id].name}'" in result.reason and "1 confirmed" in result.reason


def check_fail(control_id: str) -> None:
    pattern, expected = broken_pattern(control_id)
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        build(session, patterns={SPECS_BY_CONTROL[control_id].name: pattern})
        result = audit(control_id, session)
    assert result.status is Status.FAIL, result.reason
    assert expected in result.reason, result.reason


def check_error(control_id: str) -> None:
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        build(session)
        deny(session, "logs.DescribeMetricFilters")
        result = audit(control_id, session)
    assert result.status is Status.ERROR
    assert "logs:DescribeMetricFilters failed" in result.reason and "AccessDenied" in result.reason


def check_na(control_id: str) -> None:
    # An organization trail seen from a member account: its log group lives in the management account.
    foreign = f"arn:aws:logs:{REGION}:999988887777:log-group:org-trail-logs:*"
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        build(session)  # a perfect setup in *this* account must not be credited to the foreign trail
        result = audit(control_id, session, AccountFacts(account_id=ACCOUNT, trails=[trail(foreign)]))
    assert result.status is Status.NOT_APPLICABLE, result.reason
    assert "999988887777" in result.reason


# --- the collector's own behaviour ------------------------------------------------------------------


@pytest.fixture
def session():
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def test_cloudwatch_root_usage_alarm_configured_fail_pending_subscription_only(session):
    build(session)
    mark_pending(session)
    result = audit("cloudwatch_root_usage_alarm_configured", session)
    assert result.status is Status.FAIL
    assert "no confirmed subscription (1 pending)" in result.reason


def test_cloudwatch_root_usage_alarm_configured_fail_topic_without_subscribers(session):
    build(session, subscribe=False)
    result = audit("cloudwatch_root_usage_alarm_configured", session)
    assert result.status is Status.FAIL and "no confirmed subscription (0 pending)" in result.reason


def test_cloudwatch_iam_policy_changes_alarm_configured_fail_filter_without_alarm(session):
    build(session, alarms=False)
    result = audit("cloudwatch_iam_policy_changes_alarm_configured", session)
    assert result.status is Status.FAIL and "no alarm in us-east-1 watches its metric CISBenchmark/IAMChanges" \
        in result.reason


def test_cloudwatch_vpc_changes_alarm_configured_error_describe_alarms_denied(session):
    build(session)
    deny(session, "cloudwatch.DescribeAlarms")
    result = audit("cloudwatch_vpc_changes_alarm_configured", session)
    assert result.status is Status.ERROR and "cloudwatch:DescribeAlarms failed for region us-east-1" in result.reason


def test_cloudwatch_vpc_changes_alarm_configured_error_subscriptions_denied(session):
    build(session)
    deny(session, "sns.ListSubscriptionsByTopic")
    result = audit("cloudwatch_vpc_changes_alarm_configured", session)
    assert result.status is Status.ERROR and "sns:ListSubscriptionsByTopic failed" in result.reason


def test_cloudwatch_nacl_changes_alarm_configured_fail_log_group_missing(session):
    # moto answers an empty list for a missing group; AWS raises ResourceNotFoundException
    deny(session, "logs.DescribeMetricFilters", "ResourceNotFoundException")
    facts = AccountFacts(account_id=ACCOUNT, trails=[trail()])
    result = audit("cloudwatch_nacl_changes_alarm_configured", session, facts)
    assert result.status is Status.FAIL and "does not exist" in result.reason
    assert facts.log_groups[GROUP_ARN].exists is False


def test_collector_reads_filters_alarms_and_subscriptions(session):
    topic = build(session)
    facts = AccountFacts(account_id=ACCOUNT, trails=[trail()])
    collect_monitoring(session, facts)
    filters = facts.log_groups[GROUP_ARN].metric_filters
    assert {f.name for f in filters} == {s.name for s in FILTER_SPECS}
    assert filters[0].transformations[0].metric_namespace == NS
    assert len(facts.alarms) == 16 and all(a.alarm_actions == (topic,) for a in facts.alarms)
    assert facts.topics[topic].confirmed_subscriptions == 1 and facts.topics[topic].pending_subscriptions == 0


def test_collector_skips_log_groups_of_other_accounts(session):
    calls = []
    session.events.register("before-call.logs", lambda **kw: calls.append(kw["event_name"]))
    facts = AccountFacts(account_id=ACCOUNT, trails=[trail(f"arn:aws:logs:{REGION}:999988887777:log-group:x:*")])
    collect_monitoring(session, facts)
    assert calls == [] and facts.log_groups == {} and facts.alarms is None
