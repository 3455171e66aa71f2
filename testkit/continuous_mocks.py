"""Pulumi mocks for the ContinuousAudit component: every registered resource with its inputs, and the
ARNs AWS would return (Lambda, Step Functions, IAM, SNS, KMS, S3), so policies built from them resolve."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi

from testkit.pulumi_mocks import resource_arn, standard_invoke

ACCOUNT, REGION = "333333333333", "eu-west-1"


@dataclass
class Res:
    typ: str
    name: str
    inputs: dict
    provider: str = ""

    def json(self, key: str) -> dict:
        return json.loads(self.inputs[key])


class Mocks(pulumi.runtime.Mocks):
    def __init__(self):
        self.resources: list[Res] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        inputs, n, a, r = dict(args.inputs), args.name, ACCOUNT, REGION
        self.resources.append(Res(args.typ, n, inputs, args.provider or ""))
        arn = resource_arn(args.typ, n, inputs, a, r)
        extra = {"arn": arn, "name": inputs.get("name", n)} if arn else {}
        if args.typ == "aws:kms/key:Key":
            extra["keyId"] = n
        ident = inputs.get("bucket") or inputs.get("name") or f"{n}-id"
        return ident, {**inputs, **extra}

    def call(self, args: pulumi.runtime.MockCallArgs):
        return standard_invoke(args.token, ACCOUNT, REGION) or {}


def fresh_event_loop() -> None:
    """Pulumi's mocks need a current event loop; the sandbox deployer's tests (same process under -p no:xdist)
    leave the main thread without one, which made this module's tests depend on test order."""
    import asyncio

    asyncio.set_event_loop(asyncio.new_event_loop())


def deploy(settings: dict, package: str) -> tuple[list[Res], dict]:
    """ContinuousAudit under mocks with these continuousAudit settings; (resources, resolved outputs)."""
    from components.continuous_audit import ContinuousAudit, ContinuousAuditArgs
    from components.continuous_settings import parse

    parsed, errors = parse({"package": package, **settings})
    assert not errors, errors
    fresh_event_loop()
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="trailguard", stack="continuous", preview=False)
    holder: dict = {}

    @pulumi.runtime.test
    def body():
        audit = ContinuousAudit("trailguard-continuous", ContinuousAuditArgs(settings=parsed, package_path=package))
        keys = list(audit.outputs)
        return pulumi.Output.all(*audit.outputs.values()).apply(lambda v: holder.update(zip(keys, v)))

    body()
    return mocks.resources, holder


def run_program(program) -> list[Res]:
    """Any ``program()`` under these mocks; the resources it registered."""
    fresh_event_loop()
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="trailguard", stack="continuous", preview=False)

    @pulumi.runtime.test
    def body():
        outputs = program()
        return pulumi.Output.all(*outputs.values())

    body()
    return mocks.resources
