"""Is a trail's log bucket publicly accessible? ACLs, bucket policy, policy status and Block Public Access.

Block Public Access settings that neutralise an existing exposure (not only block new ones):
IgnorePublicAcls makes public ACL grants ineffective; RestrictPublicBuckets limits a bucket with a public
policy to AWS service principals and the owner account. Either, set on the bucket or the account, closes
that path. Deny statements only ever reduce access, so they never make a bucket public.
"""
from __future__ import annotations

from checks.facts import AccountFacts, BucketFacts, PublicAccessBlock

PUBLIC_GROUPS = ("/global/AllUsers", "/global/AuthenticatedUsers")
# Condition keys that pin a "*" principal to known callers (a service acting for a source, an org, a
# network location): with one of them the statement is not an open door.
RESTRICTING_KEYS = frozenset(k.lower() for k in (
    "aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner", "aws:PrincipalOrgID", "aws:SourceOrgID",
    "aws:PrincipalOrgPaths", "aws:SourceOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:SourceVpc",
    "aws:SourceVpce", "aws:SourceIp", "aws:userid", "aws:username",
))


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _anyone(principal) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def _restricted(condition) -> bool:
    if not isinstance(condition, dict):
        return False
    for operator, clauses in condition.items():
        # ...IfExists passes when the key is absent, so it restricts nothing for anonymous callers.
        if operator.endswith("IfExists") or operator == "Null" or not isinstance(clauses, dict):
            continue
        for key, values in clauses.items():
            if key.lower() in RESTRICTING_KEYS and any(v not in ("*", "") for v in _as_list(values)):
                return True
    return False


def open_statements(policy: dict) -> list[str]:
    """Sids (or positions) of Allow statements open to any principal without a restricting condition."""
    found = []
    for i, st in enumerate(_as_list((policy or {}).get("Statement"))):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        if _anyone(st.get("Principal")) and not _restricted(st.get("Condition")):
            found.append(str(st.get("Sid") or f"#{i}"))
    return found


def _flag(blocks: list[PublicAccessBlock | None], attr: str) -> bool | None:
    if any(b is not None and getattr(b, attr) for b in blocks):
        return True
    return None if any(b is None for b in blocks) else False


def _acl_path(account: AccountFacts, bucket: BucketFacts, blocks) -> tuple[bool | None, str]:
    """(public?, why or error) for ACL grants; None when it cannot be decided."""
    if _flag(blocks, "ignore_public_acls"):
        return False, ""
    if bucket.acl_grants is None:
        return None, bucket.errors.get("acl_grants") or f"s3:GetBucketAcl did not answer for bucket {bucket.name}"
    grants = [g for g in bucket.acl_grants if g.grantee_type == "Group" and g.grantee.endswith(PUBLIC_GROUPS)]
    if not grants:
        return False, ""
    why = f"its ACL grants {grants[0].permission} to {grants[0].grantee.rsplit('/', 1)[-1]}"
    if _flag(blocks, "ignore_public_acls") is None:
        return None, _bpa_error(account, bucket, blocks)
    return True, why


def _policy_path(account: AccountFacts, bucket: BucketFacts, blocks) -> tuple[bool | None, str]:
    if _flag(blocks, "restrict_public_buckets"):
        return False, ""
    why = ""
    if bucket.policy is not None and open_statements(bucket.policy):
        why = f"its bucket policy allows any principal in statement {open_statements(bucket.policy)[0]}"
    elif bucket.policy_is_public:
        why = "s3:GetBucketPolicyStatus reports its policy as public"
    if not why:
        if bucket.policy is None:
            return None, bucket.errors.get("policy") or f"s3:GetBucketPolicy did not answer for bucket {bucket.name}"
        if bucket.policy_is_public is None:
            return None, (bucket.errors.get("policy_is_public")
                          or f"s3:GetBucketPolicyStatus did not answer for bucket {bucket.name}")
        return False, ""
    if _flag(blocks, "restrict_public_buckets") is None:
        return None, _bpa_error(account, bucket, blocks)
    return True, why


def _bpa_error(account: AccountFacts, bucket: BucketFacts, blocks) -> str:
    if blocks[0] is None:
        return bucket.errors.get("public_access_block") or f"s3:GetPublicAccessBlock failed for bucket {bucket.name}"
    return (account.errors.get("account_public_access_block")
            or f"s3control:GetPublicAccessBlock failed for account {account.account_id}")


def exposure(account: AccountFacts, bucket: BucketFacts) -> tuple[bool | None, str]:
    """(True, why) public; (False, "") not public; (None, error sentence without period) unknown."""
    blocks = [bucket.public_access_block, account.account_public_access_block]
    results = [_acl_path(account, bucket, blocks), _policy_path(account, bucket, blocks)]
    for public, why in results:
        if public:
            return True, why
    for public, why in results:
        if public is None:
            return None, why
    return False, ""
