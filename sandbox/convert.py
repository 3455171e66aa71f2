"""Pulumi (camelCase, mock-deserialized) values -> boto3 parameters.

Under mocks every number arrives as a float and every nested object as a dict with camelCase keys;
botocore rejects 365.0 for an integer parameter and wants PascalCase keys for most services.
"""
from __future__ import annotations

import json
import re
import secrets
from typing import Any

# Key renames a plain "capitalize the first letter" gets wrong (AWS acronyms).
ACRONYMS = {
    "id": "ID",
    "kmsMasterKeyId": "KMSMasterKeyID",
    "sseAlgorithm": "SSEAlgorithm",
    "mfaDelete": "MFADelete",
}


def numbers(value: Any) -> Any:
    """Integral floats back to int, recursively (mocks turn every number into a float)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [numbers(v) for v in value]
    return value


def pascal(value: Any, renames: dict[str, str] | None = None) -> Any:
    """camelCase keys -> PascalCase, recursively; None values dropped (Pulumi's "not set")."""
    table = {**ACRONYMS, **(renames or {})}
    if isinstance(value, dict):
        return {
            table.get(k, k[:1].upper() + k[1:]): pascal(v, renames)
            for k, v in value.items()
            if v is not None
        }
    if isinstance(value, (list, tuple)):
        return [pascal(v, renames) for v in value]
    return numbers(value)


def drop_none(d: dict) -> dict:
    return {k: numbers(v) for k, v in d.items() if v is not None and v != [] and v != {}}


def tag_list(tags: dict | None, key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
    return [{key: k, value: str(v)} for k, v in (tags or {}).items()]


def as_json_text(value: Any) -> str:
    """A policy document as Pulumi holds it (already a string) or as a dict; boto3 wants the string."""
    return value if isinstance(value, str) else json.dumps(value)


def physical_name(logical: str, inputs: dict, *, key: str = "name", lower: bool = False,
                  max_len: int = 128) -> str:
    """The name AWS gets: the explicit one, else `<prefix>` + random, else Pulumi's auto-name.

    Pulumi auto-names a resource `<logical name>-<7 random hex>` so repeated stacks don't collide;
    the sandbox does the same so several deployments can share one emulator.
    """
    explicit = inputs.get(key)
    if explicit:
        return explicit
    prefix = inputs.get(f"{key}Prefix")
    if prefix:
        name = prefix + secrets.token_hex(13)[:26]
    else:
        name = f"{logical}-{secrets.token_hex(4)[:7]}"
    if lower:
        name = re.sub(r"[^a-z0-9.-]", "-", name.lower())
    return name[:max_len]


def assumed_role_arn(inputs: dict) -> str:
    """The role an explicit provider assumes (`assumeRoles`, a JSON string on provider inputs)."""
    roles = inputs.get("assumeRoles") or inputs.get("assumeRole") or []
    if isinstance(roles, str):
        roles = json.loads(roles) if roles else []
    if isinstance(roles, dict):
        roles = [roles]
    # Typed args serialize as roleArn; a plain dict keeps the Python spelling (role_arn).
    return (roles[0].get("roleArn") or roles[0].get("role_arn") or "") if roles else ""
