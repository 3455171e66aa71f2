"""moto 5.2 vs AWS on bucket-policy conditions, fixed in the emulator for object requests.

AWS: a policy statement whose Condition does not match does not apply (IAM policy evaluation logic).
moto (``IAMPolicyStatement.is_action_permitted``) answers DENIED whenever a statement's conditions do not
match, whatever its Effect, and evaluates them without request context. The hardened trail bucket's
``DenyInsecureTransport`` statement (Deny s3:* when aws:SecureTransport is false) therefore denies
*every* object Get and Put in the emulator, though AWS applies it to plain-HTTP requests only.

The emulator stands in for AWS, which the SDKs reach over TLS: object requests are evaluated with
``aws:SecureTransport = true``, and statements whose conditions then do not match are left out, as AWS
does. Bucket-level reads (GetBucketPolicy, used by the audit) never went through this path.
"""
from __future__ import annotations

import json

REQUEST_CONTEXT = {"aws:SecureTransport": "true"}
_INSTALLED = False


def condition_matches(conditions: dict, context: dict[str, str]) -> bool:
    """IAM condition evaluation for the operators bucket policies use; a key missing from the request
    context makes a condition false, except for negated operators, ...IfExists and Null (IAM reference,
    "Condition operators")."""
    from fnmatch import fnmatchcase

    ctx = {k.lower(): str(v).lower() for k, v in context.items()}
    for op, pairs in conditions.items():
        base, if_exists = op.removesuffix("IfExists"), op.endswith("IfExists")
        for key, expected in pairs.items():
            wanted = [str(e).lower() for e in (expected if isinstance(expected, list) else [expected])]
            actual = ctx.get(key.lower())
            if base == "Null":
                if (actual is None) != (wanted[0] == "true"):
                    return False
                continue
            if actual is None:
                if if_exists or "Not" in base:
                    continue
                return False
            if base in ("Bool", "StringEquals", "StringEqualsIgnoreCase", "ArnEquals"):
                ok = actual in wanted
            elif base in ("StringNotEquals", "StringNotEqualsIgnoreCase", "ArnNotEquals"):
                ok = actual not in wanted
            elif base in ("StringLike", "ArnLike"):
                ok = any(fnmatchcase(actual, w) for w in wanted)
            elif base in ("StringNotLike", "ArnNotLike"):
                ok = not any(fnmatchcase(actual, w) for w in wanted)
            else:
                return False  # an operator on a key this context never carries: the statement does not apply
            if not ok:
                return False
    return True


def applicable_statements(policy: dict, context: dict[str, str]) -> list[dict]:
    """The statements whose Condition (if any) matches ``context``, their Condition then removed."""
    statements = policy.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    kept = []
    for statement in statements:
        conditions = statement.get("Condition")
        if conditions:
            if not condition_matches(conditions, context):
                continue
            statement = {k: v for k, v in statement.items() if k != "Condition"}
        kept.append(statement)
    return kept


def install() -> None:
    global _INSTALLED
    if _INSTALLED:
        return
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self, action: str, resource: str):
        if self.policy is None:
            return PermissionResult.NEUTRAL
        raw = self.policy.decode() if isinstance(self.policy, bytes) else self.policy
        doc = json.loads(raw)
        kept = applicable_statements(doc, REQUEST_CONTEXT)
        if not kept:
            return PermissionResult.NEUTRAL
        return IAMPolicy(json.dumps({**doc, "Statement": kept})).is_action_permitted(action, resource)

    FakeBucket.get_permission = get_permission
    _INSTALLED = True
