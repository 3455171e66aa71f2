"""ContinuousAudit under Pulumi mocks: what it registers, least-privilege IAM, the state machine it deploys."""
from __future__ import annotations

import base64
import hashlib
import json

import pytest

from checks.catalog import all_controls
from testkit.continuous_mocks import ACCOUNT, REGION, deploy, run_program
from components.continuous_asl import definition
from components.lambda_package import write_zip

FNS = ("list_accounts", "audit_batch", "merge", "notify")
SECRET_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")  # Pulumi's secret marker


def _plain(value):
    """A property value with Pulumi's secret wrapper removed; (value, was it secret)."""
    if isinstance(value, dict) and value.get(SECRET_SIG[0]) == SECRET_SIG[1]:
        return value["value"], True
    return value, False


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    tree = tmp_path_factory.mktemp("tree")
    (tree / "checks").mkdir()
    (tree / "checks" / "aws_lambda.py").write_text("def list_accounts(event, context):\n    return {}\n")
    return str(write_zip(tree, tree / "pkg.zip") and tree / "pkg.zip")


@pytest.fixture(scope="module")
def stack(package):
    return deploy({"maxConcurrency": 25, "batchSize": 8, "toleratedFailurePercentage": 3,
                   "memberRoleName": "TrailguardAudit", "externalId": "s3cr3t-ext"}, package)


def _of(resources, typ):
    return [r for r in resources if r.typ == typ]


def _statements(resources):
    return [s for r in _of(resources, "aws:iam/rolePolicy:RolePolicy") for s in r.json("policy")["Statement"]]


def test_results_bucket_is_hardened_like_the_log_bucket(stack):
    resources, outputs = stack
    bucket = outputs["continuousAuditBucket"]
    assert bucket == f"trailguard-audit-results-{ACCOUNT}-{REGION}"
    [enc] = _of(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert enc.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    [pab] = _of(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(pab.inputs[k] for k in ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy",
                                       "restrictPublicBuckets"))
    [policy] = _of(resources, "aws:s3/bucketPolicy:BucketPolicy")
    [deny] = policy.json("policy")["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    [life] = _of(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    assert life.inputs["rules"][0]["expiration"]["days"] == 400
    [key] = _of(resources, "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True


def test_four_functions_from_one_package_with_their_handlers(stack, package):
    resources, _ = stack
    fns = {r.inputs["handler"]: r for r in _of(resources, "aws:lambda/function:Function")}
    assert set(fns) == {f"checks.aws_lambda.{f}" for f in FNS}
    digest = base64.b64encode(hashlib.sha256(open(package, "rb").read()).digest()).decode()
    for fn in fns.values():
        assert fn.inputs["sourceCodeHash"] == digest and fn.inputs["runtime"] == "python3.12"
        assert _plain(fn.inputs["environment"])[0]["variables"]["RESULTS_BUCKET"].startswith("trailguard-audit-results-")
        assert fn.inputs["timeout"] <= 900  # Lambda's maximum
    groups = {r.inputs["name"] for r in _of(resources, "aws:cloudwatch/logGroup:LogGroup")}
    assert groups == {f"/aws/lambda/{fn.inputs['name']}" for fn in fns.values()}


def test_state_machine_is_the_generated_asl_with_the_settings(stack):
    resources, _ = stack
    [sm] = _of(resources, "aws:sfn/stateMachine:StateMachine")
    arns = {f: f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:trailguard-continuous-{f.replace('_', '-')}"
            for f in FNS}
    expected = definition(arns, bucket=f"trailguard-audit-results-{ACCOUNT}-{REGION}", max_concurrency=25,
                          batch_size=8, tolerated_failure_percentage=3)
    assert json.loads(sm.inputs["definition"]) == expected


def test_schedule_is_daily_and_passes_the_scheduled_time(stack):
    resources, _ = stack
    [schedule] = _of(resources, "aws:scheduler/schedule:Schedule")
    assert schedule.inputs["scheduleExpression"] == "rate(1 day)"
    assert json.loads(schedule.inputs["target"]["input"]) == {"scheduled_time": "<aws.scheduler.scheduled-time>"}


def test_iam_is_least_privilege(stack):
    resources, _ = stack
    statements = _statements(resources)
    actions = [a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]
    assert not [a for a in actions if a.endswith("*") or "Delete" in a or a.startswith("iam:")]
    assumes = [s for s in statements if s["Action"] == "sts:AssumeRole"]
    assert [s["Resource"] for s in assumes] == ["arn:aws:iam::*:role/TrailguardAudit"]
    star = {a for s in statements if s["Resource"] == "*" for a in s["Action"]}
    catalog = {a for c in all_controls() if "live" in c.targets for a in c.iam_actions}
    assert star == {"organizations:ListAccounts", "organizations:DescribeOrganization"} | catalog
    assert [a for a in catalog if not a.split(":")[1].startswith(("Describe", "Get", "List", "Lookup"))] == []
    assert _of(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment") == []  # no SecurityAudit: too wide
    for role in _of(resources, "aws:iam/role:Role"):
        [trust] = role.json("assumeRolePolicy")["Statement"]
        assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}


def test_external_id_reaches_only_the_functions_environment_as_a_secret(stack):
    resources, _ = stack
    holders = [r for r in resources if "s3cr3t-ext" in json.dumps(r.inputs, default=str)]
    assert {r.typ for r in holders} == {"aws:lambda/function:Function"} and len(holders) == 4
    for fn in holders:
        env, secret = _plain(fn.inputs["environment"])
        assert secret and env["variables"]["EXTERNAL_ID"] == "s3cr3t-ext"


def test_sandbox_endpoint_sends_every_resource_to_the_emulator(package):
    """sandboxEndpoint means "never real AWS": the component's resources, invokes included, go through a
    provider whose Lambda, Step Functions and Scheduler endpoints are the emulator too."""
    from components.continuous_audit import deploy_continuous_audit
    from components.settings import Settings

    endpoint = "http://127.0.0.1:4566"
    settings = Settings.from_mapping({"sandboxEndpoint": endpoint, "continuousAudit": {"package": package}})
    resources = run_program(lambda: deploy_continuous_audit(settings))
    [provider] = [r for r in resources if r.typ == "pulumi:providers:aws"]
    endpoints = json.loads(provider.inputs["endpoints"])[0]
    assert {endpoints[k] for k in ("lambda", "sfn", "scheduler", "s3", "iam", "kms", "sns", "sts")} == {endpoint}
    custom = [r for r in resources if r.typ.startswith("aws:")]
    assert custom and all("trailguard-continuous-sandbox" in r.provider for r in custom)


def test_without_the_setting_the_program_adds_nothing():
    from components.continuous_audit import deploy_continuous_audit
    from components.settings import Settings

    assert run_program(lambda: deploy_continuous_audit(Settings.from_mapping({}))) == []
