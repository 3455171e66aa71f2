"""Sandbox handlers for the scheduled audit's resource types (components/continuous_audit.py): Lambda
functions, the Step Functions state machine and the EventBridge Scheduler schedule, created in moto.

moto stores them (it runs neither the functions without Docker nor the state machine); the demo runs one
execution with testkit/asl_interpreter.py, which stands in for Step Functions.
"""
from __future__ import annotations

from pathlib import Path

from sandbox.convert import as_json_text, drop_none, physical_name
from sandbox.handlers import HANDLERS, Ctx, handles

_ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
_attach_role_policy = HANDLERS[_ATTACH]


@handles(_ATTACH)
def attach_role_policy(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    """AWS-managed policies (SecurityAudit) exist in every AWS account; moto loads them only with
    MOTO_IAM_LOAD_MANAGED_POLICIES (all ~1,300 of them, per account). The emulator (in this process) gets
    just the one attached, from moto's own copy of AWS's managed policies, before the attachment."""
    arn = p["policyArn"]
    if ":iam::aws:policy/" in arn:
        _load_aws_managed_policy(ctx.account_id, arn)
    return _attach_role_policy(ctx, name, p)


def _load_aws_managed_policy(account_id: str, arn: str) -> None:
    import json

    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy, iam_backends

    backend = iam_backends[account_id]["global"]
    if arn not in backend.managed_policies:
        name = arn.rsplit("/", 1)[1]
        data = json.loads(aws_managed_policies_data)[name]
        backend.managed_policies[arn] = AWSManagedPolicy.from_data(name, account_id, backend.region_name, data)


def _zip_bytes(code) -> bytes:
    path = getattr(code, "path", None) or (code.get("path") if isinstance(code, dict) else None)
    if not path:
        raise ValueError(f"Lambda code {code!r} is not a FileArchive of a zip; the sandbox deploys zips only.")
    return Path(path).read_bytes()


@handles("aws:lambda/function:Function")
def lambda_function(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    fn = physical_name(name, p, max_len=64)
    env = (p.get("environment") or {}).get("variables") or {}
    created = ctx.client("lambda").create_function(**drop_none({
        "FunctionName": fn, "Runtime": p.get("runtime"), "Role": p["role"], "Handler": p.get("handler"),
        "Code": {"ZipFile": _zip_bytes(p["code"])}, "Description": p.get("description"),
        "Timeout": p.get("timeout"), "MemorySize": p.get("memorySize"), "Architectures": p.get("architectures"),
        "Environment": {"Variables": {k: str(v) for k, v in env.items()}} if env else None,
        "KMSKeyArn": p.get("kmsKeyArn"), "Tags": p.get("tags") or None,
    }))
    return fn, {"name": fn, "arn": created["FunctionArn"], "invokeArn": created["FunctionArn"],
                "qualifiedArn": f"{created['FunctionArn']}:$LATEST", "version": "$LATEST"}


@handles("aws:sfn/stateMachine:StateMachine")
def state_machine(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    machine = physical_name(name, p, max_len=80)
    arn = ctx.client("stepfunctions").create_state_machine(**drop_none({
        "name": machine, "definition": as_json_text(p["definition"]), "roleArn": p["roleArn"],
        "type": p.get("type"), "tags": [{"key": k, "value": v} for k, v in (p.get("tags") or {}).items()] or None,
    }))["stateMachineArn"]
    return arn, {"name": machine, "arn": arn}


@handles("aws:scheduler/schedule:Schedule")
def schedule(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    sched = physical_name(name, p, max_len=64)
    target = p["target"]
    retry = target.get("retryPolicy") or {}
    arn = ctx.client("scheduler").create_schedule(**drop_none({
        "Name": sched, "ScheduleExpression": p["scheduleExpression"],
        "ScheduleExpressionTimezone": p.get("scheduleExpressionTimezone"),
        "FlexibleTimeWindow": {"Mode": p["flexibleTimeWindow"]["mode"]},
        "Target": drop_none({"Arn": target["arn"], "RoleArn": target["roleArn"], "Input": target.get("input"),
                             "RetryPolicy": drop_none({
                                 "MaximumRetryAttempts": retry.get("maximumRetryAttempts"),
                                 "MaximumEventAgeInSeconds": retry.get("maximumEventAgeInSeconds")}) or None}),
    }))["ScheduleArn"]
    return sched, {"name": sched, "arn": arn}
