"""CisMonitoring: the CIS metric filters and alarms (plus selector tampering) on the trail's log group.

The patterns come from :mod:`checks.cis`, the same specs the audit and the policy pack judge filters
with, so what we provision is by construction what CM-01..CM-16 accept (tests/components prove it).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pulumi
import pulumi_aws as aws

from checks.cis import DEFAULT_VARIANT, FILTER_NAMES, FILTER_SPECS, VARIANTS
from components.errors import SettingsError

TYPE_TOKEN = "trailguard:index:CisMonitoring"
PROTOCOLS = ("email", "https", "sqs")
# The trailguard:* config keys MonitoringArgs.from_config reads (components.stack_config refuses any other).
CONFIG_KEYS = ("alarmPeriodSeconds", "alarmThreshold", "alarmEvaluationPeriods", "alarmNamespace", "disabledAlarms",
               "alarmSubscriptions", "consoleSigninNoMfaVariant", "disableCisAlarms")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_SQS_ARN = re.compile(r"^arn:aws(-cn|-us-gov|-iso|-iso-b)?:sqs:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,80}$")


@dataclass(frozen=True)
class AlarmSubscription:
    protocol: str  # email | https | sqs
    endpoint: str


def _combined(errs: list[SettingsError]) -> SettingsError:
    problems = [p for e in errs for p in e.problems]
    return SettingsError("\n".join(problems), problems)


def _err(key: str, value, allowed: str) -> SettingsError:
    return SettingsError(f"trailguard:{key}: {value!r} is not allowed; allowed: {allowed}.")


def _check_subscription(i: int, sub: AlarmSubscription) -> None:
    key = f"alarmSubscriptions[{i}]"
    if sub.protocol not in PROTOCOLS:
        raise _err(f"{key}.protocol", sub.protocol, ", ".join(PROTOCOLS))
    if sub.protocol == "email" and not _EMAIL.match(sub.endpoint):
        raise _err(f"{key}.endpoint", sub.endpoint, "an email address such as secops@example.com")
    if sub.protocol == "https":
        url = urlsplit(sub.endpoint)
        if url.scheme != "https" or not url.hostname:
            raise _err(f"{key}.endpoint", sub.endpoint, "an https:// URL with a host")
    # A FIFO queue cannot subscribe to the (standard) alarm topic: SNS rejects it at deploy time.
    if sub.protocol == "sqs" and not _SQS_ARN.match(sub.endpoint):
        raise _err(f"{key}.endpoint", sub.endpoint, "a standard (non-FIFO) SQS queue ARN "
                                                    "arn:aws:sqs:<region>:<account>:<queue>")


@dataclass(frozen=True)
class MonitoringArgs:
    """Settings of the CIS alarms. Defaults are the CIS remediation (Sum >= 1 over one 300 s period)."""

    alarm_period_seconds: int = 300
    alarm_threshold: float = 1
    alarm_evaluation_periods: int = 1
    alarm_namespace: str = "CISBenchmark"
    # Filter names (checks.cis.FILTER_NAMES) to leave out; each one breaks its CM control.
    disabled_alarms: tuple[str, ...] = ()
    alarm_subscriptions: tuple[AlarmSubscription, ...] = ()
    # "sso-friendly" (default) counts IAM-user successful sign-ins without MFA only: with IAM Identity
    # Center every federated sign-in reports MFAUsed=No, and an alarm that fires on every SSO login gets
    # ignored. Root sign-ins are still caught by RootUsage (CM-03), failed ones by ConsoleSigninFailures.
    # "cis" is the plain CIS text (every ConsoleLogin with MFAUsed != Yes).
    console_signin_no_mfa_variant: str = DEFAULT_VARIANT
    # Turns off every filter, alarm and the alarm topic: breaks CM-01..CM-16.
    disable_cis_alarms: bool = False

    def __post_init__(self):
        errs: list[SettingsError] = []
        period = self.alarm_period_seconds
        if isinstance(period, bool) or not isinstance(period, int) or not (period in (10, 30) or (
                period >= 60 and period % 60 == 0)):
            errs.append(_err("alarmPeriodSeconds", period, "10, 30 or a positive multiple of 60"))
        if isinstance(self.alarm_threshold, bool) or not isinstance(self.alarm_threshold, (int, float)) \
                or self.alarm_threshold < 1:
            errs.append(_err("alarmThreshold", self.alarm_threshold, "a number >= 1 (CIS: alarm on the first event)"))
        evals = self.alarm_evaluation_periods
        if isinstance(evals, bool) or not isinstance(evals, int) or evals < 1:
            errs.append(_err("alarmEvaluationPeriods", evals, "an integer >= 1"))
        if not isinstance(self.alarm_namespace, str) or not re.fullmatch(r"[^:\s][^:]{0,254}", self.alarm_namespace):
            errs.append(_err("alarmNamespace", self.alarm_namespace, "1-255 characters, no ':' and not starting with a space"))
        unknown = [n for n in self.disabled_alarms if n not in FILTER_NAMES]
        if unknown:
            errs.append(_err("disabledAlarms", unknown[0] if len(unknown) == 1 else unknown, ", ".join(FILTER_NAMES)))
        if self.console_signin_no_mfa_variant not in VARIANTS:
            errs.append(_err("consoleSigninNoMfaVariant", self.console_signin_no_mfa_variant, ", ".join(VARIANTS)))
        for i, sub in enumerate(self.alarm_subscriptions):
            try:
                _check_subscription(i, sub)
            except SettingsError as exc:
                errs.append(exc)
        if errs:
            raise _combined(errs)

    @property
    def enabled_filters(self) -> tuple[str, ...]:
        if self.disable_cis_alarms:
            return ()
        return tuple(n for n in FILTER_NAMES if n not in self.disabled_alarms)

    @classmethod
    def from_config(cls, cfg) -> "MonitoringArgs":
        """Read the trailguard:* keys from a pulumi.Config("trailguard")-like object."""
        d = cls()
        errs: list[SettingsError] = []  # every problem, reported together with the other settings' (#11)

        def get(key, default, kind=str):
            raw = cfg.get(key)
            try:
                return default if raw is None else _convert(key, raw, kind)
            except SettingsError as exc:
                errs.append(exc)
                return default

        def get_list(key, allowed):
            try:
                raw = cfg.get_object(key)
            except Exception:  # pulumi raises its own ConfigTypeError on bad JSON
                errs.append(_err(key, cfg.get(key), allowed))
                return []
            if raw is not None and not isinstance(raw, list):
                errs.append(_err(key, raw, allowed))
                return []
            return [] if raw is None else raw

        names_hint = "a JSON list of filter names: " + ", ".join(FILTER_NAMES)
        subs_hint = 'a JSON list of {"protocol": "email|https|sqs", "endpoint": ...}'
        disabled = get_list("disabledAlarms", names_hint)
        subs = get_list("alarmSubscriptions", subs_hint)
        if not all(isinstance(n, str) for n in disabled):
            errs.append(_err("disabledAlarms", disabled, names_hint))
            disabled = []
        if not all(isinstance(s, dict) for s in subs):
            errs.append(_err("alarmSubscriptions", subs, subs_hint))
            subs = []
        for i, s in enumerate(subs):
            extra = sorted(set(s) - {"protocol", "endpoint"})
            if extra or not {"protocol", "endpoint"} <= set(s):
                errs.append(_err(f"alarmSubscriptions[{i}]", s, "exactly the keys protocol and endpoint"))
        values = dict(
            alarm_period_seconds=get("alarmPeriodSeconds", d.alarm_period_seconds, int),
            alarm_threshold=get("alarmThreshold", d.alarm_threshold, float),
            alarm_evaluation_periods=get("alarmEvaluationPeriods", d.alarm_evaluation_periods, int),
            alarm_namespace=get("alarmNamespace", d.alarm_namespace),
            console_signin_no_mfa_variant=get("consoleSigninNoMfaVariant", d.console_signin_no_mfa_variant),
            disable_cis_alarms=get("disableCisAlarms", d.disable_cis_alarms, bool),
        )
        if errs:  # values that did not convert would only add follow-on errors
            raise _combined(errs)
        return cls(disabled_alarms=tuple(disabled),
                   alarm_subscriptions=tuple(AlarmSubscription(str(s["protocol"]), str(s["endpoint"])) for s in subs),
                   **values)


def _convert(key: str, raw, kind: type):
    """Config values arrive as strings (or already typed from a fake config); a bad one names its key."""
    text = str(raw).strip()
    if kind is bool:
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise _err(key, raw, "true or false")
    if kind is int:
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        raise _err(key, raw, "an integer")
    if kind is float:
        try:
            return float(text)
        except ValueError:
            raise _err(key, raw, "a number") from None
    return raw if isinstance(raw, str) else text


def topic_policy(topic_arn: str) -> str:
    """Only CloudWatch alarms of this account and region may publish (no confused deputy via other accounts)."""
    _, partition, _, region, account = topic_arn.split(":")[:5]
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "CloudWatchAlarmsPublish",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account},
                "ArnLike": {"aws:SourceArn": f"arn:{partition}:cloudwatch:{region}:{account}:alarm:*"},
            },
        }],
    })


class CisMonitoring(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]
    alarm_arns: pulumi.Output[dict]

    def __init__(self, name: str, args: MonitoringArgs, *, log_group_name, kms_key_arn, tags,
                 opts: pulumi.ResourceOptions | None = None, topic_name: str | None = None):
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        enabled = [s for s in FILTER_SPECS if s.name in args.enabled_filters]
        alarms: dict[str, pulumi.Output[str]] = {}
        self.topic_arn = pulumi.Output.from_input("")
        if enabled:
            # The trail's CMK keeps alarm contents (event names, accounts) encrypted at rest.
            topic = aws.sns.Topic(f"{name}-topic", name=topic_name, kms_master_key_id=kms_key_arn, tags=tags,
                                  opts=child)
            aws.sns.TopicPolicy(f"{name}-topic-policy", arn=topic.arn, policy=topic.arn.apply(topic_policy),
                                opts=child)
            for i, sub in enumerate(args.alarm_subscriptions):
                aws.sns.TopicSubscription(f"{name}-subscription-{i}", topic=topic.arn, protocol=sub.protocol,
                                          endpoint=sub.endpoint, opts=child)
            self.topic_arn = topic.arn
        for spec in enabled:
            flt = aws.cloudwatch.LogMetricFilter(
                f"{name}-{spec.name}", name=spec.name, log_group_name=log_group_name,
                pattern=spec.pattern_for(args.console_signin_no_mfa_variant),
                metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                    name=spec.name, namespace=args.alarm_namespace, value="1"),
                opts=child)
            alarm = aws.cloudwatch.MetricAlarm(
                f"{name}-{spec.name}", name=f"{name}-{spec.name}",
                alarm_description=f"{spec.ref}: {spec.summary} (metric filter {spec.name}).",
                metric_name=spec.name, namespace=args.alarm_namespace, statistic="Sum",
                comparison_operator="GreaterThanOrEqualToThreshold", threshold=args.alarm_threshold,
                period=args.alarm_period_seconds, evaluation_periods=args.alarm_evaluation_periods,
                # No log events in a period means nothing happened, not an outage: stay OK.
                treat_missing_data="notBreaching", actions_enabled=True, alarm_actions=[self.topic_arn],
                tags=tags, opts=pulumi.ResourceOptions(parent=self, depends_on=[flt]))
            alarms[spec.name] = alarm.arn
        self.alarm_arns = pulumi.Output.all(**alarms) if alarms else pulumi.Output.from_input({})
        self.register_outputs({"topic_arn": self.topic_arn, "alarm_arns": self.alarm_arns})
