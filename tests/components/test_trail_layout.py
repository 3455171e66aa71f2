"""OrganizationTrail lays out every name and ARN before it registers a cloud resource (components/trail.py)."""
from __future__ import annotations

import pulumi
import pytest

from components.errors import SettingsError
from testkit.component_mocks import MGMT, CapturingMocks, RecordingMonitor


def _registered_under_mocks(values: dict):
    """Build the component with these settings; return (the error it raised or None, registered types)."""
    from components.settings import Settings
    from components.trail import OrganizationTrail, OrganizationTrailArgs

    settings = Settings.from_mapping(values)
    mocks = CapturingMocks(account=MGMT)
    pulumi.runtime.set_mocks(mocks, project="trailguard", stack="test", preview=False,
                             monitor=RecordingMonitor(mocks))

    @pulumi.runtime.test
    def body():
        OrganizationTrail("tg", OrganizationTrailArgs(settings=settings))

    try:
        body()
    except SettingsError as exc:
        return exc, sorted({t for t, _ in mocks.resources})
    return None, sorted({t for t, _ in mocks.resources})


def test_a_layout_problem_raises_before_any_cloud_resource_is_registered():
    """s3DataEventBuckets naming only the trail's own log bucket would make the trail log its own writes;
    Settings can't see the bucket name the layout derives, so the layout refuses it, with nothing built."""
    err, types = _registered_under_mocks({"eventSelectors": '["management-all", "s3-write"]',
                                          "logBucketName": "org-trail-logs",
                                          "s3DataEventBuckets": '["org-trail-logs"]'})
    assert err is not None and "lists only the trail's own log buckets" in str(err)
    assert [t for t in types if not t.startswith("trailguard:")] == []


def test_the_same_settings_with_another_bucket_build_the_trail():
    err, types = _registered_under_mocks({"eventSelectors": '["management-all", "s3-write"]',
                                          "logBucketName": "org-trail-logs", "s3DataEventBuckets": '["workload-data"]'})
    assert err is None and "aws:cloudtrail/trail:Trail" in types
