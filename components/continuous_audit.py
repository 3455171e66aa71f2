"""ContinuousAudit: trailguard's organization audit, run daily inside AWS by Step Functions.

Deploy it in a security/audit account (a delegated administrator for Organizations) or in the management
account; opt in per stack with ``trailguard:continuousAudit`` (components/continuous_settings.py).

Resource types it registers (pulumi-aws v7):
- the results bucket: a LogBucket (KMS, TLS-only policy, public access blocked, ownership enforced,
  versioning, lifecycle) with its ``aws:kms/key:Key`` + ``aws:kms/alias:Alias``;
- ``aws:lambda/function:Function`` x4 (list_accounts, audit_batch, merge, notify: checks/aws_lambda.py)
  from one reproducible zip (components/lambda_package.py), each with an ``aws:iam/role:Role``, an
  ``aws:iam/rolePolicy:RolePolicy`` and a ``aws:cloudwatch/logGroup:LogGroup``; audit_batch's policy also
  allows, for the account it runs in, the reads the catalog declares for the selected controls;
- ``aws:sns/topic:Topic`` (KMS-encrypted) for regression notifications;
- ``aws:sfn/stateMachine:StateMachine`` (components/continuous_asl.py) with its role;
- ``aws:scheduler/schedule:Schedule`` (EventBridge Scheduler, default daily) with its role.
Invokes: getCallerIdentity, getPartition, getRegion.
"""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components import continuous_documents as pol
from components.bucket import LogBucket, LogBucketArgs
from components.continuous_asl import RESULTS_PREFIX, definition
from components.continuous_settings import ContinuousAuditSettings
from components.lambda_package import ARCHITECTURE, RUNTIME

FUNCTIONS = {  # handler name -> (timeout seconds, what it does)
    "list_accounts": (300, "lists the organization's ACTIVE accounts"),
    "audit_batch": (900, "audits a batch of member accounts"),
    "merge": (900, "merges the run's reports"),
    "notify": (60, "publishes regressions"),
}
LOG_RETENTION_DAYS = 365


@dataclass
class ContinuousAuditArgs:
    settings: ContinuousAuditSettings = field(default_factory=ContinuousAuditSettings)
    package_path: str = "build/lambda/trailguard-audit.zip"  # made by components/lambda_package.py
    protect: bool = True  # the results bucket and key survive `pulumi destroy` (audit history is evidence)
    tags: dict = field(default_factory=dict)


class ContinuousAudit(pulumi.ComponentResource):
    def __init__(self, name: str, args: ContinuousAuditArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("trailguard:index:ContinuousAudit", name, None, opts)
        s, tags = args.settings, args.tags
        invoke = pulumi.InvokeOptions(parent=self)
        partition = aws.get_partition(opts=invoke).partition
        region = aws.get_region(opts=invoke).region
        account = aws.get_caller_identity(opts=invoke).account_id
        child = pulumi.ResourceOptions(parent=self)

        self.key = aws.kms.Key(
            f"{name}-key", description="trailguard continuous audit results", enable_key_rotation=True,
            deletion_window_in_days=30, policy=json.dumps(pol.results_key_policy(partition, account)), tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect))
        aws.kms.Alias(f"{name}-key-alias", name=f"alias/{name}-results", target_key_id=self.key.key_id, opts=child)
        bucket_name = f"trailguard-audit-results-{account}-{region}"
        bucket_arn = f"arn:{partition}:s3:::{bucket_name}"
        self.results = LogBucket(f"{name}-results", LogBucketArgs(
            bucket_name=bucket_name, policy=pol.results_bucket_policy(bucket_arn), kms_key_arn=self.key.arn,
            object_lock_mode=None,  # latest/ is rewritten every run; history is kept by versioning + lifecycle
            transition_days=min(90, s.results_retention_days - 1), expiration_days=s.results_retention_days,
            protect=args.protect, tags=tags), opts=child)
        self.topic = aws.sns.Topic(f"{name}-regressions", kms_master_key_id=self.key.arn, tags=tags, opts=child)

        env = {"RESULTS_BUCKET": bucket_name, "MEMBER_ROLE_NAME": s.member_role_name, "FAIL_ON": s.fail_on,
               "CONTROLS": ",".join(s.controls), "TOPIC_ARN": self.topic.arn}
        if s.external_id:
            env["EXTERNAL_ID"] = pulumi.Output.secret(s.external_id)
        code, code_hash = _package(args.package_path)
        self.roles: dict[str, aws.iam.Role] = {}
        arns = {"partition": partition, "account": account, "region": region, "bucket_arn": bucket_arn}
        self.functions = {fn: self._function(name, fn, s, code, code_hash, env, arns, tags) for fn in FUNCTIONS}
        self._state_machine(name, s, arns, bucket_name, tags)
        self.results_bucket_name = pulumi.Output.from_input(bucket_name)
        self.outputs = {"continuousAuditBucket": self.results_bucket_name,
                        "continuousAuditStateMachineArn": self.state_machine.arn,
                        "continuousAuditTopicArn": self.topic.arn,
                        "continuousAuditRoleArn": self.roles["audit_batch"].arn}
        self.register_outputs(self.outputs)

    def _role(self, name: str, service: str, account: str, policy, tags: dict, source_arn: str | None = None):
        role = aws.iam.Role(f"{name}-role", assume_role_policy=json.dumps(pol.service_trust(service, account,
                                                                                            source_arn)),
                            tags=tags, opts=pulumi.ResourceOptions(parent=self))
        aws.iam.RolePolicy(f"{name}-role-policy", role=role.id,
                           policy=pulumi.Output.from_input(policy).apply(json.dumps),
                           opts=pulumi.ResourceOptions(parent=self))
        return role

    def _function(self, name, fn, s: ContinuousAuditSettings, code, code_hash, env, arns, tags):
        fn_name = f"{name}-{fn.replace('_', '-')}"
        log_group = aws.cloudwatch.LogGroup(f"{fn_name}-logs", name=f"/aws/lambda/{fn_name}",
                                            retention_in_days=LOG_RETENTION_DAYS, tags=tags,
                                            opts=pulumi.ResourceOptions(parent=self))
        lg = f"arn:{arns['partition']}:logs:{arns['region']}:{arns['account']}:log-group:/aws/lambda/{fn_name}"
        key, bucket = self.key.arn, arns["bucket_arn"]
        policy = {
            "list_accounts": lambda: pulumi.Output.all(key).apply(lambda v: pol.list_accounts_policy(bucket, v[0], lg)),
            "audit_batch": lambda: pulumi.Output.all(key).apply(lambda v: pol.audit_batch_policy(
                bucket, v[0], lg, arns["partition"], s.member_role_name, s.controls)),
            "merge": lambda: pulumi.Output.all(key).apply(lambda v: pol.merge_policy(bucket, v[0], lg)),
            "notify": lambda: pulumi.Output.all(key, self.topic.arn).apply(
                lambda v: pol.notify_policy(bucket, v[0], lg, v[1])),
        }[fn]()
        role = self._role(fn_name, "lambda.amazonaws.com", arns["account"], policy, tags)
        self.roles[fn] = role
        depends = [log_group]
        timeout, purpose = FUNCTIONS[fn]
        return aws.lambda_.Function(
            fn_name, name=fn_name, description=f"trailguard: {purpose}", role=role.arn, runtime=RUNTIME,
            architectures=[ARCHITECTURE], handler=f"checks.aws_lambda.{fn}", code=code, source_code_hash=code_hash,
            timeout=timeout, memory_size=s.lambda_memory_mb, kms_key_arn=self.key.arn,
            environment={"variables": env}, tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends))

    def _state_machine(self, name, s: ContinuousAuditSettings, arns, bucket_name, tags):
        p, r, a = arns["partition"], arns["region"], arns["account"]
        sm_arn = f"arn:{p}:states:{r}:{a}:stateMachine:{name}"
        fn_arns = {k: f.arn for k, f in self.functions.items()}
        sm_policy = pulumi.Output.all(self.key.arn, *fn_arns.values()).apply(lambda v: pol.state_machine_policy(
            list(v[1:]), sm_arn, f"arn:{p}:states:{r}:{a}:execution:{name}/*", arns["bucket_arn"], v[0],
            RESULTS_PREFIX))
        sm_role = self._role(f"{name}-states", "states.amazonaws.com", a, sm_policy, tags)
        machine = pulumi.Output.all(**fn_arns).apply(lambda v: json.dumps(definition(
            dict(v), bucket=bucket_name, max_concurrency=s.max_concurrency, batch_size=s.batch_size,
            tolerated_failure_percentage=s.tolerated_failure_percentage), indent=2))
        self.state_machine = aws.sfn.StateMachine(
            f"{name}-state-machine", name=name, role_arn=sm_role.arn, definition=machine, type="STANDARD", tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[sm_role]))
        scheduler_role = self._role(f"{name}-scheduler", "scheduler.amazonaws.com", a,
                                    pol.scheduler_policy(sm_arn), tags)
        self.schedule = aws.scheduler.Schedule(
            f"{name}-schedule", name=name, schedule_expression=s.schedule,
            schedule_expression_timezone=s.schedule_timezone, flexible_time_window={"mode": "OFF"},
            target={"arn": self.state_machine.arn, "role_arn": scheduler_role.arn,
                    # EventBridge Scheduler fills in the context attribute: the run id is the scheduled date.
                    "input": json.dumps({"scheduled_time": "<aws.scheduler.scheduled-time>"}),
                    "retry_policy": {"maximum_retry_attempts": 2, "maximum_event_age_in_seconds": 3600}},
            opts=pulumi.ResourceOptions(parent=self))


def _package(path: str) -> tuple[pulumi.Archive, str]:
    """The zip and its base64 SHA-256 (Lambda's CodeSha256 format), so a rebuild with equal bytes is no diff."""
    data = Path(path).read_bytes()
    return pulumi.FileArchive(path), base64.b64encode(hashlib.sha256(data).digest()).decode()


def deploy_continuous_audit(settings, package_dir: str = "build/lambda") -> dict:
    """The Pulumi program's one call: a ContinuousAudit when ``trailguard:continuousAudit`` opts in; its
    outputs (nothing when it does not). Builds the Lambda zip unless ``package`` names one."""
    from components.continuous_settings import parse

    s, _ = parse(settings.continuous_audit)  # already validated with every other setting
    if s is None:
        return {}
    path = s.package
    if not path:
        from components.lambda_package import build

        path = str(Path(package_dir) / "trailguard-audit.zip")
        build(Path(path))
    opts = None
    if settings.sandbox_endpoint:  # the emulator, never real AWS: every service this component calls
        opts = pulumi.ResourceOptions(providers=[sandbox_provider(settings.sandbox_endpoint)])
    audit = ContinuousAudit("trailguard-continuous", ContinuousAuditArgs(
        settings=s, package_path=path, protect=not settings.disable_destroy_protection, tags=settings.all_tags),
        opts=opts)
    return audit.outputs


SANDBOX_EXTRA_SERVICES = ("lambda_", "sfn", "scheduler")  # beyond components.providers.SANDBOX_SERVICES


def sandbox_provider(endpoint: str, region: str | None = None) -> aws.Provider:
    """components.providers' sandbox provider, with the Lambda, Step Functions and Scheduler endpoints too."""
    import os

    from components.providers import SANDBOX_SERVICES, sandbox_provider_args

    region = region or pulumi.Config("aws").get("region") or os.environ.get("AWS_REGION") or "us-east-1"
    args = sandbox_provider_args(endpoint, region)
    args["endpoints"] = [aws.ProviderEndpointArgs(**{s: endpoint for s in (*SANDBOX_SERVICES,
                                                                         *SANDBOX_EXTRA_SERVICES)})]
    return aws.Provider("trailguard-continuous-sandbox", **args)
