"""The whole Pulumi program (__main__.py) under mocks: config in, resources registered, outputs exported."""
from __future__ import annotations

import importlib.util
import pathlib
import runpy

import pulumi
import pytest

from components.errors import SettingsError

from testkit.component_mocks import MGMT, ORG, REGION, Plan, run_program

MAIN = pathlib.Path(__file__).resolve().parents[2] / "__main__.py"
BASE_OUTPUTS = {"trailArn", "trailName", "logBucketName", "accessLogBucketName", "kmsKeyArn", "logGroupName",
                "logGroupArn", "cloudWatchLogsRoleArn", "deliveryTopicArn"}


@pytest.fixture
def run_main(monkeypatch):
    def _run(config: dict) -> tuple[Plan, dict]:
        exported: dict = {}
        monkeypatch.setattr(pulumi, "export", lambda name, value: exported.__setitem__(name, value))
        pulumi.runtime.set_all_config({f"trailguard:{k}": v for k, v in config.items()})
        try:
            mocks, monitor, namespace, outputs = run_program(lambda: _Namespace(runpy.run_path(str(MAIN))))
        finally:
            pulumi.runtime.set_all_config({})
        return Plan(mocks, monitor, namespace.values["trail"], outputs), exported

    return _run


class _Namespace:
    """run_path's globals, exposing the component's outputs so run_program resolves them."""

    def __init__(self, values: dict):
        self.values = values
        self.outputs = values["trail"].outputs


def test_program_builds_the_org_trail_from_config_and_exports_every_output(run_main):
    plan, exported = run_main({"orgId": ORG, "trailName": "acme-org-trail", "cloudWatchLogsRetentionDays": "731"})
    assert BASE_OUTPUTS <= set(exported)
    trail = plan.get("trailguard-trail").inputs
    assert (trail["name"], trail["isOrganizationTrail"]) == ("acme-org-trail", True)
    assert plan.get("trailguard-cloudwatch-log-group").inputs["retentionInDays"] == 731
    assert plan.outputs["trailArn"] == f"arn:aws:cloudtrail:{REGION}:{MGMT}:trail/acme-org-trail"


def test_exported_values_are_the_component_outputs(run_main):
    plan, exported = run_main({"orgId": ORG})
    assert exported["trailArn"] is plan.component.outputs["trailArn"]
    assert exported["logBucketName"] is plan.component.outputs["logBucketName"]


@pytest.mark.skipif(importlib.util.find_spec("components.monitoring") is None, reason="monitoring not written yet")
def test_program_wires_cis_monitoring_to_the_trail_log_group_and_exports_the_alarm_topic(run_main):
    plan, exported = run_main({"orgId": ORG})
    assert "alarmTopicArn" in exported
    assert plan.outputs["alarmTopicArn"].startswith(f"arn:aws:sns:{REGION}:{MGMT}:")
    filters = plan.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    assert filters and {f.inputs["logGroupName"] for f in filters} == {
        "trailguard/cloudtrail/trailguard-organization-trail"}


def test_program_without_cloudwatch_logs_has_no_monitoring(run_main):
    plan, exported = run_main({"disableCloudWatchLogs": "true"})
    assert "alarmTopicArn" not in exported
    assert plan.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter") == []


def test_bad_config_fails_before_any_resource_is_registered(run_main):
    with pytest.raises(SettingsError) as err:
        run_main({"objectLockMode": "FOREVER", "cloudWatchLogsRetentionDays": "10"})
    message = str(err.value)
    assert "objectLockMode: 'FOREVER'" in message and "cloudWatchLogsRetentionDays: 10" in message


def test_bad_config_registers_nothing(monkeypatch):
    from testkit.component_mocks import CapturingMocks, RecordingMonitor

    mocks = CapturingMocks()
    pulumi.runtime.set_mocks(mocks, project="trailguard", stack="test", preview=False, monitor=RecordingMonitor(mocks))
    pulumi.runtime.set_all_config({"trailguard:orgId": "bad-org"})
    try:
        with pytest.raises(SettingsError, match="orgId: 'bad-org'"):
            runpy.run_path(str(MAIN))
    finally:
        pulumi.runtime.set_all_config({})
    assert mocks.resources == {}
