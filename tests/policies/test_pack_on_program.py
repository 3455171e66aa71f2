"""The project's own Pulumi program (__main__.py) under mocks, every registered resource fed to the pack.

The mocks record what a stack policy receives from the engine: type, props (inputs plus the computed
outputs a real deployment returns), name, URN and dependencies. The hardened program must produce no
violation; a setting that opts out of a control must produce exactly that control's violation.
"""
from __future__ import annotations

import json
import runpy
from pathlib import Path

import pulumi
from pulumi.runtime.mocks import MockMonitor

from testkit.pack import Res, run_pack, violated
from testkit.pulumi_mocks import resource_arn, standard_invoke

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT, REGION = "111111111111", "eu-west-1"


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self):
        self.state: dict[tuple[str, str], dict] = {}  # (type, name) -> props; a filter and its alarm share names

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        props, name = dict(args.inputs), args.name
        arn = resource_arn(args.typ, name, props, ACCOUNT, REGION)
        if arn:
            props["arn"] = arn
        if args.typ == "aws:kms/key:Key":
            props["keyId"] = name
        if args.typ == "aws:iam/role:Role":
            props["name"] = name
        if args.typ == "aws:sns/topic:Topic":
            props["name"] = props.get("name", name)
        self.state[(args.typ, name)] = props
        ident = props.get("bucket") if args.typ == "aws:s3/bucket:Bucket" else props.get("name", name)
        return str(ident), props

    def call(self, args: pulumi.runtime.MockCallArgs):
        standard = standard_invoke(args.token, ACCOUNT, REGION)
        if standard is not None:
            return standard
        if args.token == "aws:organizations/getOrganization:getOrganization":
            return {"id": "o-abcdefghij", "masterAccountId": ACCOUNT, "featureSet": "ALL",
                    "awsServiceAccessPrincipals": ["cloudtrail.amazonaws.com"]}
        return {}


class _Monitor(MockMonitor):
    """Keeps each registration's URN and dependencies, which MockResourceArgs does not carry."""

    def __init__(self, mocks):
        super().__init__(mocks)
        self.registered: dict[tuple[str, str], tuple[str, list[str], dict[str, list[str]]]] = {}

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        prop_deps = {k: list(v.urns) for k, v in request.propertyDependencies.items()}
        self.registered[(request.type, request.name)] = (response.urn, list(request.dependencies), prop_deps)
        return response


def program_stack(config: dict[str, object]) -> list[Res]:
    """Run __main__.py with this trailguard config; every custom resource as the pack's harness declares it."""
    mocks = _Mocks()
    monitor = _Monitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="trailguard", stack="policy-test", preview=False, monitor=monitor)
    pulumi.runtime.set_all_config({"aws:region": REGION, **{
        f"trailguard:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}})

    @pulumi.runtime.test
    def run():
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")

    try:
        run()
    finally:
        pulumi.runtime.set_all_config({})
    # the harness names resources uniquely; the URN's last part is not unique across types, the URN is
    by_urn = {urn: urn for urn, _, _ in monitor.registered.values()}
    out = []
    for (typ, name), props in mocks.state.items():
        urn, deps, prop_deps = monitor.registered[(typ, name)]
        out.append(Res(typ, urn, props, tuple(by_urn[u] for u in deps if u in by_urn),
                       {k: tuple(by_urn[u] for u in v if u in by_urn) for k, v in prop_deps.items()}))
    return out


# data events and Insights cost money, so the program leaves them to the user: turned on here
ORG_CONFIG = {"orgId": "o-abcdefghij", "eventSelectors": ["management-all", "s3-read-write"],
              "insights": ["ApiCallRateInsight", "ApiErrorRateInsight"],
              "alarmSubscriptions": [{"protocol": "email", "endpoint": "secops@example.com"}]}
PACK_CONFIG = {"cloudtrail-organization-trail-enabled": {"expectOrganizationTrail": True},
               "cloudtrail-trail-tagged": {"requiredTagKeys": ["ManagedBy"]}}


def test_program_registers_the_resources_the_pack_judges():
    types = {r.type for r in program_stack(ORG_CONFIG)}
    assert {"aws:cloudtrail/trail:Trail", "aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:s3/bucketPolicy:BucketPolicy",
            "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/logMetricFilter:LogMetricFilter"} <= types


def test_hardened_program_has_no_violation():
    results = run_pack(program_stack(ORG_CONFIG), PACK_CONFIG)
    assert {cid: out.messages for cid, out in results.items() if out.violations} == {}


def test_opting_out_of_log_file_validation_violates_that_control_and_the_security_trail():
    stack = program_stack({**ORG_CONFIG, "disableLogFileValidation": True})
    # CT-14 wants one trail meeting CT-01, 04, 05 and 07 at once
    assert violated(run_pack(stack, PACK_CONFIG)) == {"cloudtrail_log_file_validation_enabled",
                                                      "cloudtrail_security_trail_enabled"}


def test_short_retention_violates_the_configured_minimum():
    stack = program_stack({**ORG_CONFIG, "cloudWatchLogsRetentionDays": 90})
    assert violated(run_pack(stack, PACK_CONFIG)) == {"cloudwatch_trail_log_group_retention_sufficient"}
