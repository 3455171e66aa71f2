"""Every trailguard:* key is read or refused, and every problem is reported at once (components.stack_config)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from components.errors import SettingsError
from components.stack_config import load_stack_config

ROOT = Path(__file__).resolve().parents[2]


class DictConfig:
    """pulumi.Config("trailguard")'s get/get_object over a plain dict of strings."""

    def __init__(self, values: dict[str, str]):
        self.values = values

    def get(self, key):
        return self.values.get(key)

    def get_object(self, key):
        raw = self.values.get(key)
        return None if raw is None else json.loads(raw)


def load(values: dict[str, str]):
    return load_stack_config(DictConfig(values), keys=list(values))


@pytest.mark.parametrize("typo,meant", [
    ("disableObjectlock", "disableObjectLock"),
    ("disableCloudwatchLogs", "disableCloudWatchLogs"),
    ("alarmSubscription", "alarmSubscriptions"),
    ("orgID", "orgId"),
])
def test_unknown_key_is_refused_with_the_closest_known_key(typo, meant):
    with pytest.raises(SettingsError) as err:
        load({typo: "true"})
    assert err.value.problems == [f"{typo}: unknown setting; did you mean {meant}?"]


def test_monitoring_problems_are_listed_with_every_other_problem():
    """Every bad setting at once (issue 18): a value that does not convert no longer hides the others' problems."""
    with pytest.raises(SettingsError) as err:
        load({"orgId": "bad", "alarmPeriodSeconds": "five", "disableObjectlock": "true",
              "alarmSubscriptions": '[{"protocol": "fax", "endpoint": "x"}]'})
    keys = sorted(p.split(":")[0] if not p.startswith("trailguard:") else p.split(":")[1] for p in err.value.problems)
    assert keys == ["alarmPeriodSeconds", "alarmSubscriptions[0].protocol", "disableObjectlock", "orgId"]
    assert str(err.value).count("\n  - ") == 4


def test_good_config_gives_settings_and_monitoring():
    settings, monitoring = load({"orgId": "o-abcdefghij", "alarmPeriodSeconds": "60"})
    assert (settings.org_id, monitoring.alarm_period_seconds) == ("o-abcdefghij", 60)


def test_no_monitoring_without_cloudwatch_logs():
    assert load({"disableCloudWatchLogs": "true"})[1] is None


def test_sandbox_plan_prints_the_one_line_settings_error_not_a_traceback():
    proc = subprocess.run([sys.executable, "-m", "sandbox", "plan", "--set", "orgId=bad"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "trailguard sandbox: invalid trailguard settings: orgId: 'bad' is not an organization id; allowed: \"\" "
        "(single account), \"auto\" (the caller's organization) or o- followed by 10-32 lowercase letters or digits."]


def test_keys_come_from_the_engines_config_of_the_trailguard_namespace(monkeypatch):
    import pulumi

    from components.stack_config import configured_keys

    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"trailguard:orgId": "o-abcdefghij", "aws:region": "eu-west-1"}))
    pulumi.runtime.set_all_config({"trailguard:disableObjectlock": "true", "other:key": "x"})
    try:
        assert configured_keys() == ["disableObjectlock", "orgId"]
        with pytest.raises(SettingsError, match="did you mean disableObjectLock"):
            load_stack_config()
    finally:
        pulumi.runtime.set_all_config({})


@pytest.mark.parametrize("stack_file", ["Pulumi.example.yaml", "Pulumi.sandbox.yaml"])
def test_shipped_stack_files_use_only_known_keys(stack_file):
    import yaml

    config = yaml.safe_load((ROOT / stack_file).read_text())["config"]
    values = {k.split(":", 1)[1]: v if isinstance(v, str) else json.dumps(v)
              for k, v in config.items() if k.startswith("trailguard:")}
    load(values)
