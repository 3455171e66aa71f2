"""What a finding's resource is, for the formats that type resources (ASFF, OCSF, CSV, HTML).

Types are AWS Security Finding Format resource type names (``AwsCloudTrailTrail``, ``AwsS3Bucket``...,
the list in the ASFF ``Resources`` docs); a resource the list does not name is ``Other``, as the docs ask.
OCSF's ``resources[].type`` is free text "as defined by the event source", so it reuses the same names
and a SIEM that ingests both formats sees one vocabulary. Account-wide findings (resource = the account
id) are ``AwsAccount``, the type Security Hub's own account-level controls use.
"""
from __future__ import annotations

import functools

from checks.arns import ACCOUNT_TYPE, OTHER_TYPE, arn_part, is_arn, resource_type  # noqa: F401 (re-exported)

ACCOUNT, OTHER = ACCOUNT_TYPE, OTHER_TYPE


def partition(resource: str, region: str = "") -> str:
    """The resource's partition: its ARN's, else the region's (an account id says nothing; a GovCloud or
    China run's account-wide findings are not in ``aws``), else ``aws``."""
    if is_arn(resource):
        return arn_part(resource, 1)
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
