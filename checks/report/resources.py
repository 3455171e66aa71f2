"""What a finding's resource is, for the formats that type resources (ASFF, OCSF, CSV, HTML).

Types (``Finding.resource_type``, from :func:`checks.arns.resource_type`) are AWS Security Finding Format
resource type names (``AwsCloudTrailTrail``, ``AwsS3Bucket``...,
the list in the ASFF ``Resources`` docs); a resource the list does not name is ``Other``, as the docs ask.
OCSF's ``resources[].type`` is free text "as defined by the event source", so it reuses the same names
and a SIEM that ingests both formats sees one vocabulary. Account-wide findings (resource = the account
id) are ``AwsAccount``, the type Security Hub's own account-level controls use.
"""
from __future__ import annotations

import functools

from typing import TYPE_CHECKING

from checks.arns import ACCOUNT_TYPE, OTHER_TYPE

if TYPE_CHECKING:  # pragma: no cover
    from checks.model import Finding

ACCOUNT, OTHER = ACCOUNT_TYPE, OTHER_TYPE


def partition(f: "Finding", region: str = "") -> str:
    """The finding's partition (``Finding.partition``: its resource ARN's or the audited account's), else its
    region's (a finding built without one, e.g. read from an older report), else ``aws``."""
    if f.partition:
        return f.partition
    region = f.region or region
    return _region_partition(region) if region else "aws"


@functools.lru_cache(maxsize=None)
def _region_partition(region: str) -> str:
    import botocore.session  # botocore's endpoint data knows every region's partition

    try:
        return botocore.session.get_session().get_partition_for_region(region)
    except Exception:  # UnknownRegionError: a region botocore does not know yet
        return "aws"


def cis_items(control) -> list[str]:
    """``["3.1 (v1.4-5.0)", "4.1 (v6.0+)"]``: the CIS AWS Foundations items of a control, versions kept."""
    return [f"{f.item} (v{f.version})" if f.version else f.item
            for f in getattr(control, "frameworks", ()) if f.framework == "CIS AWS Foundations"]
