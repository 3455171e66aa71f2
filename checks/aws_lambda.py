"""AWS Lambda entry points of the scheduled audit (components/continuous_audit.py deploys them).

Thin on purpose: each reads its configuration from the environment (RunConfig.from_env), unpacks the
Step Functions input and calls one step of checks/continuous/runs.py, which holds the logic and is tested
on its own. Handlers return small JSON (counts, keys), never findings: Step Functions caps a state's
payload at 256 KiB, and the reports live in S3.

Inputs (state machine built by components/continuous_asl.py):
- list_accounts: {"scheduled_time": "<ISO 8601>"} (EventBridge Scheduler's <aws.scheduler.scheduled-time>)
- audit_batch:   {"Items": [{"account_id": ...}], "BatchInput": <list_accounts' output>} (ItemBatcher)
- merge:         {"run_id": ...}
- notify:        <merge's output>: {"run_id": ..., "previous_run_id": ...}
"""
from __future__ import annotations

import os


def _session():
    import boto3

    return boto3.Session()


def _config():
    from checks.continuous.runs import RunConfig

    return RunConfig.from_env(os.environ)


def list_accounts(event, context=None):
    from checks.continuous.runs import list_accounts as step, run_id_for

    return step(_session(), _config(), run_id_for((event or {}).get("scheduled_time")))


def audit_batch(event, context=None):
    from checks.continuous.runs import audit_batch as step

    batch = event["BatchInput"]
    return step(_session(), _config(), [item["account_id"] for item in event["Items"]], run_id=batch["run_id"],
                caller=batch["caller"], partition=batch["partition"], management_id=batch.get("management_id"))


def merge(event, context=None):
    from checks.continuous.runs import merge_run

    return merge_run(_session(), _config(), event["run_id"])


def notify(event, context=None):
    from checks.continuous.runs import notify as step

    return step(_session(), _config(), event["run_id"], event.get("previous_run_id"))
