"""Is a trail's log bucket publicly accessible? ACLs, bucket policy, policy status and Block Public Access.

Block Public Access settings that neutralise an existing exposure (not only block new ones):
IgnorePublicAcls makes public ACL grants ineffective; RestrictPublicBuckets limits a bucket with a public
policy to AWS service principals and the owner account. Either, set on the bucket or the account, closes
that path. Deny statements only ever reduce access, so they never make a bucket public.

A bucket policy is judged by S3's own rules ("The meaning of public", quoted below), so our evaluation
agrees with GetBucketPolicyStatus when that call is not available: a "*" grant is private only when a
condition limits it to fixed values of a key S3 counts, with aws:SourceIp no broader than /8 (IPv4) or
/32 (IPv6). Either our evaluation or S3's IsPublic saying public makes the bucket public (fail closed).
"""
from __future__ import annotations

import ipaddress
import re

from checks.facts import AccountFacts, BucketFacts, PublicAccessBlock

PUBLIC_GROUPS = ("/global/AllUsers", "/global/AuthenticatedUsers")

# S3 User Guide, "Blocking public access to your Amazon S3 storage", "The meaning of public", Bucket
# policies: "To be considered non-public, a bucket policy must grant access only to fixed values (values
# that don't contain a wildcard or an AWS Identity and Access Management Policy Variable) for one or more
# of the following: an AWS principal, user, role, or service principal (e.g. aws:PrincipalOrgID); a set of
# CIDRs, using aws:SourceIp; aws:SourceArn; aws:SourceVpc; aws:SourceVpce; aws:SourceOwner;
# aws:SourceAccount; s3:x-amz-server-side-encryption-aws-kms-key-id; aws:userid, outside the pattern
# "AROLEID:*"; s3:DataAccessPointArn; s3:DataAccessPointAccount." Keys not listed (aws:SourceOrgID,
# aws:username, aws:RequestedRegion, ...) do not make a "*" grant private.
PRINCIPAL_KEYS = frozenset(k.lower() for k in (
    "aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgPaths"))
FIXED_VALUE_KEYS = PRINCIPAL_KEYS | frozenset(k.lower() for k in (
    "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceOwner", "aws:SourceAccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id", "aws:userid", "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount"))
# Operators that limit a key to the listed values. Negated ones (StringNotEquals, NotIpAddress, ...) admit
# everyone else; ...IfExists admits a request without the key; ForAllValues: is true for an empty key.
_LIMITING_OPERATORS = frozenset(o.lower() for o in (
    "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress"))
# "Bucket policies that grant access conditioned on the aws:SourceIp condition key with very broad IP
# ranges (for example, 0.0.0.0/1) are evaluated as 'public.' This includes values broader than /8 for
# IPv4 and /32 for IPv6 (excluding RFC1918 private ranges)."
MIN_IPV4_PREFIX, MIN_IPV6_PREFIX = 8, 32
_RFC1918 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_ROLE_ID_SESSIONS = re.compile(r"^ARO[A-Z0-9]+:\*$")  # aws:userid "AROLEID:*": one role, any session
_ACCESS_POINTS = re.compile(r"^arn:[\w-]+:s3:[\w-]+:\d{12}:accesspoint/[^*?$]*\*?$")


def as_list(value) -> list:
    """A policy document value as a list: IAM lets one value stand for a list of one."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _anyone(principal) -> bool:
    """A principal S3 counts as public: "*", {"AWS": "*"}, or any federated (web identity) principal."""
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return "*" in as_list(principal.get("AWS")) or bool(principal.get("Federated"))


def is_fixed(value) -> bool:
    """S3's "fixed value": a non-empty string without a wildcard (* or ?) or a policy variable (${...})."""
    return isinstance(value, str) and value != "" and not any(c in value for c in "*?") and "${" not in value


def narrow_cidr(value) -> bool:
    """Does an aws:SourceIp value limit callers as S3 requires (IPv4 /8 or longer, IPv6 /32 or longer, or
    inside an RFC1918 range)? A bare address is a /32 or /128."""
    if not is_fixed(value):
        return False
    try:
        net = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return False
    if net.version == 4:
        return net.prefixlen >= MIN_IPV4_PREFIX or any(net.subnet_of(r) for r in _RFC1918)
    return net.prefixlen >= MIN_IPV6_PREFIX


def _limits(key: str, value) -> bool:
    if key == "aws:sourceip":
        return narrow_cidr(value)
    if key == "aws:userid" and isinstance(value, str) and _ROLE_ID_SESSIONS.match(value):
        return True
    if key == "s3:dataaccesspointarn" and isinstance(value, str) and _ACCESS_POINTS.match(value):
        return True  # "can contain a wildcard for the access point name ... as long as the account id is fixed"
    return is_fixed(value)


def limiting_condition(condition) -> str:
    """The first condition key that makes a "*" grant non-public by S3's rules, or ""."""
    if not isinstance(condition, dict):
        return ""
    for operator, clauses in condition.items():
        op = operator.lower().removeprefix("foranyvalue:")
        if op not in _LIMITING_OPERATORS or not isinstance(clauses, dict):
            continue
        for key, values in clauses.items():
            key, values = key.lower(), as_list(values)
            if op == "ipaddress" and key != "aws:sourceip":
                continue
            if key in FIXED_VALUE_KEYS | {"aws:sourceip"} and values and all(_limits(key, v) for v in values):
                return key
    return ""


def open_statements(policy: dict) -> list[str]:
    """Sids (or positions) of Allow statements S3 would call public: open to anyone (Principal "*",
    {"AWS": "*"}, a federated principal, or NotPrincipal) without a condition that limits them to fixed
    values of a key S3 counts."""
    found = []
    for i, st in enumerate(as_list((policy or {}).get("Statement"))):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        if (_anyone(st.get("Principal")) or "NotPrincipal" in st) and not limiting_condition(st.get("Condition")):
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
        # GetBucketPolicyStatus unavailable: the policy text, judged by S3's own rules, decides.
        if bucket.policy is None and bucket.policy_is_public is None:
            return None, (bucket.errors.get("policy") or bucket.errors.get("policy_is_public")
                          or f"s3:GetBucketPolicy did not answer for bucket {bucket.name}")
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
