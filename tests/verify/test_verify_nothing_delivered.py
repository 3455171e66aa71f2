"""Nothing to verify is never a pass: an empty bucket or folder is a FAIL verdict, a refused listing an ERROR.

CloudTrail User Guide, "CloudTrail digest file structure" (Empty digest files): CloudTrail delivers a
digest file every hour while log file validation is on, even when there was no API activity in that
hour. So a listing that answers "no files" for a trail with validation on is a definite answer (the
digests are absent: FAIL, `digest_missing`), and a listing that fails is unknown (ERROR naming
s3:ListObjectsV2). Either way the report is written and the exit code is 1, never 0 (nothing verified is
not "verified"), and never 2 (2 is for usage errors: a pipeline must get the report).
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from checks.cli import main
from checks.model import Status
from verify_world import BUCKET, HOME, MEMBER, MGMT, ORG, T0, TRAIL

ISO = "%Y-%m-%dT%H:%M:%SZ"


def _verdicts(out) -> list[tuple]:
    return sorted((f.outcome, f.status, f.account_id, f.resource) for f in out.run.findings)


def test_cloudtrail_log_files_integrity_verified_fail_org_bucket_with_nothing_delivered(world):
    out = world.verify(org=True)
    assert _verdicts(out) == [("digest_missing", Status.FAIL, MGMT, f"s3://{BUCKET}/AWSLogs/")]
    assert "nothing was delivered there" in out.run.findings[0].reason


def test_cloudtrail_log_files_integrity_verified_fail_own_trail_with_nothing_delivered(plain_world):
    """Before this was fixed, a trail of one account with an empty bucket gave no finding at all: exit 0."""
    out = plain_world.verify(org=False)
    where = f"s3://{BUCKET}/audit/logs/AWSLogs/{MGMT}/CloudTrail-Digest/"
    assert _verdicts(out) == [("digest_missing", Status.FAIL, MGMT, where)]


def test_cloudtrail_log_files_integrity_verified_fail_requested_account_absent_from_org_folder(world):
    world.deliver(account=MGMT, hours=2)
    out = world.verify(org=True, accounts=[MEMBER])
    assert _verdicts(out) == [("digest_missing", Status.FAIL, MEMBER, f"s3://{BUCKET}/AWSLogs/{ORG}/{MEMBER}/")]
    assert out.run.accounts == [MEMBER]


def test_cloudtrail_log_files_integrity_verified_fail_reason_names_validation_off(world):
    world.session.client("cloudtrail").update_trail(Name=TRAIL, EnableLogFileValidation=False)
    out = world.verify(org=True)
    assert "Log file validation is off for trail org-trail (CT-05)" in out.run.findings[0].reason


def test_cloudtrail_log_files_integrity_verified_error_bucket_listing_refused(world):
    def deny(params, **_):
        if params.get("Delimiter") == "/":
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "denied"}}, "ListObjectsV2")

    world.session.events.register("provide-client-params.s3.ListObjectsV2", deny)
    out = world.verify(org=True)
    [finding] = out.run.findings
    assert (finding.status, finding.outcome) == (Status.ERROR, "digest_unverifiable")
    assert "s3:ListObjectsV2 failed" in finding.reason and "AccessDenied" in finding.reason


@pytest.mark.parametrize("extra, code", [([], 1), (["--errors-ok"], 1), (["--fail-on", "critical"], 0)])
def test_verify_cli_empty_bucket_writes_the_report_and_exits_1(world, tmp_path, extra, code):
    path = tmp_path / "verify.json"
    assert main(["verify", "--org", "--trail", TRAIL, "--start", (T0 - dt.timedelta(hours=1)).strftime(ISO),
                 "--end", T0.strftime(ISO), "--format", "json", "--output", str(path), "--quiet", *extra]) == code
    doc = json.loads(path.read_text())
    assert [(f["status"], f["outcome"], f["region"]) for f in doc["findings"]] == [
        ("FAIL", "digest_missing", HOME)]
