"""ARN fields, shared by the collectors and the rules (no AWS SDK import, so rules stay pure and fast).

arn:partition:service:region:account-id:resource — a string with fewer than six fields is not an ARN,
and every field reads as "".
"""
from __future__ import annotations


def arn_part(arn: str | None, index: int) -> str:
    parts = (arn or "").split(":")
    return parts[index] if len(parts) > 5 else ""


def arn_service(arn: str | None) -> str:
    return arn_part(arn, 2)


def arn_region(arn: str | None) -> str:
    return arn_part(arn, 3)


def arn_account(arn: str | None) -> str:
    return arn_part(arn, 4)
