"""What the Pulumi mock setups answer the same way: the ARNs AWS returns for the resource types the
program creates, and the account/partition/region invokes. The setups (testkit/component_mocks.py for
components, testkit/continuous_mocks.py for ContinuousAudit, tests/policies/test_pack_on_program.py for
the whole program) differ in what they record and in the ids they hand out.

ARN formats: the "Amazon Resource Names" page of each service's Service Authorization Reference.
"""
from __future__ import annotations

# type token -> (ARN template, input holding the resource's name); {name} falls back to the logical name.
_ARNS = {
    "aws:s3/bucket:Bucket": ("arn:aws:s3:::{name}", "bucket"),
    "aws:kms/key:Key": ("arn:aws:kms:{region}:{account}:key/{key_id}", None),
    "aws:cloudwatch/logGroup:LogGroup": ("arn:aws:logs:{region}:{account}:log-group:{name}", "name"),
    "aws:iam/role:Role": ("arn:aws:iam::{account}:role/{logical}", None),
    "aws:sns/topic:Topic": ("arn:aws:sns:{region}:{account}:{name}", "name"),
    "aws:cloudtrail/trail:Trail": ("arn:aws:cloudtrail:{region}:{account}:trail/{name}", "name"),
    "aws:lambda/function:Function": ("arn:aws:lambda:{region}:{account}:function:{name}", "name"),
    "aws:sfn/stateMachine:StateMachine": ("arn:aws:states:{region}:{account}:stateMachine:{name}", "name"),
}


def resource_arn(typ: str, logical: str, inputs: dict, account: str, region: str, *, key_id: str = "") -> str | None:
    """The ARN AWS would return for a new resource of ``typ``, or None for a type without one here."""
    if typ not in _ARNS:
        return None
    template, name_key = _ARNS[typ]
    name = (inputs.get(name_key) if name_key else None) or logical
    return template.format(name=name, logical=logical, account=account, region=region, key_id=key_id or logical)


def standard_invoke(token: str, account: str, region: str) -> dict | None:
    """getCallerIdentity / getPartition / getRegion as pulumi-aws returns them (engine names); else None."""
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"accountId": account, "arn": f"arn:aws:iam::{account}:user/ci", "userId": "AIDA", "id": account}
    if token == "aws:index/getPartition:getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"}
    if token == "aws:index/getRegion:getRegion":
        return {"region": region, "name": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com",
                "description": "test"}
    return None
