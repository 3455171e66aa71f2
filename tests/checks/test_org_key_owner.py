"""One --org run, real collectors on moto: the organization trail (management account) encrypts with a KMS key
a security member owns (the AWS SRA layout). The key is judged in the security account's row only.

AWS facts behind the expectations: a trail may use another account's key (CloudTrail User Guide, "Granting
encrypt permissions for trails": "how another account can use your CMK to encrypt CloudTrail logs"); a
disabled key stops delivery ("If encryption is enabled on a trail and the KMS key is disabled ... CloudTrail is
unable to deliver logs", "Configure AWS KMS key policies for CloudTrail"); disabling a key keeps its rotation
setting (KMS API Reference, GetKeyRotationStatus: "Disabled: The key rotation status does not change when you
disable a KMS key"). Members see the organization trail as a shadow (testkit's OrgTrailShadows does what moto
doesn't).
"""
from __future__ import annotations

import boto3
from moto import mock_aws

from checks import org
from checks.catalog import all_controls
from checks.model import Status
from testkit.org import OrgTrailShadows, factory_installing, member_session, seed_organization

KEY_CONTROLS = ("kms_trail_key_rotation_enabled", "cloudtrail_kms_encryption_enabled")


def test_org_trail_key_owned_by_a_security_account_is_judged_there_only():
    controls = [c for c in all_controls() if c.id in KEY_CONTROLS]
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, (security, member) = seed_organization(session, 2)
        kms = member_session(session, security).client("kms")
        key = kms.create_key(Description="organization trail key")["KeyMetadata"]["Arn"]
        kms.enable_key_rotation(KeyId=key.rsplit("/", 1)[-1])  # moto resolves a bare key id here, not the ARN
        kms.disable_key(KeyId=key.rsplit("/", 1)[-1])
        session.client("s3").create_bucket(Bucket="org-trail-logs")
        trail = session.client("cloudtrail").create_trail(
            Name="org-trail", S3BucketName="org-trail-logs", IsMultiRegionTrail=True, IsOrganizationTrail=True,
            KmsKeyId=key)["TrailARN"]
        factory = factory_installing(OrgTrailShadows(session, trail).install)
        run = org.audit_organization(session, controls, workers=2, session_factory=factory)
    got = {(f.control_id, f.account_id): (f.status, f.reason, f.resource) for f in run.findings}
    assert len(got) == len(run.findings) == 6  # one trail subject per account per control
    assert got["kms_trail_key_rotation_enabled", security] == (
        Status.PASS, f"KMS key {key} of trail {trail} rotates automatically.", key)
    assert got["cloudtrail_kms_encryption_enabled", security] == (
        Status.FAIL, f"KMS key {key} used by trail {trail} is Disabled.", key)
    for account in (management, member):
        assert got["kms_trail_key_rotation_enabled", account] == (
            Status.NOT_APPLICABLE, f"KMS key {key} is owned by account {security}.", key)
    assert got["cloudtrail_kms_encryption_enabled", management][0] is Status.PASS  # the trail's own setting
    assert got["cloudtrail_kms_encryption_enabled", member] == (
        Status.NOT_APPLICABLE, f"Trail {trail} is owned by account {management}; it is assessed in that account.",
        trail)
