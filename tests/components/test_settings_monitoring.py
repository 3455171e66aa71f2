"""The CIS alarm settings are Settings fields: one parse, one validation, one error listing every bad key."""
from __future__ import annotations

import dataclasses

import pytest

from components.errors import SettingsError
from components.monitoring_settings import AlarmSubscription, MonitoringArgs
from components.settings import MONITORING_KEYS, Settings

# (config key, bad value, words of its problem): one per check MonitoringArgs makes
BAD_ALARMS = [
    ("alarmPeriodSeconds", "45", "trailguard:alarmPeriodSeconds: 45 is not allowed"),
    ("alarmPeriodSeconds", "five", "trailguard:alarmPeriodSeconds: 'five' is not allowed; allowed: an integer"),
    ("alarmThreshold", "0", "trailguard:alarmThreshold: 0.0 is not allowed"),
    ("alarmThreshold", "many", "trailguard:alarmThreshold: 'many' is not allowed; allowed: a number"),
    ("alarmEvaluationPeriods", "0", "trailguard:alarmEvaluationPeriods: 0 is not allowed"),
    ("alarmNamespace", "a:b", "trailguard:alarmNamespace: 'a:b' is not allowed"),
    ("disabledAlarms", '["RootUse"]', "trailguard:disabledAlarms: 'RootUse' is not allowed"),
    ("disabledAlarms", "RootUsage", "trailguard:disabledAlarms: 'RootUsage' is not allowed; allowed: a JSON list"),
    ("consoleSigninNoMfaVariant", "strict", "trailguard:consoleSigninNoMfaVariant: 'strict' is not allowed"),
    ("disableCisAlarms", "yes", "trailguard:disableCisAlarms: 'yes' is not allowed; allowed: true or false"),
    ("alarmSubscriptions", '[{"protocol": "sms", "endpoint": "+15550100"}]',
     "trailguard:alarmSubscriptions[0].protocol: 'sms' is not allowed"),
    ("alarmSubscriptions", '[{"protocol": "email"}]', "trailguard:alarmSubscriptions[0]: {'protocol': 'email'}"),
]


def test_settings_hold_every_monitoring_field_with_its_default():
    assert set(MONITORING_KEYS.values()) == {f.name for f in dataclasses.fields(MonitoringArgs)}
    assert Settings().monitoring == MonitoringArgs()
    assert set(MONITORING_KEYS) <= set(Settings.config_keys())


@pytest.mark.parametrize("key, value, words", BAD_ALARMS,
                         ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None)
def test_a_bad_alarm_setting_is_listed_with_a_bad_trail_setting_in_one_error(key, value, words):
    with pytest.raises(SettingsError) as err:
        Settings.from_mapping({key: value, "orgId": "bad", "kmsDeletionWindowDays": "1"})
    problems = err.value.problems
    assert len(problems) == 3, problems
    assert any(words in p for p in problems), problems
    assert sum(p.startswith(("orgId:", "kmsDeletionWindowDays:")) for p in problems) == 2


def test_every_bad_alarm_setting_at_once():
    values = {}
    for key, value, _ in BAD_ALARMS:
        values.setdefault(key, value)  # the first bad value of each key
    with pytest.raises(SettingsError) as err:
        Settings.from_mapping(values)
    assert len(err.value.problems) == len(values) == len(MONITORING_KEYS)


def test_good_alarm_settings_reach_the_component_args():
    s = Settings.from_mapping({"alarmPeriodSeconds": "60", "alarmThreshold": "2", "disabledAlarms": '["RootUsage"]',
                               "alarmSubscriptions": '[{"protocol": "email", "endpoint": "secops@example.com"}]',
                               "consoleSigninNoMfaVariant": "cis"})
    assert s.monitoring == MonitoringArgs(
        alarm_period_seconds=60, alarm_threshold=2.0, disabled_alarms=("RootUsage",),
        alarm_subscriptions=(AlarmSubscription("email", "secops@example.com"),), console_signin_no_mfa_variant="cis")
    assert "RootUsage" not in s.monitoring.enabled_filters


def test_no_monitoring_args_without_cloudwatch_logs_but_alarm_settings_still_checked():
    assert Settings.from_mapping({"disableCloudWatchLogs": True}).monitoring is None
    with pytest.raises(SettingsError, match="alarmPeriodSeconds"):
        Settings.from_mapping({"disableCloudWatchLogs": True, "alarmPeriodSeconds": "45"})
