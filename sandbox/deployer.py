"""A stand-in for `pulumi up` on machines without the Pulumi CLI: the real program, under mocks.

`deploy` runs the project's `__main__.py` (the same components `pulumi up` runs) with
`pulumi.runtime.set_mocks`. The mocks create each resource in an AWS emulator (moto's server) with
boto3 and answer with the ids and attributes pulumi-aws would, so outputs flow between resources as in
a real deployment. `plan` runs the same program with inert mocks: the resource tree, no AWS at all.

This is not Pulumi: no state file, no diff, no update or delete. It exists so `make demo` and the
tests can provision the exact stack the components describe into a local emulator.
"""
from __future__ import annotations

import contextvars
import json
import runpy
import sys
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from checks.arns import arn_account
from sandbox.convert import assumed_role_arn, numbers

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PROGRAM = PROJECT_ROOT / "__main__.py"
PROJECT, STACK = "trailguard", "sandbox"
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"  # moto's account for the ambient "testing" credentials
PROVIDER_TYPE = "pulumi:providers:aws"
ORGANIZATION_INVOKES = ("aws:organizations/getOrganization:getOrganization",
                        "aws:organizations/getDelegatedAdministrators:getDelegatedAdministrators")


class DeployError(RuntimeError):
    """The sandbox could not create the stack; the message names the resource and the cause."""


class UnsupportedResourceType(DeployError):
    pass


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


@dataclass
class DeployedResource:
    type: str
    name: str
    urn: str
    id: str
    inputs: dict
    state: dict  # inputs echoed back plus what AWS computed (arn, generated name, ...)
    parent: str = ""  # parent URN; "" for children of the stack
    custom: bool = True  # False for ComponentResources
    provider: str = ""  # provider reference "urn::id", "" for the default provider
    dependencies: tuple[str, ...] = ()


@dataclass
class DeployResult:
    outputs: dict
    resources: list[DeployedResource] = field(default_factory=list)

    def of_type(self, token: str) -> list[DeployedResource]:
        return [r for r in self.resources if r.type == token]


def supported_types() -> list[str]:
    from sandbox.handlers import HANDLERS

    return sorted(HANDLERS) + [PROVIDER_TYPE]


def normalize_config(config: Mapping[str, Any]) -> dict[str, str]:
    """Bare keys belong to the `trailguard` namespace; non-strings become JSON (Config.get_object)."""
    out = {}
    for key, value in config.items():
        full = key if ":" in key else f"{PROJECT}:{key}"
        out[full] = value if isinstance(value, str) else json.dumps(value)
    return out


# --- running the program ----------------------------------------------------------------------------


class _Recorder:
    """Everything registered, in order; shared by the monitor (which sees parents) and the mocks."""

    def __init__(self) -> None:
        self.resources: list[DeployedResource] = []
        self.local = threading.local()  # the registration being handled on this RPC thread
        self.errors: list[BaseException] = []


def _make_monitor(mocks, recorder: _Recorder):
    from pulumi.runtime.mocks import MockMonitor

    class RecordingMonitor(MockMonitor):
        # The mock interface doesn't pass the parent to new_resource; the tree needs it.
        def RegisterResource(self, request):
            recorder.local.request = (self.make_urn(request.parent, request.type, request.name),
                                      request.parent, tuple(request.dependencies))
            return super().RegisterResource(request)

    return RecordingMonitor(mocks)


def _run_program(mocks, recorder: _Recorder, config: Mapping[str, Any], program: Path) -> dict:
    """Run the program in a fresh context and event loop: Pulumi's per-run globals never leak between runs."""
    import asyncio

    try:  # restored afterwards: Pulumi code run later in this thread (tests, a second deploy) needs a loop
        previous = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        previous = None
    loop = asyncio.new_event_loop()
    # A failed resource leaves Pulumi futures nobody awaits; asyncio would log each one at exit. The
    # recorder already holds those errors and deploy() raises them, so only other errors are logged.
    loop.set_exception_handler(lambda lp, ctx: None if ctx.get("exception") in recorder.errors
                               or isinstance(ctx.get("exception"), DeployError)
                               else lp.default_exception_handler(ctx))
    try:  # the caller's loop comes back afterwards: None would break a later pulumi.runtime.test in this thread
        previous = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        previous = None
    asyncio.set_event_loop(loop)
    try:
        return contextvars.Context().run(_run_in_context, mocks, recorder, config, program)
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        asyncio.set_event_loop(previous)
        loop.close()


def _run_in_context(mocks, recorder, config, program: Path) -> dict:
    import pulumi
    from pulumi.runtime import config as pulumi_config
    from pulumi.runtime import settings
    from pulumi.runtime.mocks import set_mocks
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    pulumi_config.set_all_config(normalize_config(config))
    set_mocks(mocks, project=PROJECT, stack=STACK, preview=False, monitor=_make_monitor(mocks, recorder))
    settings.SETTINGS.outputs.clear()  # tasks a failed earlier run left behind belong to a closed loop
    if str(program.parent) not in sys.path:
        sys.path.insert(0, str(program.parent))
    try:
        _sync_await(run_pulumi_func(lambda: runpy.run_path(str(program), run_name="__main__")))
        outputs = _sync_await(pulumi.Output.from_input(dict(settings.get_root_resource().outputs)).future())
    except Exception as exc:
        if recorder.errors:  # the mocks' own errors are the useful ones, not Pulumi's wrapper
            raise _combined(recorder.errors) from exc
        raise
    if recorder.errors:
        raise _combined(recorder.errors)
    return outputs or {}


def _combined(errors: list[BaseException]) -> DeployError:
    if len(errors) == 1 and isinstance(errors[0], DeployError):
        return errors[0]
    kind = UnsupportedResourceType if any(isinstance(e, UnsupportedResourceType) for e in errors) else DeployError
    return kind(f"{len(errors)} resource(s) failed: " + " | ".join(str(e) for e in errors))


class _BaseMocks:
    def __init__(self, recorder: _Recorder, config: Mapping[str, Any]) -> None:
        self.recorder = recorder
        self.config = normalize_config(config)
        self.region = self.config.get("aws:region", DEFAULT_REGION)
        self.lock = threading.Lock()  # Pulumi registers resources from a thread pool

    def new_resource(self, args) -> tuple[str, dict]:
        urn, parent, deps = getattr(self.recorder.local, "request", (f"{args.typ}::{args.name}", "", ()))
        inputs = numbers(dict(args.inputs))
        try:
            with self.lock:
                if not args.custom and args.typ != PROVIDER_TYPE:
                    rid, extra = f"{args.name}", {}
                else:
                    rid, extra = self.create(args.typ, args.name, urn, inputs, args.provider or "")
        except BaseException as exc:
            err = exc if isinstance(exc, DeployError) else DeployError(
                f"{args.typ} {args.name!r}: {type(exc).__name__}: {exc}")
            self.recorder.errors.append(err)
            raise err from exc
        state = {**inputs, **extra}
        self.recorder.resources.append(DeployedResource(
            type=args.typ, name=args.name, urn=urn, id=rid, inputs=inputs, state=state,
            parent=parent, custom=bool(args.custom), provider=args.provider or "", dependencies=deps))
        return rid, state

    def call(self, args) -> tuple[dict, list]:
        token = args.token
        if token == "aws:index/getPartition:getPartition":
            return {"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com",
                    "reverseDnsPrefix": "com.amazonaws"}, []
        if token == "aws:index/getRegion:getRegion":
            region = args.args.get("region") or args.args.get("name") or self.region
            return {"id": region, "name": region, "region": region, "description": region,
                    "endpoint": f"ec2.{region}.amazonaws.com"}, []
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            account = self.account_for(args.provider or "")
            return {"id": account, "accountId": account, "arn": f"arn:aws:iam::{account}:root",
                    "userId": account}, []
        if token in ORGANIZATION_INVOKES:
            return self.organization(token, args.args, args.provider or ""), []
        raise DeployError(
            f"the sandbox does not answer the invoke {token!r}; supported: "
            "aws:index/getCallerIdentity:getCallerIdentity, aws:index/getPartition:getPartition, "
            "aws:index/getRegion:getRegion, " + ", ".join(ORGANIZATION_INVOKES) + "."
        )

    def account_for(self, provider_ref: str) -> str:
        raise NotImplementedError

    def organization(self, token: str, args: dict, provider_ref: str) -> dict:
        raise NotImplementedError

    def create(self, typ: str, name: str, urn: str, inputs: dict, provider_ref: str) -> tuple[str, dict]:
        raise NotImplementedError


class _PlanMocks(_BaseMocks):
    """No AWS: plausible ids and ARNs so the program's apply() calls and policies see real shapes."""

    def account_for(self, provider_ref: str) -> str:
        return self.config.get(f"{PROJECT}:managementAccountId", DEFAULT_ACCOUNT)

    def organization(self, token, args, provider_ref):
        from sandbox.org_invokes import planned

        return planned(token, args, self.config.get(f"{PROJECT}:orgId", ""), self.account_for(provider_ref))

    def create(self, typ, name, urn, inputs, provider_ref):
        account, region = self.account_for(provider_ref), inputs.get("region") or self.region
        physical = inputs.get("bucket") if typ in _BUCKET_TYPES else inputs.get("name")
        physical = physical or name
        fmt = _PLAN_ARNS.get(typ)
        if typ == "aws:kms/key:Key":
            physical = str(uuid.uuid5(uuid.NAMESPACE_URL, urn))  # stable across plans, unique per key
        arn = fmt.format(p="aws", r=region, a=account, n=physical) if fmt else ""
        rid = arn if typ in _ARN_IDS else physical
        extra = {"arn": arn} if arn else {}
        if typ in _BUCKET_TYPES:
            extra["bucket"] = physical
        elif typ == "aws:kms/key:Key":
            extra["keyId"] = physical
        elif fmt:
            extra["name"] = physical
        return rid, extra


_BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
_ARN_IDS = ("aws:cloudtrail/trail:Trail", "aws:sns/topic:Topic")
# pulumi-aws ARN shapes, so the plan's joins (trail -> key, bucket, log group, topic) work by value.
_PLAN_ARNS = {
    "aws:kms/key:Key": "arn:{p}:kms:{r}:{a}:key/{n}",
    "aws:kms/alias:Alias": "arn:{p}:kms:{r}:{a}:{n}",
    "aws:s3/bucket:Bucket": "arn:{p}:s3:::{n}",
    "aws:s3/bucketV2:BucketV2": "arn:{p}:s3:::{n}",
    "aws:cloudwatch/logGroup:LogGroup": "arn:{p}:logs:{r}:{a}:log-group:{n}",
    "aws:iam/role:Role": "arn:{p}:iam::{a}:role/{n}",
    "aws:sns/topic:Topic": "arn:{p}:sns:{r}:{a}:{n}",
    "aws:sqs/queue:Queue": "arn:{p}:sqs:{r}:{a}:{n}",
    "aws:cloudtrail/trail:Trail": "arn:{p}:cloudtrail:{r}:{a}:trail/{n}",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "arn:{p}:cloudwatch:{r}:{a}:alarm:{n}",
}


class _MotoMocks(_BaseMocks):
    """Create each resource in the emulator, in the account its provider stands for."""

    def __init__(self, recorder, config, endpoint_url: str,
                 account_credentials: Mapping[str, Credentials] | None) -> None:
        super().__init__(recorder, config)
        self.endpoint_url = endpoint_url
        self.credentials = dict(account_credentials or {})
        self.providers: dict[str, tuple[Credentials | None, str]] = {}  # provider urn -> (creds, region)
        self.clients: dict[tuple, Any] = {}
        self.identity: dict[Credentials | None, str] = {}
        management = self.config.get(f"{PROJECT}:managementAccountId", "")
        if management in self.credentials:
            self.default = self.credentials[management]
        elif len(self.credentials) == 1:
            self.default = next(iter(self.credentials.values()))
        else:
            self.default = None  # the ambient credentials (moto's default account)

    def client(self, service: str, creds: Credentials | None, region: str):
        import boto3
        from botocore.config import Config

        key = (service, creds, region)
        if key not in self.clients:
            kw = {}
            if creds is not None:
                kw = {"aws_access_key_id": creds.access_key_id,
                      "aws_secret_access_key": creds.secret_access_key,
                      "aws_session_token": creds.session_token}
            session = boto3.session.Session(region_name=region, **kw)
            self.clients[key] = session.client(service, endpoint_url=self.endpoint_url,
                                               config=Config(retries={"max_attempts": 2}))
        return self.clients[key]

    def _provider(self, provider_ref: str) -> tuple[Credentials | None, str]:
        urn = provider_ref.rsplit("::", 1)[0] if provider_ref else ""
        return self.providers.get(urn, (self.default, self.region))

    def account_for(self, provider_ref: str) -> str:
        creds, region = self._provider(provider_ref)
        with self.lock:
            if creds not in self.identity:
                sts = self.client("sts", creds, region)
                self.identity[creds] = sts.get_caller_identity()["Account"]
            return self.identity[creds]

    def organization(self, token, args, provider_ref):
        """What pulumi-aws reads from Organizations, asked of the emulator with the provider's credentials."""
        from sandbox.org_invokes import delegated_administrators, get_organization

        creds, region = self._provider(provider_ref)
        client = self.client("organizations", creds, region)
        if token == ORGANIZATION_INVOKES[0]:
            return get_organization(client, self.account_for(provider_ref))
        return delegated_administrators(client, args.get("servicePrincipal"))

    def _register_provider(self, urn: str, inputs: dict) -> None:
        region = inputs.get("region") or self.region
        role_arn = assumed_role_arn(inputs)
        creds = self.default
        if role_arn:
            account = arn_account(role_arn)
            creds = self.credentials.get(account)
            if creds is None:  # moto maps assumed-role credentials to the role's account
                got = self.client("sts", self.default, region).assume_role(
                    RoleArn=role_arn, RoleSessionName="trailguard-sandbox")["Credentials"]
                creds = Credentials(got["AccessKeyId"], got["SecretAccessKey"], got["SessionToken"])
        self.providers[urn] = (creds, region)

    def create(self, typ, name, urn, inputs, provider_ref):
        from sandbox.handlers import HANDLERS, Ctx

        if typ == PROVIDER_TYPE:
            self._register_provider(urn, inputs)
            return f"{name}-sandbox-provider", {}
        handler = HANDLERS.get(typ)
        if handler is None:
            raise UnsupportedResourceType(
                f"the sandbox deployer does not know the resource type {typ!r} (resource {name!r}); "
                f"supported: {', '.join(supported_types())}."
            )
        creds, provider_region = self._provider(provider_ref)
        region = inputs.get("region") or provider_region
        if creds not in self.identity:
            self.identity[creds] = self.client("sts", creds, region).get_caller_identity()["Account"]
        ctx = Ctx(client=lambda service: self.client(service, creds, region),
                  account_id=self.identity[creds], region=region)
        rid, extra = handler(ctx, name, inputs)
        if "region" not in inputs:
            extra.setdefault("region", region)
        return rid, extra


def deploy(endpoint_url: str, config: Mapping[str, Any], *,
           account_credentials: Mapping[str, Credentials] | None = None,
           program: Path | str = PROGRAM) -> DeployResult:
    """Provision the stack into the emulator at `endpoint_url`.

    `config` holds stack settings (bare keys are `trailguard:<key>`; `aws:region` sets the region).
    `account_credentials` maps account ids to credentials: the default provider deploys into
    `managementAccountId` (or the only account given; else the ambient credentials), and an explicit
    provider that assumes a role deploys into the role's account.
    """
    recorder = _Recorder()
    mocks = _MotoMocks(recorder, config, endpoint_url, account_credentials)
    outputs = _run_program(mocks, recorder, config, Path(program))
    return DeployResult(outputs=outputs, resources=recorder.resources)


def plan(config: Mapping[str, Any], *, program: Path | str = PROGRAM) -> list[DeployedResource]:
    """The resources the program declares, with parents, under inert mocks (no AWS, no CLI)."""
    recorder = _Recorder()
    _run_program(_PlanMocks(recorder, config), recorder, config, Path(program))
    return recorder.resources
