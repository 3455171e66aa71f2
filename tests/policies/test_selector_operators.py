"""Advanced selector operators as pulumi-aws v7 sends them: plural engine names (startsWiths, ...).

A trail whose S3 data event selector lists one bucket (resources.ARN startsWiths) must not pass the
"all buckets" controls: CIS 3.8/3.9 ask for object-level logging of every bucket.
"""
from __future__ import annotations

import pytest

from checks.facts import AdvancedSelector, FieldSelector
from checks.shapes import OPERATORS
from testkit.pack import run_pack
from test_pack_on_program import ORG_CONFIG, PACK_CONFIG, program_stack
from trailguard_policies import trail_adapter

S3_ALL_BUCKETS = {"cloudtrail_s3_read_data_events_enabled", "cloudtrail_s3_write_data_events_enabled"}


@pytest.mark.parametrize("op", OPERATORS, ids=lambda o: o.fact)
def test_adapter_reads_each_operator_under_its_pulumi_aws_engine_name(op):
    """checks.shapes holds the engine names against pulumi_aws (tests/checks/test_shapes.py); this sweep
    feeds each one to the adapter."""
    value = f"arn:aws:s3:::{op.fact}/"
    props = {"advancedEventSelectors": [
        {"name": "s3", "fieldSelectors": [{"field": "resources.ARN", op.engine: [value]}]}]}
    expected = FieldSelector(field="resources.ARN", **{op.fact: (value,)})
    assert trail_adapter.selectors(props).advanced == (AdvancedSelector("s3", (expected,)),)


def test_s3_data_events_for_one_bucket_fail_the_all_buckets_controls():
    stack = program_stack({**ORG_CONFIG, "s3DataEventBuckets": ["one-workload-bucket"]})
    trail = next(r for r in stack if r.type == "aws:cloudtrail/trail:Trail")
    s3 = next(s for s in trail.props["advancedEventSelectors"] if s["name"].startswith("S3"))
    assert {"field": "resources.ARN", "startsWiths": ["arn:aws:s3:::one-workload-bucket/"]} in s3["fieldSelectors"]
    results = run_pack(stack, PACK_CONFIG)
    assert {cid for cid in S3_ALL_BUCKETS if results[cid].violations} == S3_ALL_BUCKETS


def test_s3_data_events_for_all_buckets_but_the_trails_own_pass_them():
    results = run_pack(program_stack(ORG_CONFIG), PACK_CONFIG)
    assert {cid for cid in S3_ALL_BUCKETS if results[cid].violations} == set()
