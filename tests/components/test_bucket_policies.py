"""Both bucket policies, read back from the registered BucketPolicy inputs, statement by statement."""
from __future__ import annotations

MGMT, ARCHIVE, REGION, ORG = "111111111111", "222222222222", "eu-west-1", "o-abcdefghij"
TRAIL = f"arn:aws:cloudtrail:{REGION}:{MGMT}:trail/trailguard-organization-trail"
LOGS = f"trailguard-logs-{MGMT}-{REGION}"
ACCESS = f"trailguard-access-logs-{MGMT}-{REGION}"
CT = {"Service": "cloudtrail.amazonaws.com"}
WRITE_CONDITION = {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL}}


def statement(policy: dict, sid: str) -> dict:
    matches = [s for s in policy["Statement"] if s.get("Sid") == sid]
    assert len(matches) == 1, f"expected one statement {sid}, got {len(matches)}"
    return matches[0]


def test_log_bucket_policy_targets_the_log_bucket(org_plan):
    assert org_plan.get("tg-logs-policy").inputs["bucket"] == LOGS


def test_log_bucket_denies_requests_without_tls_on_bucket_and_objects(org_plan):
    s = statement(org_plan.get("tg-logs-policy").policy(), "DenyInsecureTransport")
    assert (s["Effect"], s["Principal"], s["Action"]) == ("Deny", "*", "s3:*")
    assert s["Resource"] == [f"arn:aws:s3:::{LOGS}", f"arn:aws:s3:::{LOGS}/*"]
    assert s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_cloudtrail_acl_check_is_limited_to_this_trail(org_plan):
    s = statement(org_plan.get("tg-logs-policy").policy(), "AWSCloudTrailAclCheck")
    assert (s["Effect"], s["Principal"], s["Action"], s["Resource"]) == (
        "Allow", CT, "s3:GetBucketAcl", f"arn:aws:s3:::{LOGS}")
    assert s["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL}}


def test_cloudtrail_writes_only_the_management_account_path_as_this_trail(org_plan):
    s = statement(org_plan.get("tg-logs-policy").policy(), "AWSCloudTrailAccountWrite")
    assert (s["Effect"], s["Principal"], s["Action"]) == ("Allow", CT, "s3:PutObject")
    assert s["Resource"] == f"arn:aws:s3:::{LOGS}/AWSLogs/{MGMT}/*"
    assert s["Condition"] == WRITE_CONDITION


def test_cloudtrail_writes_the_organization_path_as_this_trail(org_plan):
    s = statement(org_plan.get("tg-logs-policy").policy(), "AWSCloudTrailOrganizationWrite")
    assert (s["Effect"], s["Principal"], s["Action"]) == ("Allow", CT, "s3:PutObject")
    assert s["Resource"] == f"arn:aws:s3:::{LOGS}/AWSLogs/{ORG}/*"
    assert s["Condition"] == WRITE_CONDITION


def test_log_bucket_policy_has_exactly_the_four_statements_in_org_mode(org_plan):
    sids = [s["Sid"] for s in org_plan.get("tg-logs-policy").policy()["Statement"]]
    assert sids == ["DenyInsecureTransport", "AWSCloudTrailAclCheck", "AWSCloudTrailAccountWrite",
                    "AWSCloudTrailOrganizationWrite"]


def test_single_account_trail_grants_no_organization_path(deploy):
    sids = {s["Sid"] for s in deploy({}).get("tg-logs-policy").policy()["Statement"]}
    assert "AWSCloudTrailOrganizationWrite" not in sids
    assert "AWSCloudTrailAccountWrite" in sids


def test_key_prefix_is_part_of_both_write_paths(deploy):
    policy = deploy({"orgId": ORG, "s3KeyPrefix": "audit/ct"}).get("tg-logs-policy").policy()
    assert statement(policy, "AWSCloudTrailAccountWrite")["Resource"] == \
        f"arn:aws:s3:::{LOGS}/audit/ct/AWSLogs/{MGMT}/*"
    assert statement(policy, "AWSCloudTrailOrganizationWrite")["Resource"] == \
        f"arn:aws:s3:::{LOGS}/audit/ct/AWSLogs/{ORG}/*"


def test_access_log_bucket_denies_requests_without_tls(org_plan):
    s = statement(org_plan.get("tg-access-logs-policy").policy(), "DenyInsecureTransport")
    assert (s["Effect"], s["Principal"], s["Action"]) == ("Deny", "*", "s3:*")
    assert s["Resource"] == [f"arn:aws:s3:::{ACCESS}", f"arn:aws:s3:::{ACCESS}/*"]
    assert s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_access_log_delivery_only_from_the_log_bucket_in_its_account(org_plan):
    s = statement(org_plan.get("tg-access-logs-policy").policy(), "S3ServerAccessLogsDelivery")
    assert (s["Effect"], s["Principal"], s["Action"], s["Resource"]) == (
        "Allow", {"Service": "logging.s3.amazonaws.com"}, "s3:PutObject", f"arn:aws:s3:::{ACCESS}/*")
    assert s["Condition"] == {
        "ArnEquals": {"aws:SourceArn": f"arn:aws:s3:::{LOGS}"},
        "StringEquals": {"aws:SourceAccount": MGMT},
    }


def test_cross_account_buckets_name_archive_owner_and_management_writer(deploy):
    plan = deploy({"orgId": ORG, "logArchiveAccountId": ARCHIVE,
                   "logArchiveRoleArn": f"arn:aws:iam::{ARCHIVE}:role/deployer"})
    logs, access = f"trailguard-logs-{ARCHIVE}-{REGION}", f"trailguard-access-logs-{ARCHIVE}-{REGION}"
    policy = plan.get("tg-logs-policy").policy()
    # CloudTrail writes under the management account id and the org id, whatever account owns the bucket.
    assert statement(policy, "AWSCloudTrailAccountWrite")["Resource"] == f"arn:aws:s3:::{logs}/AWSLogs/{MGMT}/*"
    assert statement(policy, "AWSCloudTrailOrganizationWrite")["Resource"] == f"arn:aws:s3:::{logs}/AWSLogs/{ORG}/*"
    delivery = statement(plan.get("tg-access-logs-policy").policy(), "S3ServerAccessLogsDelivery")
    assert delivery["Resource"] == f"arn:aws:s3:::{access}/*"
    assert delivery["Condition"]["StringEquals"] == {"aws:SourceAccount": ARCHIVE}


READER = "333333333333"


def _reader_statement(plan) -> dict | None:
    found = [s for s in plan.get("tg-logs-policy").policy()["Statement"] if s["Sid"] == "AllowLogReadersReadOverTls"]
    return found[0] if found else None


def test_log_reader_accounts_may_read_objects_and_list_over_tls_only(deploy):
    """KMS Decrypt alone reads nothing cross-account: S3 needs the bucket policy's grant as well (S3 User Guide,
    "Example 2: Bucket owner granting cross-account bucket permissions")."""
    s = _reader_statement(deploy({"orgId": ORG, "logReaderAccountIds": f'["{READER}"]'}))
    assert (s["Effect"], s["Principal"], sorted(s["Action"])) == (
        "Allow", {"AWS": [f"arn:aws:iam::{READER}:root"]}, ["s3:GetObject", "s3:ListBucket"])
    assert s["Resource"] == [f"arn:aws:s3:::{LOGS}", f"arn:aws:s3:::{LOGS}/*"]
    assert s["Condition"] == {"Bool": {"aws:SecureTransport": "true"}}


def test_management_account_reads_the_archive_bucket_in_log_archive_mode(deploy):
    plan = deploy({"orgId": ORG, "logArchiveAccountId": ARCHIVE,
                   "logArchiveRoleArn": f"arn:aws:iam::{ARCHIVE}:role/deployer"})
    assert _reader_statement(plan)["Principal"] == {"AWS": [f"arn:aws:iam::{MGMT}:root"]}


def test_no_reader_grant_without_readers(org_plan):
    assert _reader_statement(org_plan) is None
