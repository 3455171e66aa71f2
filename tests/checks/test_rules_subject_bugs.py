"""Issue 18's three drift bugs, each pinned by a sweep over the controls it touches.

1. Every bucket control reads a trail bucket's ownership the same way: a bucket another account owns is
   NOT_APPLICABLE for CT-09/10/11 and CX-05..08/10 alike (it was NOT_APPLICABLE for CT, ERROR for CX).
2. A bucket is named by one ARN in its partition, whatever the verdict: in aws-cn PASS and ERROR named
   ``arn:aws:s3:::b`` and ``arn:aws-cn:s3:::b``, so waivers and SARIF fingerprints flipped. ARN format from the
   IAM User Guide, "Identify AWS resources with ARNs": ``arn:partition:service:region:account-id:resource``,
   partition ``aws``, ``aws-cn`` or ``aws-us-gov``; S3 bucket ARNs have no region and no account id
   (``arn:aws:s3:::amzn-s3-demo-bucket``, S3 User Guide, "Policy resources for Amazon S3").
3. A CM finding names the log group its reason describes (``_chains`` overwrote the resource in its loop).
"""
from __future__ import annotations

import dataclasses

import pytest
import test_monitoring_rules as cm  # tests/checks is on sys.path (conftest.py)

from checks.catalog import all_controls
from checks.facts import LogGroupFacts
from checks.model import Status
from checks.rules import all_rules

BUCKET_CONTROLS = sorted(c.id for c in all_controls() if c.id in all_rules() and all_rules()[c.id].scope == "bucket")


def test_bucket_controls_are_the_ones_issue_18_names():
    assert len(BUCKET_CONTROLS) == 8  # CT-09, CT-10, CT-11, CX-05, CX-06, CX-07, CX-08, CX-10


def _ownership_cases(kit):
    other = kit.OTHER
    return {
        "owned by a named account": (kit.bucket(owner_account_id=other), Status.NOT_APPLICABLE),
        "owned elsewhere, owner unknown": (kit.bucket(owner_account_id=None, owned_elsewhere=True),
                                           Status.NOT_APPLICABLE),
        "owner unknown (ListBuckets failed)": (
            kit.bucket(owner_account_id=None, errors={"owner_account_id": "s3:ListBuckets failed: AccessDenied."}),
            Status.ERROR),
        "deleted": (kit.bucket(owner_account_id=None, exists=False), Status.FAIL),
    }


@pytest.mark.parametrize("case", ["owned by a named account", "owned elsewhere, owner unknown",
                                  "owner unknown (ListBuckets failed)", "deleted"])
def test_bucket_controls_agree_on_ownership(kit, case):
    bucket, expected = _ownership_cases(kit)[case]
    got = {cid: kit.one(cid, kit.account(buckets=[bucket])).status for cid in BUCKET_CONTROLS}
    assert got == {cid: expected for cid in BUCKET_CONTROLS}


def _cn_trail(kit):
    owner, region = kit.ACCOUNT, "cn-north-1"
    return kit.trail(arn=f"arn:aws-cn:cloudtrail:{region}:{owner}:trail/org-trail", region=region,
                     kms_key_id=f"arn:aws-cn:kms:{region}:{owner}:key/k1",
                     cloudwatch_logs_log_group_arn=f"arn:aws-cn:logs:{region}:{owner}:log-group:g:*")


@pytest.mark.parametrize("bucket_changes", [
    {},  # the secure bucket: PASS for most controls
    {"owner_account_id": "999988887777"},  # NOT_APPLICABLE
    {"owner_account_id": None, "errors": {"owner_account_id": "s3:ListBuckets failed: AccessDenied."}},  # ERROR
    {"public_access_block": None, "policy": None, "logging_target_bucket": None, "versioning_status": None,
     "object_lock_enabled": None, "mfa_delete": None, "sse_algorithm": None, "object_ownership": None},  # ERROR
])
def test_bucket_findings_name_the_bucket_in_the_accounts_partition(kit, bucket_changes):
    bucket = dataclasses.replace(kit.bucket(region="cn-north-1"), **bucket_changes)
    account = kit.account(_cn_trail(kit), buckets=[bucket], partition="aws-cn", enabled_regions=("cn-north-1",))
    resources = {cid: kit.one(cid, account).resource for cid in BUCKET_CONTROLS}
    assert resources == {cid: f"arn:aws-cn:s3:::{kit.BUCKET}" for cid in BUCKET_CONTROLS}


def test_cloudwatch_root_usage_alarm_configured_pass_names_the_group_that_passed():
    """Two qualifying trails: the first delivers to a group whose chain passes, the second to a group without
    filters. The PASS must name the first group, the one its reason describes."""
    bare = cm.GROUP.replace("trail-logs", "other-logs")
    second = cm._trail(name="second", arn=cm._trail().arn.replace("org-trail", "second"),
                       cloudwatch_logs_log_group_arn=bare + ":*")
    facts = cm._facts(trails=[cm._trail(), second])
    facts.log_groups[bare] = LogGroupFacts(bare, "other-logs", cm.REGION, cm.ACCOUNT, True, metric_filters=())
    result = cm._judge(facts)
    assert result.status is Status.PASS and "log group trail-logs" in result.reason
    assert result.resource == cm.GROUP
