"""checks/collect/models/: botocore's own model, cut to the operations trailguard calls, and used by the CLI only.

Regenerate after a botocore upgrade: ``python tests/checks/test_slim_models.py --write``.
"""
from __future__ import annotations

import json
import os
import sys

import boto3
import botocore.session

from checks.collect import slim_models


def cut(service: str, operations: tuple[str, ...]) -> tuple[str, dict]:
    """(api version, botocore's model of ``service`` with only ``operations`` and the shapes they reach)."""
    loader = botocore.session.get_session().get_component("data_loader")
    full = loader.load_service_model(service, "service-2")
    shapes: dict = {}

    def reach(name: str) -> None:
        if name in shapes:
            return
        shape = shapes[name] = full["shapes"][name]
        for key in ("member", "key", "value"):
            if key in shape:
                reach(shape[key]["shape"])
        for member in shape.get("members", {}).values():
            reach(member["shape"])

    ops = {op: full["operations"][op] for op in operations}
    for op in ops.values():
        for key in ("input", "output"):
            if key in op:
                reach(op[key]["shape"])
        for error in op.get("errors", ()):
            reach(error["shape"])
    return full["metadata"]["apiVersion"], {"version": full.get("version", "2.0"), "metadata": full["metadata"],
                                            "operations": ops, "shapes": dict(sorted(shapes.items()))}


def _path(service: str, version: str) -> str:
    return os.path.join(slim_models.MODELS_DIR, service, version, "service-2.json")


def test_the_slim_models_are_botocores_cut_to_what_we_call():
    for service, operations in slim_models.SLIM.items():
        version, expected = cut(service, operations)
        with open(_path(service, version), encoding="utf-8") as fh:
            assert json.load(fh) == expected, f"regenerate: python {__file__} --write"


def test_the_cli_session_gets_the_slim_ec2_and_a_library_session_keeps_the_whole_model():
    mine, theirs = boto3.Session(region_name="us-east-1"), boto3.Session(region_name="us-east-1")
    slim_models.use_slim_models(mine)
    slim_models.use_slim_models(mine)  # idempotent
    ec2 = mine.client("ec2")
    assert ec2.meta.service_model.operation_names == ["DescribeRegions"]
    assert ec2.meta.service_model.api_version == theirs.client("ec2").meta.service_model.api_version
    assert len(theirs.client("ec2").meta.service_model.operation_names) > 500
    assert len(mine.client("cloudtrail").meta.service_model.operation_names) > 10  # other services: botocore's


def test_describe_regions_answers_the_same_through_the_slim_model():
    from moto import mock_aws

    with mock_aws():
        mine, theirs = boto3.Session(region_name="us-east-1"), boto3.Session(region_name="us-east-1")
        slim_models.use_slim_models(mine)
        assert (mine.client("ec2").describe_regions(AllRegions=False)["Regions"] ==
                theirs.client("ec2").describe_regions(AllRegions=False)["Regions"])


if __name__ == "__main__" and "--write" in sys.argv:
    for svc, ops in slim_models.SLIM.items():
        ver, model = cut(svc, ops)
        os.makedirs(os.path.dirname(_path(svc, ver)), exist_ok=True)
        with open(_path(svc, ver), "w", encoding="utf-8") as out:
            json.dump(model, out, indent=1, sort_keys=False)
            out.write("\n")
        print("wrote", _path(svc, ver))
