"""CisMonitoring under Pulumi mocks: what it creates, the alarm settings, and that the checker accepts it."""
from __future__ import annotations

import json

import pulumi
import pytest
from pulumi.runtime import mocks as pulumi_mocks

from checks.catalog.filters import FILTER_NAMES
from checks.cis import evaluate_filter
from components.monitoring import AlarmSubscription, CisMonitoring, MonitoringArgs

ACCOUNT, REGION = "123456789012", "us-east-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1111aaaa-2222-bbbb-3333-cccc4444dddd"
FILTER, ALARM = "aws:cloudwatch/logMetricFilter:LogMetricFilter", "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC, POLICY, SUB = "aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy", "aws:sns/topicSubscription:TopicSubscription"


class Recorder(pulumi.runtime.Mocks):
    def __init__(self):
        self.resources: list[tuple[str, str, dict]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        state = dict(args.inputs)
        if args.typ == TOPIC:
            state["arn"] = f"arn:aws:sns:{REGION}:{ACCOUNT}:{args.name}"
        if args.typ == ALARM:
            state["arn"] = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{args.name}"
        self.resources.append((args.typ, args.name, state))
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}

    def of(self, typ: str) -> dict[str, dict]:
        return {name: state for t, name, state in self.resources if t == typ}


def run(args: MonitoringArgs, monkeypatch) -> tuple[Recorder, dict, dict]:
    """Build the component; return the recorder, parent type per child name and the component outputs."""
    recorder, parents, outputs = Recorder(), {}, {}
    real_make_urn = pulumi_mocks.MockMonitor.make_urn

    def make_urn(self, parent, type_, name):
        parents[name] = parent.split("::")[2].split("$")[-1] if parent else ""
        return real_make_urn(self, parent, type_, name)

    monkeypatch.setattr(pulumi_mocks.MockMonitor, "make_urn", make_urn)
    pulumi.runtime.set_mocks(recorder, project="trailguard", stack="test", preview=False)

    @pulumi.runtime.test
    def program():
        comp = CisMonitoring("org-monitoring", args, log_group_name="trail-logs", kms_key_arn=KEY,
                             tags={"owner": "secops"})
        return pulumi.Output.all(comp.topic_arn, comp.alarm_arns).apply(
            lambda v: outputs.update(topic_arn=v[0], alarm_arns=v[1]))

    program()
    return recorder, parents, outputs


def test_creates_sixteen_filters_and_alarms_as_children(monkeypatch):
    rec, parents, outputs = run(MonitoringArgs(), monkeypatch)
    assert set(rec.of(FILTER)) == {f"org-monitoring-{n}" for n in FILTER_NAMES}
    assert set(rec.of(ALARM)) == {f"org-monitoring-{n}" for n in FILTER_NAMES}
    assert len(rec.of(TOPIC)) == 1 and len(rec.of(POLICY)) == 1 and rec.of(SUB) == {}
    children = [name for _, name, _ in rec.resources if name != "org-monitoring"]
    assert len(children) == 34 and {parents[n] for n in children} == {"trailguard:index:CisMonitoring"}
    assert outputs["topic_arn"] == f"arn:aws:sns:{REGION}:{ACCOUNT}:org-monitoring-topic"
    assert set(outputs["alarm_arns"]) == set(FILTER_NAMES)


def test_filters_publish_a_count_of_one_to_the_namespace(monkeypatch):
    rec, _, _ = run(MonitoringArgs(), monkeypatch)
    flt = rec.of(FILTER)["org-monitoring-RootUsage"]
    assert flt["logGroupName"] == "trail-logs" and flt["name"] == "RootUsage"
    assert flt["metricTransformation"] == {"name": "RootUsage", "namespace": "CISBenchmark", "value": "1"}


def test_alarm_settings_follow_cis_remediation(monkeypatch):
    rec, _, outputs = run(MonitoringArgs(), monkeypatch)
    for name, alarm in rec.of(ALARM).items():
        metric = name.removeprefix("org-monitoring-")
        assert alarm["metricName"] == metric and alarm["namespace"] == "CISBenchmark"
        assert (alarm["statistic"], alarm["comparisonOperator"]) == ("Sum", "GreaterThanOrEqualToThreshold")
        assert (alarm["threshold"], alarm["period"], alarm["evaluationPeriods"]) == (1, 300, 1)
        assert alarm["treatMissingData"] == "notBreaching" and alarm["actionsEnabled"] is True
        assert alarm["alarmActions"] == [outputs["topic_arn"]]


def test_configured_alarm_settings_reach_every_alarm(monkeypatch):
    args = MonitoringArgs.from_config(FakeConfig(alarmPeriodSeconds="60", alarmThreshold="3",
                                                 alarmEvaluationPeriods="2", alarmNamespace="Org/CIS"))
    rec, _, _ = run(args, monkeypatch)
    alarms, filters = rec.of(ALARM).values(), rec.of(FILTER).values()
    assert {(a["period"], a["threshold"], a["evaluationPeriods"], a["namespace"]) for a in alarms} == {
        (60, 3, 2, "Org/CIS")}
    assert {f["metricTransformation"]["namespace"] for f in filters} == {"Org/CIS"}


def test_topic_is_encrypted_and_only_this_accounts_alarms_may_publish(monkeypatch):
    rec, _, outputs = run(MonitoringArgs(), monkeypatch)
    assert rec.of(TOPIC)["org-monitoring-topic"]["kmsMasterKeyId"] == KEY
    policy = json.loads(rec.of(POLICY)["org-monitoring-topic-policy"]["policy"])
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert statement["Action"] == "sns:Publish" and statement["Resource"] == outputs["topic_arn"]
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}


def test_subscriptions_are_created_per_configured_endpoint(monkeypatch):
    args = MonitoringArgs(alarm_subscriptions=(
        AlarmSubscription("email", "secops@example.com"),
        AlarmSubscription("sqs", f"arn:aws:sqs:{REGION}:{ACCOUNT}:alarm-queue")))
    rec, _, outputs = run(args, monkeypatch)
    subs = rec.of(SUB)
    assert {(s["protocol"], s["endpoint"]) for s in subs.values()} == {
        ("email", "secops@example.com"), ("sqs", f"arn:aws:sqs:{REGION}:{ACCOUNT}:alarm-queue")}
    assert {s["topic"] for s in subs.values()} == {outputs["topic_arn"]}


def test_disabled_alarm_removes_exactly_that_filter_and_alarm(monkeypatch):
    rec, _, outputs = run(MonitoringArgs.from_config(FakeConfig(disabledAlarms=["RootUsage"])), monkeypatch)
    expected = {f"org-monitoring-{n}" for n in FILTER_NAMES if n != "RootUsage"}
    assert set(rec.of(FILTER)) == expected and set(rec.of(ALARM)) == expected
    assert "RootUsage" not in outputs["alarm_arns"] and len(outputs["alarm_arns"]) == 15


def test_disable_cis_alarms_creates_nothing(monkeypatch):
    rec, _, outputs = run(MonitoringArgs(disable_cis_alarms=True), monkeypatch)
    assert [t for t, _, _ in rec.resources] == ["trailguard:index:CisMonitoring"]
    assert outputs == {"topic_arn": "", "alarm_arns": {}}


@pytest.mark.parametrize("variant", ["sso-friendly", "cis"])
def test_every_provisioned_filter_passes_the_checker(variant, monkeypatch):
    rec, _, _ = run(MonitoringArgs(console_signin_no_mfa_variant=variant), monkeypatch)
    for flt in rec.of(FILTER).values():
        ok, reason = evaluate_filter(flt["metricTransformation"]["name"], flt["pattern"], variant)
        assert ok, f"{flt['name']}: {reason}"
    no_mfa = rec.of(FILTER)["org-monitoring-NoMFAConsoleSignin"]["pattern"]
    assert ("IAMUser" in no_mfa) is (variant == "sso-friendly")


# --- settings ---------------------------------------------------------------------------------------


class FakeConfig:
    """The subset of pulumi.Config("trailguard") that from_config uses: strings, and JSON for objects."""

    def __init__(self, **values):
        self.values = values

    def get(self, key):
        value = self.values.get(key)
        return value if value is None or isinstance(value, str) else json.dumps(value)

    def get_object(self, key):
        value = self.values.get(key)
        return json.loads(value) if isinstance(value, str) else value


def test_defaults_when_nothing_is_configured():
    args = MonitoringArgs.from_config(FakeConfig())
    assert args == MonitoringArgs()
    assert args.console_signin_no_mfa_variant == "sso-friendly" and args.enabled_filters == FILTER_NAMES


@pytest.mark.parametrize("values, key, allowed", [
    ({"alarmPeriodSeconds": "45"}, "trailguard:alarmPeriodSeconds: 45", "10, 30 or a positive multiple of 60"),
    ({"alarmPeriodSeconds": "five"}, "trailguard:alarmPeriodSeconds: 'five'", "an integer"),
    ({"alarmThreshold": "0"}, "trailguard:alarmThreshold: 0.0", "a number >= 1"),
    ({"alarmEvaluationPeriods": "0"}, "trailguard:alarmEvaluationPeriods: 0", "an integer >= 1"),
    ({"alarmNamespace": "a:b"}, "trailguard:alarmNamespace: 'a:b'", "no ':'"),
    ({"disabledAlarms": ["RootUsage", "RootUse"]}, "trailguard:disabledAlarms: 'RootUse'", "UnauthorizedAPICalls"),
    ({"disabledAlarms": "RootUsage"}, "trailguard:disabledAlarms: 'RootUsage'", "a JSON list of filter names"),
    ({"consoleSigninNoMfaVariant": "strict"}, "trailguard:consoleSigninNoMfaVariant: 'strict'", "sso-friendly, cis"),
    ({"disableCisAlarms": "yes"}, "trailguard:disableCisAlarms: 'yes'", "true or false"),
    ({"alarmSubscriptions": [{"protocol": "sms", "endpoint": "+15550100"}]},
     "trailguard:alarmSubscriptions[0].protocol: 'sms'", "email, https, sqs"),
    ({"alarmSubscriptions": [{"protocol": "email", "endpoint": "secops"}]},
     "trailguard:alarmSubscriptions[0].endpoint: 'secops'", "an email address"),
    ({"alarmSubscriptions": [{"protocol": "https", "endpoint": "http://hooks.example.com/x"}]},
     "trailguard:alarmSubscriptions[0].endpoint: 'http://hooks.example.com/x'", "an https:// URL"),
    ({"alarmSubscriptions": [{"protocol": "sqs", "endpoint": f"arn:aws:sqs:{REGION}:{ACCOUNT}:q.fifo"}]},
     "trailguard:alarmSubscriptions[0].endpoint:", "standard (non-FIFO) SQS queue ARN"),
    ({"alarmSubscriptions": [{"protocol": "email"}]}, "trailguard:alarmSubscriptions[0]:",
     "exactly the keys protocol and endpoint"),
])
def test_bad_settings_raise_settings_error_naming_key_value_and_allowed(values, key, allowed):
    from components.errors import SettingsError
    with pytest.raises(SettingsError) as info:
        MonitoringArgs.from_config(FakeConfig(**values))
    assert key in str(info.value) and allowed in str(info.value)
