"""Pulumi mocks for component tests: record every registered resource (inputs, options, dependencies).

``deploy(settings_dict)`` runs OrganizationTrail under mocks and returns a :class:`Plan` to query. Resources
created through the log-archive provider get ARNs in the archive account, like AWS would return.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pytest
from pulumi.runtime.mocks import MockMonitor

from testkit.pulumi_mocks import standard_invoke

MGMT = "111111111111"
ARCHIVE = "222222222222"
REGION = "eu-west-1"
ORG = "o-abcdefghij"


@dataclass
class Registered:
    typ: str
    name: str
    inputs: dict
    urn: str = ""
    provider: str = ""
    parent: str = ""
    protect: bool = False
    retain_on_delete: bool = False
    dependencies: list[str] = field(default_factory=list)

    def policy(self, key: str = "policy") -> dict:
        return json.loads(self.inputs[key])


def organization_answer(org_id: str = ORG, master: str = MGMT, *, feature_set: str = "ALL",
                        principals: tuple[str, ...] = ("cloudtrail.amazonaws.com", "config.amazonaws.com"),
                        delegated: tuple[str, ...] = ()) -> dict:
    """getOrganization (and getDelegatedAdministrators) as pulumi-aws returns them, by engine name."""
    return {"id": org_id, "arn": f"arn:aws:organizations::{master}:organization/{org_id}",
            "masterAccountId": master, "featureSet": feature_set, "awsServiceAccessPrincipals": list(principals),
            "delegated": list(delegated)}


class CapturingMocks(pulumi.runtime.Mocks):
    def __init__(self, account: str = MGMT, region: str = REGION, organization: dict | None = None):
        self.account, self.region = account, region
        self.organization = organization or organization_answer()
        self.resources: dict[tuple[str, str], Registered] = {}  # (type, name): names repeat across types
        self.calls: list[tuple[str, str]] = []

    def _account(self, provider: str | None) -> str:
        return ARCHIVE if provider and "log-archive" in provider else self.account

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        inputs, acct, r = dict(args.inputs), self._account(args.provider), self.region
        self.resources[(args.typ, args.name)] = Registered(args.typ, args.name, inputs, provider=args.provider or "")
        t = args.typ
        if t == "aws:s3/bucket:Bucket":
            return inputs["bucket"], {**inputs, "arn": f"arn:aws:s3:::{inputs['bucket']}"}
        if t == "aws:kms/key:Key":
            key_id = f"key-{args.name}"
            return key_id, {**inputs, "keyId": key_id, "arn": f"arn:aws:kms:{r}:{acct}:key/{key_id}"}
        if t == "aws:cloudwatch/logGroup:LogGroup":
            return inputs["name"], {**inputs, "arn": f"arn:aws:logs:{r}:{acct}:log-group:{inputs['name']}"}
        if t == "aws:iam/role:Role":
            return args.name, {**inputs, "name": args.name, "arn": f"arn:aws:iam::{acct}:role/{args.name}"}
        if t == "aws:sns/topic:Topic":
            topic = inputs.get("name") or args.name
            return topic, {**inputs, "name": topic, "arn": f"arn:aws:sns:{r}:{acct}:{topic}"}
        if t == "aws:cloudtrail/trail:Trail":
            return inputs["name"], {**inputs, "arn": f"arn:aws:cloudtrail:{r}:{acct}:trail/{inputs['name']}"}
        return f"{args.name}-id", inputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        self.calls.append((args.token, args.provider or ""))
        standard = standard_invoke(args.token, self._account(args.provider), self.region)
        if standard is not None:
            return standard
        if args.token == "aws:organizations/getOrganization:getOrganization":
            return {k: v for k, v in self.organization.items() if k != "delegated"}
        if args.token == "aws:organizations/getDelegatedAdministrators:getDelegatedAdministrators":
            return {"id": "cloudtrail", "servicePrincipal": args.args.get("servicePrincipal"),
                    "delegatedAdministrators": [{"id": a, "arn": f"arn:aws:organizations::{MGMT}:account/{a}"}
                                                for a in self.organization["delegated"]]}
        return {}


class RecordingMonitor(MockMonitor):
    """Keeps each registration's options, which MockResourceArgs does not carry."""

    def __init__(self, mocks: CapturingMocks):
        super().__init__(mocks)
        self.options: dict[tuple[str, str], dict] = {}

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        self.options[(request.type, request.name)] = {
            "urn": response.urn, "parent": request.parent, "provider": request.provider,
            "protect": request.protect, "retain_on_delete": request.retainOnDelete,
            "dependencies": list(request.dependencies),
        }
        return response


class Plan:
    def __init__(self, mocks: CapturingMocks, monitor: RecordingMonitor, component, outputs: dict):
        self.mocks, self.component, self.outputs = mocks, component, outputs
        for key, reg in mocks.resources.items():
            opts = monitor.options.get(key, {})
            reg.urn, reg.parent = opts.get("urn", ""), opts.get("parent", "")
            reg.protect, reg.retain_on_delete = opts.get("protect", False), opts.get("retain_on_delete", False)
            reg.dependencies = opts.get("dependencies", [])
        self.urns = {opts["urn"]: key[1] for key, opts in monitor.options.items()}

    def get(self, name: str) -> Registered:
        (match,) = [r for (_, n), r in self.mocks.resources.items() if n == name]
        return match

    def of_type(self, typ: str) -> list[Registered]:
        return [r for r in self.mocks.resources.values() if r.typ == typ]

    def has(self, name: str) -> bool:
        return any(n == name for _, n in self.mocks.resources)

    def depends_on(self, name: str) -> set[str]:
        return {self.urns.get(u, u) for u in self.get(name).dependencies}


def run_program(program, account: str = MGMT, organization: dict | None = None):
    """Run ``program()`` under fresh mocks; returns (mocks, monitor, program's return value, resolved outputs)."""
    mocks = CapturingMocks(account=account, organization=organization)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="trailguard", stack="test", preview=False, monitor=monitor)
    holder: dict = {}

    @pulumi.runtime.test
    def body():
        holder["value"] = program()
        outputs = getattr(holder["value"], "outputs", None) or {}
        keys = list(outputs)
        return pulumi.Output.all(*outputs.values()).apply(lambda vals: holder.update(outputs=dict(zip(keys, vals))))

    body()
    return mocks, monitor, holder.get("value"), holder.get("outputs", {})


@pytest.fixture
def deploy():
    from components.settings import Settings
    from components.trail import OrganizationTrail, OrganizationTrailArgs

    def _deploy(values: dict | None = None, *, account: str = MGMT, monitoring=None,
                organization: dict | None = None) -> Plan:
        settings = Settings.from_mapping(values or {})
        mocks, monitor, component, outputs = run_program(
            lambda: OrganizationTrail("tg", OrganizationTrailArgs(settings=settings, monitoring=monitoring)),
            account=account, organization=organization)
        return Plan(mocks, monitor, component, outputs)

    return _deploy


@pytest.fixture
def org_plan(deploy) -> Plan:
    return deploy({"orgId": ORG})
