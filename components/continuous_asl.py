"""The ContinuousAudit state machine in Amazon States Language, as a plain dict (json.dumps it).

    List (Task: list_accounts) -> Audit (Map, DISTRIBUTED: ItemReader from S3, ItemBatcher, MaxConcurrency,
    ToleratedFailurePercentage, ResultWriter to S3; each child runs AuditBatch: audit_batch) -> Merge
    (Task: merge) -> Notify (Task: notify)

Pure: Lambda ARNs and the bucket come in as strings, so the component builds it inside ``Output.apply``
and tests validate it with asl-validator and run it with testkit/asl_interpreter.py.

Every Lambda Task uses the optimized integration ``arn:aws:states:::lambda:invoke`` and keeps only the
function's answer (``OutputPath: $.Payload``), and retries the transient Lambda errors AWS lists for it
("Handle transient Lambda service exceptions", Step Functions developer guide). A batch that still
fails counts against ToleratedFailurePercentage; Merge turns its accounts into ERROR rows. When the Map
fails (more failed batches than tolerated, or the item list unreadable), its Catch still runs the merge
(MergePartial: the reports show every unaudited account as ERROR, so latest/ never reads as a pass) and
then ends in the Fail state AuditIncomplete, so the execution is marked failed and alarms fire.
"""
from __future__ import annotations

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
TRANSIENT_LAMBDA_ERRORS = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                           "Lambda.TooManyRequestsException"]
RESULTS_PREFIX = "results"  # ResultWriter's prefix in the results bucket


def _task(function_arn: str, payload: dict | str, *, next_state: str | None) -> dict:
    state = {
        "Type": "Task",
        "Resource": LAMBDA_INVOKE,
        "Parameters": {"FunctionName": function_arn,
                       **({"Payload.$": payload} if isinstance(payload, str) else {"Payload": payload})},
        "OutputPath": "$.Payload",
        "Retry": [{"ErrorEquals": TRANSIENT_LAMBDA_ERRORS, "IntervalSeconds": 2, "MaxAttempts": 3,
                   "BackoffRate": 2.0}],
    }
    state.update({"Next": next_state} if next_state else {"End": True})
    return state


def definition(functions: dict[str, str], *, bucket: str, max_concurrency: int, batch_size: int,
               tolerated_failure_percentage: int) -> dict:
    """The state machine; ``functions`` maps list_accounts, audit_batch, merge, notify to Lambda ARNs."""
    audit = {
        "Type": "Map",
        "Comment": "One child workflow per batch of accounts; results and failures land in S3.",
        "ItemReader": {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSON"},
            "Parameters": {"Bucket.$": "$.bucket", "Key.$": "$.key"},
        },
        "ItemBatcher": {
            "MaxItemsPerBatch": batch_size,
            "BatchInput": {"run_id.$": "$.run_id", "caller.$": "$.caller", "partition.$": "$.partition",
                           "management_id.$": "$.management_id"},
        },
        "MaxConcurrency": max_concurrency,
        "ToleratedFailurePercentage": tolerated_failure_percentage,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "AuditBatch",
            "States": {"AuditBatch": _task(functions["audit_batch"], "$", next_state=None)},
        },
        "ResultWriter": {
            "Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": bucket, "Prefix": RESULTS_PREFIX},
        },
        "ResultPath": "$.map",  # keep list_accounts' output (run_id) for Merge
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.map_error", "Next": "MergePartial"}],
        "Next": "Merge",
    }
    return {
        "Comment": "trailguard continuous audit: list the organization's accounts, audit them in batches, "
                   "merge the reports, notify regressions.",
        "StartAt": "List",
        "States": {
            "List": _task(functions["list_accounts"], {"scheduled_time.$": "$.scheduled_time"}, next_state="Audit"),
            "Audit": audit,
            "Merge": _task(functions["merge"], {"run_id.$": "$.run_id"}, next_state="Notify"),
            "Notify": _task(functions["notify"], "$", next_state=None),
            "MergePartial": _task(functions["merge"], {"run_id.$": "$.run_id"}, next_state="AuditIncomplete"),
            "AuditIncomplete": {"Type": "Fail", "Error": "AuditIncomplete",
                                "Cause": "The Distributed Map failed beyond ToleratedFailurePercentage; the "
                                         "merged report marks the accounts it did not audit as ERROR."},
        },
    }
