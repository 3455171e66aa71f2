"""The CIS alarm settings: their values (:class:`MonitoringArgs`), how config text becomes them, and every problem.

:class:`components.settings.Settings` holds these keys next to the trail's, so one SettingsError lists every
bad ``trailguard:*`` value at once; ``Settings.monitoring`` hands :class:`MonitoringArgs` to the component.
No Pulumi import here: settings are validated before anything is registered.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from checks.catalog.filters import FILTER_NAMES
from checks.cis import DEFAULT_VARIANT, VARIANTS
from components.errors import SettingsError

PROTOCOLS = ("email", "https", "sqs")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_SQS_ARN = re.compile(r"^arn:aws(-cn|-us-gov|-iso|-iso-b)?:sqs:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,80}$")
NAMES_HINT = "a JSON list of filter names: " + ", ".join(FILTER_NAMES)
SUBSCRIPTIONS_HINT = 'a JSON list of {"protocol": "email|https|sqs", "endpoint": ...}'


@dataclass(frozen=True)
class AlarmSubscription:
    protocol: str  # email | https | sqs
    endpoint: str


def _err(key: str, value, allowed: str) -> str:
    return f"trailguard:{key}: {value!r} is not allowed; allowed: {allowed}."


def _subscription_problem(i: int, sub: AlarmSubscription) -> str | None:
    key = f"alarmSubscriptions[{i}]"
    if sub.protocol not in PROTOCOLS:
        return _err(f"{key}.protocol", sub.protocol, ", ".join(PROTOCOLS))
    if sub.protocol == "email" and not _EMAIL.match(sub.endpoint):
        return _err(f"{key}.endpoint", sub.endpoint, "an email address such as secops@example.com")
    if sub.protocol == "https":
        url = urlsplit(sub.endpoint)
        if url.scheme != "https" or not url.hostname:
            return _err(f"{key}.endpoint", sub.endpoint, "an https:// URL with a host")
    # A FIFO queue cannot subscribe to the (standard) alarm topic: SNS rejects it at deploy time.
    if sub.protocol == "sqs" and not _SQS_ARN.match(sub.endpoint):
        return _err(f"{key}.endpoint", sub.endpoint, "a standard (non-FIFO) SQS queue ARN "
                                                     "arn:aws:sqs:<region>:<account>:<queue>")
    return None


def monitoring_problems(s) -> list[str]:
    """Every invalid alarm setting of ``s`` (a MonitoringArgs or a Settings: they share the field names)."""
    e: list[str | None] = []
    period = s.alarm_period_seconds
    if isinstance(period, bool) or not isinstance(period, int) or not (period in (10, 30) or (
            period >= 60 and period % 60 == 0)):
        e.append(_err("alarmPeriodSeconds", period, "10, 30 or a positive multiple of 60"))
    if isinstance(s.alarm_threshold, bool) or not isinstance(s.alarm_threshold, (int, float)) or s.alarm_threshold < 1:
        e.append(_err("alarmThreshold", s.alarm_threshold, "a number >= 1 (CIS: alarm on the first event)"))
    evals = s.alarm_evaluation_periods
    if isinstance(evals, bool) or not isinstance(evals, int) or evals < 1:
        e.append(_err("alarmEvaluationPeriods", evals, "an integer >= 1"))
    if not isinstance(s.alarm_namespace, str) or not re.fullmatch(r"[^:\s][^:]{0,254}", s.alarm_namespace):
        e.append(_err("alarmNamespace", s.alarm_namespace, "1-255 characters, no ':' and not starting with a space"))
    unknown = [n for n in s.disabled_alarms if n not in FILTER_NAMES]
    if unknown:
        e.append(_err("disabledAlarms", unknown[0] if len(unknown) == 1 else unknown, ", ".join(FILTER_NAMES)))
    if s.console_signin_no_mfa_variant not in VARIANTS:
        e.append(_err("consoleSigninNoMfaVariant", s.console_signin_no_mfa_variant, ", ".join(VARIANTS)))
    e.extend(_subscription_problem(i, sub) for i, sub in enumerate(s.alarm_subscriptions))
    return [msg for msg in e if msg]


@dataclass(frozen=True)
class MonitoringArgs:
    """Settings of the CIS alarms. Defaults are the CIS remediation (Sum >= 1 over one 300 s period)."""

    alarm_period_seconds: int = 300
    alarm_threshold: float = 1
    alarm_evaluation_periods: int = 1
    alarm_namespace: str = "CISBenchmark"
    # Filter names (checks.catalog.filters.FILTER_NAMES) to leave out; each one breaks its CM control.
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
        problems = monitoring_problems(self)
        if problems:
            raise SettingsError("\n".join(problems), problems)

    @property
    def enabled_filters(self) -> tuple[str, ...]:
        if self.disable_cis_alarms:
            return ()
        return tuple(n for n in FILTER_NAMES if n not in self.disabled_alarms)

    @classmethod
    def from_config(cls, cfg) -> "MonitoringArgs":
        """Read the trailguard:* alarm keys from a pulumi.Config("trailguard")-like object (every problem at once)."""
        from components.settings import MONITORING_KEYS, Settings

        values = {key: cfg.get(key) for key in MONITORING_KEYS}
        return Settings.from_mapping({k: v for k, v in values.items() if v is not None}).monitoring_args


# --- config text -> values: each parser raises one SettingsError naming the key --------------------------------

def parse_scalar(kind: type):
    def parse(key: str, raw):
        """Config values arrive as strings (or already typed from a fake config); a bad one names its key."""
        text = str(raw).strip()
        if kind is bool:
            if text.lower() in ("true", "false"):
                return text.lower() == "true"
            raise SettingsError(_err(key, raw, "true or false"))
        if kind is int:
            if re.fullmatch(r"[+-]?\d+", text):
                return int(text)
            raise SettingsError(_err(key, raw, "an integer"))
        if kind is float:
            try:
                return float(text)
            except ValueError:
                raise SettingsError(_err(key, raw, "a number")) from None
        return raw if isinstance(raw, str) else text
    return parse


def _json_list(key: str, raw, hint: str) -> list:
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            raise SettingsError(_err(key, raw, hint)) from None
    if not isinstance(value, (list, tuple)):
        raise SettingsError(_err(key, value, hint))
    return list(value)


def parse_names(key: str, raw) -> tuple[str, ...]:
    names = _json_list(key, raw, NAMES_HINT)
    if not all(isinstance(n, str) for n in names):
        raise SettingsError(_err(key, names, NAMES_HINT))
    return tuple(names)


def parse_subscriptions(key: str, raw) -> tuple[AlarmSubscription, ...]:
    subs = _json_list(key, raw, SUBSCRIPTIONS_HINT)
    if not all(isinstance(s, dict) for s in subs):
        raise SettingsError(_err(key, subs, SUBSCRIPTIONS_HINT))
    problems = [_err(f"{key}[{i}]", s, "exactly the keys protocol and endpoint")
                for i, s in enumerate(subs) if set(s) != {"protocol", "endpoint"}]
    if problems:
        raise SettingsError("\n".join(problems), problems)
    return tuple(AlarmSubscription(str(s["protocol"]), str(s["endpoint"])) for s in subs)
