"""The demo's scheduled-audit step: ContinuousAudit deployed with the stack, one scheduled execution run
through testkit/asl_interpreter.py (it stands in for Step Functions: moto stores state machines
but does not run Distributed Maps), then the legacy member "fixed" and the next day's run diffed.

The Lambda handlers are the real ones (checks/aws_lambda.py), called in process with the environment the
deployed functions carry, against the emulator.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from typing import TextIO

from sandbox.deployer import PROJECT_ROOT


def continuous_config() -> dict[str, str]:
    """Config that opts the demo stack into the scheduled audit, with a package of this checkout's code."""
    from components.lambda_package import build

    # build/ (git-ignored), not out_dir: the reports folder holds reports only. The handlers run in this
    # process; the zip (this checkout's checks/, no dependencies) is what the emulator's functions hold.
    package = PROJECT_ROOT / "build" / "lambda" / "trailguard-audit-sandbox.zip"
    build(package, with_dependencies=False)
    return {"trailguard:continuousAudit": json.dumps({
        "package": str(package), "memberRoleName": "OrganizationAccountAccessRole",  # what moto's members have
        "batchSize": 1, "maxConcurrency": 2, "toleratedFailurePercentage": 0})}


def _patch_moto_secure_transport() -> None:
    """moto evaluates a bucket policy without its Conditions, so the results bucket's "deny when
    aws:SecureTransport is false" denies every PutObject. In AWS that statement never matches an SDK call
    (HTTPS); the in-process emulator gets the same answer by leaving such statements out of its check."""
    from moto.iam.access_control import PermissionResult
    from moto.s3.models import FakeBucket

    if getattr(FakeBucket, "_trailguard_tls", False):
        return
    original = FakeBucket.get_permission

    def get_permission(self, action, resource):
        if self.policy is None:
            return original(self, action, resource)
        doc = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
        insecure = {"Bool": {"aws:SecureTransport": "false"}}
        kept = [st for st in doc.get("Statement", []) if st.get("Condition") != insecure]
        saved, self.policy = self.policy, json.dumps({**doc, "Statement": kept}).encode()
        try:
            return original(self, action, resource) if kept else PermissionResult.NEUTRAL
        finally:
            self.policy = saved

    FakeBucket.get_permission = get_permission
    FakeBucket._trailguard_tls = True


def _run_once(interpreter, machine: dict, when: dt.datetime):
    return interpreter.run(machine, {"scheduled_time": when.strftime("%Y-%m-%dT%H:%M:%SZ")})


def run_scheduled_step(out: TextIO, endpoint: str, deployed, legacy) -> dict:
    import boto3

    from checks import aws_lambda
    from checks.continuous.diff import fixed, new_fails

    out.write("\n== + Scheduled mode: ContinuousAudit, one execution through the local ASL interpreter "
              "(stands in for Step Functions) ==\n")
    _patch_moto_secure_transport()
    [machine_res] = deployed.of_type("aws:sfn/stateMachine:StateMachine")
    functions = deployed.of_type("aws:lambda/function:Function")
    env = functions[0].inputs["environment"]["variables"]
    handlers = {f.state["arn"]: getattr(aws_lambda, f.inputs["handler"].rsplit(".", 1)[1]) for f in functions}
    saved = {k: os.environ.get(k) for k in (*env, "AWS_ENDPOINT_URL")}
    os.environ.update({**{k: str(v) for k, v in env.items()}, "AWS_ENDPOINT_URL": endpoint})
    try:
        s3 = boto3.session.Session().client("s3")
        from testkit.asl_interpreter import Interpreter

        interpreter = Interpreter(handlers, s3)
        machine = json.loads(machine_res.inputs["definition"])
        today = dt.datetime.now(dt.timezone.utc).replace(hour=5, minute=0, second=0, microsecond=0)
        first = _run_once(interpreter, machine, today)
        if first.status != "SUCCEEDED":
            raise RuntimeError(f"the scheduled run failed: {first.error}: {first.cause}")
        bucket = env["RESULTS_BUCKET"]
        run_id = today.date().isoformat()
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=f"runs/{run_id}/")["Contents"])
        [map_run] = first.map_runs
        out.write(f"state machine {machine_res.state['arn']}: {first.status}, {map_run['children']} child "
                  f"workflows, {map_run['failed']} failed\n")
        out.write(f"results in s3://{bucket}/runs/{run_id}/ ({len(keys)} objects) and s3://{bucket}/latest/:\n")
        for key in keys:
            if "/accounts/" not in key:
                out.write(f"  s3://{bucket}/{key}\n")
        before = json.loads(s3.get_object(Bucket=bucket, Key=f"runs/{run_id}/report.json")["Body"].read())

        _fix_legacy(endpoint, legacy)
        tomorrow = today + dt.timedelta(days=1)
        second = _run_once(interpreter, machine, tomorrow)
        after = json.loads(s3.get_object(Bucket=bucket, Key=f"runs/{tomorrow.date().isoformat()}/report.json")
                           ["Body"].read())
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    regressions, resolved = new_fails(before, after), fixed(before, after)
    out.write(f"legacy account {legacy.account_id} fixed (multi-region, log file validation, logging on); "
              f"next day's run {second.status}: notify says {second.output}\n")
    out.write(f"regression diff {run_id} -> {tomorrow.date().isoformat()}: {len(regressions)} new FAIL(s), "
              f"{len(resolved)} FAIL(s) fixed:\n")
    for label, rows in (("fixed", resolved), ("NEW", regressions)):
        grouped: dict[tuple[str, str], int] = {}
        for f in rows:
            grouped[(f["account_id"], f["control_id"])] = grouped.get((f["account_id"], f["control_id"]), 0) + 1
        for (account, control), n in sorted(grouped.items()):
            out.write(f"  {label:<5}  {account} {control}" + (f" ({n} resources)" if n > 1 else "") + "\n")
    return {"first": first, "second": second, "bucket": bucket, "keys": keys, "new_fails": regressions,
            "resolved": resolved}


def _fix_legacy(endpoint: str, legacy) -> None:
    import boto3

    c = legacy.credentials
    ct = boto3.session.Session(aws_access_key_id=c.access_key_id, aws_secret_access_key=c.secret_access_key,
                               aws_session_token=c.session_token, region_name="us-east-1").client(
        "cloudtrail", endpoint_url=endpoint)
    ct.update_trail(Name=legacy.trail_name, IsMultiRegionTrail=True, EnableLogFileValidation=True)
    ct.start_logging(Name=legacy.trail_name)
