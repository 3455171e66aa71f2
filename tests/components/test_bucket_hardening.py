"""One test per hardening property of the log bucket and the access-log bucket (registered inputs)."""
from __future__ import annotations

import pytest

MGMT, REGION = "111111111111", "eu-west-1"
LOGS = f"trailguard-logs-{MGMT}-{REGION}"
ACCESS = f"trailguard-access-logs-{MGMT}-{REGION}"
BOTH = ["tg-logs", "tg-access-logs"]


@pytest.mark.parametrize("prefix,name", [("tg-logs", LOGS), ("tg-access-logs", ACCESS)])
def test_default_bucket_names_derive_from_account_and_region(org_plan, prefix, name):
    assert org_plan.get(f"{prefix}-bucket").inputs["bucket"] == name


def test_configured_bucket_names_are_used(deploy):
    plan = deploy({"logBucketName": "acme-trail", "accessLogBucketName": "acme-trail-access"})
    assert plan.get("tg-logs-bucket").inputs["bucket"] == "acme-trail"
    assert plan.get("tg-access-logs-bucket").inputs["bucket"] == "acme-trail-access"


@pytest.mark.parametrize("prefix", BOTH)
def test_acls_are_disabled_by_bucket_owner_enforced(org_plan, prefix):
    assert org_plan.get(f"{prefix}-ownership").inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}


@pytest.mark.parametrize("prefix", BOTH)
def test_all_four_public_access_block_flags_are_on(org_plan, prefix):
    pab = org_plan.get(f"{prefix}-public-access-block").inputs
    flags = ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")
    assert [pab.get(f) for f in flags] == [True, True, True, True]


@pytest.mark.parametrize("prefix", BOTH)
def test_versioning_is_enabled(org_plan, prefix):
    assert org_plan.get(f"{prefix}-versioning").inputs["versioningConfiguration"]["status"] == "Enabled"


def test_log_bucket_uses_sse_kms_with_the_trail_key_and_a_bucket_key(org_plan):
    rule = org_plan.get("tg-logs-encryption").inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms", "kmsMasterKeyId": f"arn:aws:kms:{REGION}:{MGMT}:key/key-tg-key-key"}
    assert rule["bucketKeyEnabled"] is True


def test_access_log_bucket_uses_sse_s3_because_access_logging_cannot_use_sse_kms(org_plan):
    rule = org_plan.get("tg-access-logs-encryption").inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}


def test_log_bucket_has_governance_object_lock_for_365_days_by_default(org_plan):
    assert org_plan.get("tg-logs-bucket").inputs["objectLockEnabled"] is True
    lock = org_plan.get("tg-logs-object-lock").inputs
    assert lock["rule"] == {"defaultRetention": {"mode": "GOVERNANCE", "days": 365}}
    assert lock["bucket"] == LOGS


def test_object_lock_mode_and_days_follow_settings(deploy):
    lock = deploy({"objectLockMode": "COMPLIANCE", "objectLockDays": 90}).get("tg-logs-object-lock").inputs
    assert lock["rule"] == {"defaultRetention": {"mode": "COMPLIANCE", "days": 90}}


def test_access_log_bucket_never_has_object_lock(org_plan):
    assert not org_plan.has("tg-access-logs-object-lock")
    assert org_plan.get("tg-access-logs-bucket").inputs.get("objectLockEnabled") is False


def test_disable_object_lock_removes_the_lock_configuration(deploy):
    plan = deploy({"disableObjectLock": True})
    assert not plan.has("tg-logs-object-lock")
    assert plan.get("tg-logs-bucket").inputs.get("objectLockEnabled") is False


@pytest.mark.parametrize("prefix", BOTH)
def test_lifecycle_transitions_expires_and_cleans_up(org_plan, prefix):
    rule = org_plan.get(f"{prefix}-lifecycle").inputs["rules"][0]
    assert rule["status"] == "Enabled"
    assert rule["transitions"] == [{"days": 90, "storageClass": "GLACIER_IR"}]
    assert rule["expiration"] == {"days": 365 if prefix == "tg-logs" else 3650}
    assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": 90}
    assert rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}


def test_lifecycle_follows_settings(deploy):
    rule = deploy({"bucketTransitionDays": 30, "bucketTransitionStorageClass": "STANDARD_IA",
                   "bucketExpirationDays": 2555, "noncurrentVersionExpirationDays": 30,
                   "abortIncompleteMultipartUploadDays": 2}).get("tg-logs-lifecycle").inputs["rules"][0]
    assert rule["transitions"] == [{"days": 30, "storageClass": "STANDARD_IA"}]
    assert (rule["expiration"], rule["noncurrentVersionExpiration"], rule["abortIncompleteMultipartUpload"]) == (
        {"days": 2555}, {"noncurrentDays": 30}, {"daysAfterInitiation": 2})


def test_log_bucket_access_logs_go_to_the_access_log_bucket(org_plan):
    logging = org_plan.get("tg-logs-logging").inputs
    assert (logging["bucket"], logging["targetBucket"], logging["targetPrefix"]) == (LOGS, ACCESS, f"{LOGS}/")
    assert "tg-access-logs-policy" in org_plan.depends_on("tg-logs-logging")


def test_access_log_bucket_does_not_log_itself(org_plan):
    assert not org_plan.has("tg-access-logs-logging")


def test_disable_access_logging_drops_the_access_log_bucket(deploy):
    plan = deploy({"disableAccessLogging": True})
    assert not plan.has("tg-logs-logging")
    assert not plan.has("tg-access-logs-bucket")


@pytest.mark.parametrize("name", ["tg-logs-bucket", "tg-access-logs-bucket", "tg-key-key"])
def test_buckets_and_key_are_protected_and_retained_on_delete(org_plan, name):
    r = org_plan.get(name)
    assert (r.protect, r.retain_on_delete) == (True, True)


@pytest.mark.parametrize("name", ["tg-logs-bucket", "tg-access-logs-bucket", "tg-key-key"])
def test_disable_destroy_protection_lifts_protect_and_retain(deploy, name):
    r = deploy({"disableDestroyProtection": True}).get(name)
    assert (r.protect, r.retain_on_delete) == (False, False)


def test_buckets_never_force_destroy(org_plan):
    assert [b.inputs.get("forceDestroy") for b in org_plan.of_type("aws:s3/bucket:Bucket")] == [False, False]


def test_trail_encryption_off_falls_back_to_sse_s3_on_the_log_bucket(deploy):
    rule = deploy({"disableTrailEncryption": True}).get("tg-logs-encryption").inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}


@pytest.mark.parametrize("name", ["tg-trail", "tg-cloudwatch-log-group"])
def test_trail_and_log_group_are_protected_unless_destroy_protection_is_disabled(deploy, org_plan, name):
    assert org_plan.get(name).protect is True
    assert deploy({"orgId": "o-abcdefghij", "disableDestroyProtection": True}).get(name).protect is False


@pytest.mark.parametrize("name", ["tg-logs-lifecycle", "tg-access-logs-lifecycle"])
def test_lifecycle_lets_small_objects_transition(org_plan, name):
    """S3 User Guide, "Transitioning objects": by default objects under 128 KB never transition
    (all_storage_classes_128K); varies_by_storage_class lets them reach GLACIER and DEEP_ARCHIVE."""
    assert org_plan.get(name).inputs["transitionDefaultMinimumObjectSize"] == "varies_by_storage_class"


def test_access_log_bucket_keeps_its_own_ten_year_expiration(deploy):
    """Control Tower's defaults: 365 days for the logging bucket, 3650 for the access-logs bucket."""
    plan = deploy({"bucketExpirationDays": 400, "objectLockDays": 300})
    days = {n: plan.get(n).inputs["rules"][0]["expiration"]["days"] for n in ("tg-logs-lifecycle",
                                                                             "tg-access-logs-lifecycle")}
    assert days == {"tg-logs-lifecycle": 400, "tg-access-logs-lifecycle": 3650}
    other = deploy({"accessLogBucketExpirationDays": 730}).get("tg-access-logs-lifecycle")
    assert other.inputs["rules"][0]["expiration"]["days"] == 730
