"""S3 facts for the trails' log buckets (deduplicated) and the account's Block Public Access.

s3:ListBuckets (once, also in an account without trail buckets) tells which buckets the account owns. A bucket it does not list is either
gone or another account's: s3:GetBucketLocation tells which (NoSuchBucket: deleted, ``exists=False``, a
verdict; AccessDenied or an answer: it exists, ``owned_elsewhere``, owner unknown here; an organization
run names the owner); any other failure leaves the owner unknown (ERROR). Only owned buckets are read,
and only the calls the selected controls need.
"""
from __future__ import annotations

import json
from typing import Callable

from checks.collect.clients import CALL_ERRORS, Clients, error_code, failure
from checks.facts import AccountFacts, BucketFacts, Grant, PublicAccessBlock

_FAILED = object()
NO_PAB = "NoSuchPublicAccessBlockConfiguration"


def collect_buckets(clients: Clients, facts: AccountFacts, parts: set[str]) -> None:
    """parts: any of "public", "logging", "lock", "all" (everything BucketFacts holds)."""
    writers: dict[str, list[str]] = {}
    for trail in facts.trails or []:
        if trail.s3_bucket_name:
            writers.setdefault(trail.s3_bucket_name, []).append(trail.owner_account_id)
    if "public" in parts or "all" in parts:
        read_account_pab(clients, facts)
    # Listed even without a trail bucket of its own: a log-archive account that sees no trail still owns the
    # buckets other accounts' trails write to, and an --org run (or a merge of shards) names it as their owner
    # only from this list (checks/org_owners.py). One call, whatever the account holds.
    owned = _owned(clients, facts)
    if not isinstance(owned, str):
        facts.owned_buckets = frozenset(owned)
    if not writers:
        return
    for name in sorted(writers):
        bucket = facts.buckets[name] = BucketFacts(name=name)
        if isinstance(owned, str):
            bucket.errors["owner_account_id"] = owned
        elif name not in owned:
            # Not ours. Not necessarily the trail owner's either: an organization trail often writes to a
            # log-archive account's bucket. An --org run names the owner (checks/org_owners.py).
            _not_listed(clients, bucket)
        else:
            bucket.owner_account_id, bucket.exists = facts.account_id, True
            read_bucket(clients, bucket, parts)


def _not_listed(clients: Clients, bucket: BucketFacts) -> None:
    """A trail bucket missing from our s3:ListBuckets: deleted, or owned by another account?"""
    try:
        clients.get("s3").get_bucket_location(Bucket=bucket.name)
    except CALL_ERRORS as exc:
        code = error_code(exc)
        if code == "NoSuchBucket":
            bucket.exists = False
            return
        if code not in ("AccessDenied", "AllAccessDisabled"):
            bucket.errors["owner_account_id"] = failure(
                "s3:GetBucketLocation", f"bucket {bucket.name} (not in this account's s3:ListBuckets)", exc)
            return
    bucket.exists, bucket.owned_elsewhere = True, True


def bucket_names(clients: Clients) -> set[str]:
    """The names in the account's s3:ListBuckets (every page); raises what the call raises."""
    pages = clients.get("s3").get_paginator("list_buckets").paginate()
    return {b["Name"] for page in pages for b in page.get("Buckets", [])}


def _owned(clients: Clients, facts: AccountFacts) -> set[str] | str:
    try:
        return bucket_names(clients)
    except CALL_ERRORS as exc:
        return failure("s3:ListBuckets", f"account {facts.account_id}", exc)


def read_account_pab(clients: Clients, facts: AccountFacts) -> None:
    try:
        got = clients.get("s3control").get_public_access_block(AccountId=facts.account_id)
        facts.account_public_access_block = _pab(got)
    except CALL_ERRORS as exc:
        if error_code(exc) == NO_PAB:
            facts.account_public_access_block = PublicAccessBlock()
        else:
            facts.errors["account_public_access_block"] = failure(
                "s3control:GetPublicAccessBlock", f"account {facts.account_id}", exc)


def _pab(got: dict) -> PublicAccessBlock:
    c = got.get("PublicAccessBlockConfiguration", {})
    return PublicAccessBlock(bool(c.get("BlockPublicAcls")), bool(c.get("IgnorePublicAcls")),
                             bool(c.get("BlockPublicPolicy")), bool(c.get("RestrictPublicBuckets")))


def _call(bucket: BucketFacts, fields: tuple[str, ...], api: str, fn: Callable, absent: dict | None = None):
    """fn() or, for an error code in `absent`, its stand-in value; else record errors and return _FAILED."""
    try:
        return fn()
    except CALL_ERRORS as exc:
        if absent and error_code(exc) in absent:
            return absent[error_code(exc)]
        for f in fields:
            bucket.errors[f] = failure(api, f"bucket {bucket.name}", exc)
        return _FAILED


def read_bucket(clients: Clients, b: BucketFacts, parts: set[str]) -> None:
    loc = _call(b, ("region",), "s3:GetBucketLocation",
                lambda: clients.get("s3").get_bucket_location(Bucket=b.name))
    if loc is not _FAILED:
        # us-east-1 answers None; the legacy "EU" constraint means eu-west-1
        b.region = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(
            loc.get("LocationConstraint"), loc.get("LocationConstraint"))
    s3 = clients.get("s3", b.region or None)
    every = "all" in parts
    if every or "public" in parts:
        _public(s3, b)
    if every or "logging" in parts:
        got = _call(b, ("logging_target_bucket",), "s3:GetBucketLogging", lambda: s3.get_bucket_logging(Bucket=b.name))
        if got is not _FAILED:
            b.logging_target_bucket = got.get("LoggingEnabled", {}).get("TargetBucket", "")
    if every or "lock" in parts:
        _deletion_protection(s3, b)
    if every:
        _encryption_and_ownership(s3, b)


def _public(s3, b: BucketFacts) -> None:
    got = _call(b, ("public_access_block",), "s3:GetPublicAccessBlock",
                lambda: s3.get_public_access_block(Bucket=b.name), {NO_PAB: {}})
    if got is not _FAILED:
        b.public_access_block = _pab(got)
    got = _call(b, ("policy_is_public",), "s3:GetBucketPolicyStatus",
                lambda: s3.get_bucket_policy_status(Bucket=b.name),
                {"NoSuchBucketPolicy": {"PolicyStatus": {"IsPublic": False}}})
    if got is not _FAILED:
        b.policy_is_public = bool(got.get("PolicyStatus", {}).get("IsPublic"))
    got = _call(b, ("acl_grants",), "s3:GetBucketAcl", lambda: s3.get_bucket_acl(Bucket=b.name))
    if got is not _FAILED:
        b.acl_grants = tuple(
            Grant(g["Grantee"].get("Type", ""),
                  g["Grantee"].get("URI") or g["Grantee"].get("ID") or g["Grantee"].get("EmailAddress", ""),
                  g.get("Permission", ""))
            for g in got.get("Grants", []))
    got = _call(b, ("policy",), "s3:GetBucketPolicy", lambda: s3.get_bucket_policy(Bucket=b.name),
                {"NoSuchBucketPolicy": {"Policy": "{}"}})
    if got is not _FAILED:
        try:
            b.policy = json.loads(got.get("Policy") or "{}")
        except ValueError:
            b.errors["policy"] = f"s3:GetBucketPolicy returned a policy that is not JSON for bucket {b.name}."


def _deletion_protection(s3, b: BucketFacts) -> None:
    got = _call(b, ("versioning_status", "mfa_delete"), "s3:GetBucketVersioning",
                lambda: s3.get_bucket_versioning(Bucket=b.name))
    if got is not _FAILED:
        b.versioning_status, b.mfa_delete = got.get("Status", ""), got.get("MFADelete", "")
    got = _call(b, ("object_lock_enabled", "object_lock_mode", "object_lock_days"), "s3:GetObjectLockConfiguration",
                lambda: s3.get_object_lock_configuration(Bucket=b.name),
                {"ObjectLockConfigurationNotFoundError": {}})
    if got is not _FAILED:
        conf = got.get("ObjectLockConfiguration", {})
        retention = conf.get("Rule", {}).get("DefaultRetention", {})
        b.object_lock_enabled = conf.get("ObjectLockEnabled") == "Enabled"
        b.object_lock_mode = retention.get("Mode", "")
        b.object_lock_days = retention.get("Days") or 365 * retention.get("Years", 0)


def _encryption_and_ownership(s3, b: BucketFacts) -> None:
    got = _call(b, ("sse_algorithm", "sse_kms_key_id", "bucket_key_enabled"), "s3:GetBucketEncryption",
                lambda: s3.get_bucket_encryption(Bucket=b.name),
                {"ServerSideEncryptionConfigurationNotFoundError": {}})
    if got is not _FAILED:
        rules = got.get("ServerSideEncryptionConfiguration", {}).get("Rules") or [{}]
        default = rules[0].get("ApplyServerSideEncryptionByDefault", {})
        b.sse_algorithm = default.get("SSEAlgorithm", "")
        b.sse_kms_key_id = default.get("KMSMasterKeyID", "")
        b.bucket_key_enabled = bool(rules[0].get("BucketKeyEnabled", False))
    got = _call(b, ("object_ownership",), "s3:GetBucketOwnershipControls",
                lambda: s3.get_bucket_ownership_controls(Bucket=b.name), {"OwnershipControlsNotFoundError": {}})
    if got is not _FAILED:
        rules = got.get("OwnershipControls", {}).get("Rules") or [{}]
        b.object_ownership = rules[0].get("ObjectOwnership", "")
