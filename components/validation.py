"""Value checks for stack settings: each returns an error sentence (naming key, value and what is allowed) or None.

Kept apart from :mod:`components.settings` so the rules an AWS API enforces are readable in one place and
the settings loader can collect every problem before it raises one :class:`SettingsError`.
"""
from __future__ import annotations

import difflib
import ipaddress
import re
from urllib.parse import urlsplit

# Exactly the values PutRetentionPolicy accepts; anything else is an InvalidParameterException at deploy time.
CLOUDWATCH_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)
TRANSITION_STORAGE_CLASSES = ("STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
OBJECT_LOCK_MODES = ("COMPLIANCE", "GOVERNANCE")
INSIGHT_TYPES = ("ApiCallRateInsight", "ApiErrorRateInsight")

ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
ACCOUNT_ID = re.compile(r"^\d{12}$")
ROLE_ARN = re.compile(r"^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
LAMBDA_ARN = re.compile(
    r"^arn:aws(-cn|-us-gov|-iso|-iso-b)?:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}"
    r"(:[A-Za-z0-9$_-]{1,128})?$"
)
DYNAMODB_ARN = re.compile(
    r"^arn:aws(-cn|-us-gov|-iso|-iso-b)?:dynamodb:[a-z]{2}(-[a-z]+)+-\d:\d{12}:table/[A-Za-z0-9_.-]{3,255}$"
)
TRAIL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$")
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
LOG_GROUP_NAME = re.compile(r"^[A-Za-z0-9_./#-]{1,512}$")
KEY_PREFIX_CHARS = re.compile(r"^[A-Za-z0-9!_.*'()/-]*$")


def check_org_id(key: str, value: str) -> str | None:
    if value and value != "auto" and not ORG_ID.match(value):
        return (f"{key}: {value!r} is not an organization id; allowed: \"\" (single account), \"auto\" (the "
                "caller's organization) or o- followed by 10-32 lowercase letters or digits.")
    return None


def check_account_id(key: str, value: str) -> str | None:
    if not ACCOUNT_ID.match(value):
        return f"{key}: {value!r} is not an AWS account id; allowed: exactly 12 digits."
    return None


def check_trail_name(key: str, value: str) -> str | None:
    # CloudTrail rejects these with InvalidTrailNameException only at deploy time.
    allowed = ("allowed: 3-128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit, "
               "no adjacent separators, not an IP address.")
    if not TRAIL_NAME.match(value) or re.search(r"[._-]{2}", value) or _is_ip(value):
        return f"{key}: {value!r} is not a valid trail name; {allowed}"
    return None


def check_bucket_name(key: str, value: str) -> str | None:
    allowed = ("allowed: 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit, "
               "no '..', not an IP address, no 'xn--'/'sthree-' prefix, no '-s3alias'/'--ol-s3' suffix.")
    bad = (
        not BUCKET_NAME.match(value)
        or ".." in value
        or _is_ip(value)
        or value.startswith(("xn--", "sthree-"))
        or value.endswith(("-s3alias", "--ol-s3"))
    )
    return f"{key}: {value!r} is not a valid S3 bucket name; {allowed}" if bad else None


def check_key_prefix(key: str, value: str) -> str | None:
    if not value:
        return None
    if len(value) > 200 or value.startswith("/") or value.endswith("/") or "//" in value or not KEY_PREFIX_CHARS.match(value):
        return (f"{key}: {value!r} is not a valid S3 key prefix; allowed: up to 200 characters of letters, digits "
                "and !_.*'()/-, no leading or trailing '/', no '//' (the component adds the separator).")
    return None


def check_log_group_name(key: str, value: str) -> str | None:
    if value and (not LOG_GROUP_NAME.match(value) or value.startswith("aws/")):
        return (f"{key}: {value!r} is not a valid log group name; allowed: 1-512 letters, digits and _./#-, "
                "not starting with the reserved 'aws/'.")
    return None


def check_role_arn(key: str, value: str) -> str | None:
    if not ROLE_ARN.match(value):
        return f"{key}: {value!r} is not an IAM role ARN; allowed: arn:<partition>:iam::<12-digit account>:role/<name>."
    return None


def check_choice(key: str, value: str, allowed: tuple) -> str | None:
    if value not in allowed:
        return f"{key}: {value!r} is not allowed; allowed: {', '.join(map(str, allowed))}."
    return None


def check_range(key: str, value: int, low: int, high: int | None = None) -> str | None:
    if value < low or (high is not None and value > high):
        upper = f" to {high}" if high is not None else " or more"
        return f"{key}: {value!r} is out of range; allowed: {low}{upper}."
    return None


def check_sandbox_endpoint(key: str, value: str) -> str | None:
    if not value:
        return None
    allowed = "allowed: \"\" (real AWS) or an http(s)://host:port URL with no path, e.g. http://127.0.0.1:5000."
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return f"{key}: {value!r} is not a URL; {allowed}"
    if parts.scheme not in ("http", "https") or not parts.hostname or port is None or parts.path not in ("", "/") \
            or parts.query or parts.fragment or parts.username:
        return f"{key}: {value!r} is not a sandbox endpoint; {allowed}"
    return None


def check_tags(key: str, value: dict) -> list[str]:
    errors = []
    for k, v in value.items():
        if not isinstance(k, str) or not 1 <= len(k) <= 128 or k.lower().startswith("aws:"):
            errors.append(f"{key}: tag key {k!r} is not allowed; allowed: 1-128 characters, not starting with 'aws:'.")
        if not isinstance(v, str) or len(v) > 256:
            errors.append(f"{key}: value {v!r} of tag {k!r} is not allowed; allowed: a string of up to 256 characters.")
    return errors


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


def unknown_keys(unknown: list[str], known) -> list[str]:
    """One sentence per unknown ``trailguard:`` key, suggesting the closest known key (a typo is silent otherwise)."""
    errors = []
    for key in unknown:
        close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6) or \
            [k for k in known if k.lower() == key.lower()]
        hint = f"did you mean {close[0]}?" if close else f"allowed: {', '.join(sorted(known))}."
        errors.append(f"{key}: unknown setting; {hint}")
    return errors
