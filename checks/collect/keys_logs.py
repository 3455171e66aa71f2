"""KMS keys and CloudWatch Logs groups that the trails use; only those owned by the audited account are
read (another account's key or log group is recorded with its owner, so its controls are N/A)."""
from __future__ import annotations

from checks.arns import arn_account, arn_region
from checks.collect.clients import CALL_ERRORS, Clients, error_code, failure
from checks.facts import AccountFacts, KeyFacts, LogGroupFacts


def collect_keys(clients: Clients, facts: AccountFacts) -> None:
    for key_id in sorted({t.kms_key_id for t in facts.trails or [] if t.kms_key_id}):
        owner = arn_account(key_id)
        if owner and owner != facts.account_id:
            facts.keys.setdefault(key_id, KeyFacts(arn=key_id, owner_account_id=owner))
            continue
        key = describe_key(clients, facts, key_id)
        facts.keys[key.arn] = key


def describe_key(clients: Clients, facts: AccountFacts, key_id: str) -> KeyFacts:
    kms = clients.get("kms", arn_region(key_id) or None)
    key = KeyFacts(arn=key_id, owner_account_id=facts.account_id)
    try:
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]  # check_answer guarantees the key
    except CALL_ERRORS as exc:
        if error_code(exc) == "NotFoundException":  # a definite answer: the trail's key does not exist
            key.exists = False
            return key
        for f in ("key_manager", "key_state", "multi_region", "rotation_enabled"):
            key.errors[f] = failure("kms:DescribeKey", f"key {key_id}", exc)
        return key
    key.exists = True
    key.arn = meta.get("Arn", key_id)
    key.owner_account_id = meta.get("AWSAccountId", facts.account_id)
    key.key_manager, key.key_state = meta.get("KeyManager"), meta.get("KeyState")
    key.multi_region = bool(meta.get("MultiRegion", False))
    if key.key_manager != "CUSTOMER":  # AWS rotates its own keys; the call is not ours to make
        return key
    try:
        key.rotation_enabled = bool(kms.get_key_rotation_status(KeyId=key.arn).get("KeyRotationEnabled"))
    except CALL_ERRORS as exc:
        key.errors["rotation_enabled"] = failure("kms:GetKeyRotationStatus", f"key {key.arn}", exc)
    return key


def collect_log_groups(clients: Clients, facts: AccountFacts) -> None:
    for raw in sorted({t.cloudwatch_logs_log_group_arn for t in facts.trails or [] if t.cloudwatch_logs_log_group_arn}):
        arn = raw.removesuffix(":*")
        name, region, owner = arn.split(":log-group:", 1)[-1], arn_region(arn), arn_account(arn)
        group = LogGroupFacts(arn=arn, name=name, region=region, owner_account_id=owner or None)
        facts.log_groups[arn] = group
        if owner and owner != facts.account_id:
            continue
        try:
            pages = clients.get("logs", region or None).get_paginator("describe_log_groups").paginate(
                logGroupNamePrefix=name)
            # the prefix may match several groups (org-trail, org-trail-old): keep the exact name only
            match = next((g for page in pages for g in page.get("logGroups", [])
                          if g.get("logGroupName") == name), None)
        except CALL_ERRORS as exc:
            for f in ("exists", "retention_in_days", "kms_key_id"):
                group.errors[f] = failure("logs:DescribeLogGroups", f"log group {name}", exc)
            continue
        group.exists = match is not None
        if match is not None:
            group.retention_in_days = match.get("retentionInDays", 0)
            group.kms_key_id = match.get("kmsKeyId", "")
