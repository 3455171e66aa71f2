"""IAM and resource policies of the scheduled audit (components/continuous_audit.py), as plain dicts.

Least privilege, one role per job:
- list_accounts: organizations:ListAccounts/DescribeOrganization, write the run's manifest and item list;
- audit_batch: sts:AssumeRole on the member audit role only, write per-account reports, and for the account it
  runs in (audited with its own credentials, like the CLI) exactly the reads the catalog declares for the
  selected controls (:func:`audit_read_policy`; no SecurityAudit: its hundreds of reads are not needed);
- merge: read and write the run's reports; notify: read reports, publish to the regression topic;
- the state machine: invoke these four functions, read the item list, write ResultWriter output, and
  start/describe/stop its own child executions (Distributed Map); the scheduler: start the state machine.
Nothing may delete objects: a compromised function can add reports but not erase history.
"""
from __future__ import annotations

from typing import Sequence

VERSION = "2012-10-17"
LOG_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"]


def audit_read_policy(control_ids: Sequence[str] = ()) -> dict:
    """The read-only policy the audit needs for these live controls (every live control for ()): the catalog's
    declarations (``Control.collects`` -> checks/catalog/plan.py), the same policy docs/controls.md shows, so a
    control that starts reading a new action widens the roles with no list to edit here."""
    from checks.catalog import plan, select

    controls = [c for c in select(list(control_ids) or None, None) if "live" in c.targets]
    return plan.read_only_policy(controls)


def _doc(*statements: dict) -> dict:
    return {"Version": VERSION, "Statement": list(statements)}


def service_trust(service: str, account: str, source_arn: str | None = None) -> dict:
    """Trust for an AWS service principal, confined to our account (confused-deputy protection)."""
    condition = {"StringEquals": {"aws:SourceAccount": account}}
    if source_arn:
        condition["ArnLike"] = {"aws:SourceArn": source_arn}
    return _doc({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole",
                 "Condition": condition})


def _logs(log_group_arn: str) -> dict:
    return {"Sid": "OwnLogs", "Effect": "Allow", "Action": LOG_ACTIONS, "Resource": f"{log_group_arn}:*"}


def _objects(bucket_arn: str, actions: list[str], *prefixes: str, sid: str) -> dict:
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": [f"{bucket_arn}/{p}*" for p in prefixes]}


def _key(key_arn: str, actions: list[str]) -> dict:
    return {"Sid": "ResultsKey", "Effect": "Allow", "Action": actions, "Resource": key_arn}


def list_accounts_policy(bucket_arn: str, key_arn: str, log_group_arn: str) -> dict:
    return _doc(
        {"Sid": "ReadTheOrganization", "Effect": "Allow",
         "Action": ["organizations:ListAccounts", "organizations:DescribeOrganization"], "Resource": "*"},
        _objects(bucket_arn, ["s3:PutObject"], "runs/", sid="WriteRunManifest"),
        _key(key_arn, ["kms:GenerateDataKey"]), _logs(log_group_arn))


def audit_batch_policy(bucket_arn: str, key_arn: str, log_group_arn: str, partition: str, member_role: str,
                       control_ids: Sequence[str] = ()) -> dict:
    return _doc(
        # Only the member audit role, in any account of the organization: never an admin role.
        {"Sid": "AssumeMemberAuditRole", "Effect": "Allow", "Action": "sts:AssumeRole",
         "Resource": f"arn:{partition}:iam::*:role/{member_role}"},
        _objects(bucket_arn, ["s3:PutObject"], "runs/", sid="WriteAccountReports"),
        _key(key_arn, ["kms:GenerateDataKey"]), _logs(log_group_arn),
        # The account the function runs in is read with its own credentials (members through the member role).
        *audit_read_policy(control_ids)["Statement"])


def merge_policy(bucket_arn: str, key_arn: str, log_group_arn: str) -> dict:
    return _doc(
        {"Sid": "ListRuns", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket_arn,
         "Condition": {"StringLike": {"s3:prefix": ["runs/*", "latest/*"]}}},
        _objects(bucket_arn, ["s3:GetObject", "s3:PutObject"], "runs/", "latest/", sid="ReadWriteReports"),
        _key(key_arn, ["kms:Decrypt", "kms:GenerateDataKey"]), _logs(log_group_arn))


def notify_policy(bucket_arn: str, key_arn: str, log_group_arn: str, topic_arn: str) -> dict:
    return _doc(
        _objects(bucket_arn, ["s3:GetObject"], "runs/", sid="ReadReports"),
        {"Sid": "PublishRegressions", "Effect": "Allow", "Action": "sns:Publish", "Resource": topic_arn},
        _key(key_arn, ["kms:Decrypt", "kms:GenerateDataKey"]), _logs(log_group_arn))


def state_machine_policy(function_arns: list[str], state_machine_arn: str, execution_arns: str, bucket_arn: str,
                         key_arn: str, results_prefix: str) -> dict:
    """Distributed Map needs StartExecution on its own state machine and Describe/Stop on its executions
    ("IAM policies for running Distributed Map states", Step Functions developer guide)."""
    return _doc(
        {"Sid": "InvokeAuditFunctions", "Effect": "Allow", "Action": "lambda:InvokeFunction",
         "Resource": [*function_arns, *(f"{a}:*" for a in function_arns)]},
        {"Sid": "RunChildWorkflows", "Effect": "Allow", "Action": "states:StartExecution",
         "Resource": state_machine_arn},
        {"Sid": "ManageChildWorkflows", "Effect": "Allow", "Action": ["states:DescribeExecution", "states:StopExecution"],
         "Resource": execution_arns},
        _objects(bucket_arn, ["s3:GetObject"], "runs/", sid="ReadItems"),
        _objects(bucket_arn, ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts",
                              "s3:AbortMultipartUpload"], f"{results_prefix}/", sid="WriteMapResults"),
        _key(key_arn, ["kms:Decrypt", "kms:GenerateDataKey"]))


def scheduler_policy(state_machine_arn: str) -> dict:
    return _doc({"Sid": "StartTheAudit", "Effect": "Allow", "Action": "states:StartExecution",
                 "Resource": state_machine_arn})


def results_bucket_policy(bucket_arn: str) -> dict:
    """TLS only: a request over plain HTTP is denied whoever makes it (CIS-style SecureTransport)."""
    return _doc({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": [bucket_arn, f"{bucket_arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}})


def results_key_policy(partition: str, account: str) -> dict:
    """The account administers the key and grants use through IAM (the roles above); SNS may use it to
    deliver the encrypted topic's messages from this account only."""
    return _doc(
        {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "SnsDelivers", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account}}})


def member_role_trust(audit_role_arn: str, external_id: str = "") -> dict:
    """Trust policy of the read-only role in each member: only the audit_batch function's role."""
    statement = {"Effect": "Allow", "Principal": {"AWS": audit_role_arn}, "Action": "sts:AssumeRole"}
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return _doc(statement)


def member_role_policy(control_ids: Sequence[str] = ()) -> dict:
    """Inline policy of the member role: exactly the collectors' reads for these live controls (all for ())."""
    return audit_read_policy(control_ids)
