"""CloudTrail allows at most 500 values across all advanced selector conditions of a trail.

CloudTrail User Guide, "Quotas in AWS CloudTrail": "Advanced event selectors ... 500 values for all
conditions and selectors on a trail"; the quota cannot be raised, and PutEventSelectors (called by the
provider after CreateTrail) fails above it.
"""
from __future__ import annotations

import json

import pytest

from components.errors import SettingsError
from components.quotas import selector_value_count
from components.settings import Settings


def buckets(n: int) -> list[str]:
    return [f"workload-bucket-{i:04d}" for i in range(n)]


def functions(n: int) -> list[str]:
    return [f"arn:aws:lambda:eu-west-1:111111111111:function:fn-{i}" for i in range(n)]


def settings(s3: int = 0, lam: int = 0) -> dict:
    presets = ["management-all"] + (["s3-read-write"] if s3 else []) + (["lambda-all"] if lam else [])
    return {"eventSelectors": json.dumps(presets), "s3DataEventBuckets": json.dumps(buckets(s3)),
            "lambdaFunctionArns": json.dumps(functions(lam))}


# management (1) + S3 (Data, AWS::S3::Object) + Lambda (Data, AWS::Lambda::Function): 5 fixed values
FIXED = 5


@pytest.mark.parametrize("s3,lam", [(1, 1), (250, 250 - FIXED), (500 - FIXED - 1, 1)])
def test_up_to_500_values_are_accepted(s3, lam):
    Settings.from_mapping(settings(s3, lam))


@pytest.mark.parametrize("s3,lam", [(250, 251 - FIXED), (500, 1), (0 + 1, 500)])
def test_above_500_values_is_refused_naming_the_contributing_settings(s3, lam):
    with pytest.raises(SettingsError) as err:
        Settings.from_mapping(settings(s3, lam))
    (problem,) = [p for p in err.value.problems if "500" in p]
    assert f"s3DataEventBuckets {s3}" in problem and f"lambdaFunctionArns {lam}" in problem
    assert f"hold {s3 + lam + FIXED} values" in problem


def test_count_covers_every_operator():
    sel = [{"name": "x", "field_selectors": [
        {"field": "a", "equals": ["1", "2"], "not_equals": ["3"]},
        {"field": "b", "starts_withs": ["4"], "not_starts_withs": ["5", "6"], "ends_withs": ["7"],
         "not_ends_withs": ["8"]}]}]
    assert selector_value_count(sel) == 8
