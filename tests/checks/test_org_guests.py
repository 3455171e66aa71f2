"""Guests in one ``--org`` run: a bucket and a KMS key that a member's own trail uses but another account of
the organization (an archive account) owns are judged once, in the owner's row; the member's row says
NOT_APPLICABLE naming the owner (checks/org_guests.py).

The layout is the CloudTrail user guide's "Receiving CloudTrail log files from multiple accounts": the
archive account owns the bucket and lets each account's trail write under ``AWSLogs/<account id>/``
(testkit/guests.py), and the trail encrypts with the archive's key by ARN ("Configure AWS KMS key policies
for CloudTrail": a key may be shared with other accounts' trails). The archive sees no trail of its own
(moto shows no organization trail to members), so only the guest step can judge them.

Expected statuses follow from what the archive configured, as the AWS documentation states it:
- S3 user guide, "Using versioning in S3 buckets": "Buckets can be in one of three states: Unversioned (the
  default), Versioning-enabled, or Versioning-suspended" -> PutBucketVersioning Enabled: PASS.
- S3 user guide, "Blocking public access to your Amazon S3 storage": with all four settings on, neither an
  ACL nor a policy makes the bucket public -> public access block PASS and not public PASS.
- S3 user guide, "Controlling ownership of objects": "Bucket owner enforced ... ACLs are disabled, and you,
  as the bucket owner, automatically own and have full control over every object" -> PASS.
- S3 user guide, "Setting default server-side encryption behavior": SSEAlgorithm aws:kms -> SSE-KMS PASS.
- S3 user guide, "Logging requests with server access logging": PutBucketLogging with a target -> PASS.
- S3 user guide, "Configuring MFA delete" ("MFA delete ... is disabled by default") and "Locking objects with
  Object Lock" (it must be enabled at creation): neither here -> deletion protection FAIL.
- CloudTrail user guide, "Amazon S3 bucket policy for CloudTrail": the writes carry aws:SourceArn, and the
  S3 user guide's aws:SecureTransport deny is there -> bucket policy PASS.
"""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from checks import org
from checks.catalog import all_controls
from checks.model import Status
from checks.org_sessions import SessionFactory
from checks.rules import all_rules
from testkit.guests import allow_writers, archive, writer_trail
from testkit.org import deny_assume_role, seed_organization

CONTROLS = [c for c in all_controls() if "live" in c.targets and c.family in ("trail", "resources")]
_RULES = all_rules()
BUCKET_IDS = {c.id for c in CONTROLS if _RULES[c.id].scope == "bucket"}
KEY_IDS = {c.id for c in CONTROLS if _RULES[c.id].judges == "key"}
GUEST_CONTROLS = [c for c in CONTROLS if c.id in BUCKET_IDS | KEY_IDS]
BUCKET = "org-archive-guest-0001"
B_ARN = f"arn:aws:s3:::{BUCKET}"
ROLE = "OrganizationAccountAccessRole"
EXPECTED = {  # the hardened archive bucket (testkit/guests.archive), per the documents quoted above
    "cloudtrail_bucket_not_public": Status.PASS,
    "cloudtrail_bucket_access_logging_enabled": Status.PASS,
    "cloudtrail_bucket_deletion_protection_enabled": Status.FAIL,
    "s3_trail_bucket_ownership_enforced": Status.PASS,
    "s3_trail_bucket_versioning_enabled": Status.PASS,
    "s3_trail_bucket_sse_kms_enabled": Status.PASS,
    "s3_trail_bucket_policy_secure": Status.PASS,
    "s3_trail_bucket_public_access_block_enabled": Status.PASS,
}


def _layout(session, writers: int = 1, owner_trail: bool = False) -> tuple[str, str, list[str], str, list[str]]:
    """(management, archive O, writing members, key ARN, writer trail ARNs): O = the first member."""
    management, members = seed_organization(session, 1 + writers)
    owner, users = members[0], members[1:]
    key = archive(session, owner, BUCKET)
    trails = [writer_trail(session, m, f"own-{i}", BUCKET, key) for i, m in enumerate(users)]
    if owner_trail:
        trails.append(writer_trail(session, owner, "archive-own", BUCKET, key))
    allow_writers(session, owner, BUCKET, trails)
    return management, owner, users, key, trails


def _rows(run, account: str, resource: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in run.findings:
        if f.account_id == account and f.resource == resource:
            out.setdefault(f.control_id, []).append(f)
    return out


def assert_key_judged_in_owner(run, owner: str, key: str, trail: str) -> None:
    """The guest key's findings are in the owner's row on the key ARN, one per key control, each a verdict
    (PASS or FAIL: the key exists, is Enabled and rotates) judged with the using trail of the lowest ARN
    ``trail``, which its reason names (a key is judged in the account that owns it)."""
    rows = _rows(run, owner, key)
    assert set(rows) == KEY_IDS and all(len(v) == 1 for v in rows.values()), rows
    for control_id, (finding,) in rows.items():
        assert finding.status in (Status.PASS, Status.FAIL), (control_id, finding.reason)
        assert trail in finding.reason, (control_id, finding.reason)


def test_guest_bucket_and_key_are_judged_once_in_the_owners_row_and_not_applicable_in_the_users():
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, owner, (user,), key, (trail,) = _layout(session)
        run = org.audit_organization(session, CONTROLS, workers=3)
    assert set(EXPECTED) == BUCKET_IDS  # a new bucket-scope control needs its documented expectation here
    rows = _rows(run, owner, B_ARN)
    assert {c: [f.status for f in fs] for c, fs in rows.items()} == {c: [s] for c, s in EXPECTED.items()}
    assert_key_judged_in_owner(run, owner, key, trail)
    mine = _rows(run, user, B_ARN)
    assert set(mine) == BUCKET_IDS
    for control_id, (finding,) in mine.items():
        assert finding.status is Status.NOT_APPLICABLE and f"owned by account {owner};" in finding.reason
    (rotation,) = [f for f in run.findings if f.account_id == user and f.control_id == "kms_trail_key_rotation_enabled"]
    assert rotation.status is Status.NOT_APPLICABLE and f"owned by account {owner}" in rotation.reason
    assert not [f for f in run.findings if f.account_id == management and f.resource in (B_ARN, key)]


@pytest.mark.parametrize("owner_trail", [False, True], ids=["two-members", "two-members-and-the-owners-own-trail"])
def test_a_guest_used_by_several_trails_is_judged_once_per_control(owner_trail):
    """Two members' trails on the archive bucket and key, and (second case) the archive's own trail too: then
    the archive's own run judges them (its trail uses them) and the guest step adds nothing."""
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        _, owner, users, key, trails = _layout(session, writers=2, owner_trail=owner_trail)
        run = org.audit_organization(session, GUEST_CONTROLS, workers=3)
    rows = _rows(run, owner, B_ARN)
    assert {c: [f.status for f in fs] for c, fs in rows.items()} == {c: [s] for c, s in EXPECTED.items()}
    if owner_trail:  # the archive's own run judges its key for its own trail (CT-07 on the trail ARN)
        keyed = _rows(run, owner, key)
        assert set(keyed) == KEY_IDS - {"cloudtrail_kms_encryption_enabled"}
        assert all(len(v) == 1 for v in keyed.values())
        assert all(f.status in (Status.PASS, Status.FAIL) for (f,) in keyed.values())
    else:
        assert_key_judged_in_owner(run, owner, key, min(trails))  # the lowest trail ARN is the one judged with
    for user in users:
        assert {f.status for fs in _rows(run, user, B_ARN).values() for f in fs} == {Status.NOT_APPLICABLE}


@pytest.mark.parametrize("how", ["exclude_accounts", "accounts"])
def test_an_owner_outside_the_selection_gets_no_guest_rows(how):
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, owner, (user,), key, _ = _layout(session)
        options = {"exclude_accounts": [owner]} if how == "exclude_accounts" else {"accounts": [management, user]}
        run = org.audit_organization(session, GUEST_CONTROLS, workers=3, **options)
    assert owner not in run.accounts and not [f for f in run.findings if f.account_id == owner]
    mine = _rows(run, user, B_ARN)
    assert set(mine) == BUCKET_IDS and all(f.status is Status.NOT_APPLICABLE for (f,) in mine.values())


def test_an_owner_whose_role_is_denied_is_one_error_per_control_and_no_guest_rows():
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        _, owner, (user,), key, _ = _layout(session)
        deny_assume_role(session, [f"arn:aws:iam::{owner}:role/{ROLE}"])
        run = org.audit_organization(session, GUEST_CONTROLS, workers=3)  # returns: the run does not fail
    ours = [f for f in run.findings if f.account_id == owner]
    assert sorted(f.control_id for f in ours) == sorted(c.id for c in GUEST_CONTROLS)  # one row per control
    assert {(f.status, f.resource) for f in ours} == {(Status.ERROR, f"arn:aws:iam::{owner}:role/{ROLE}")}
    assert any(n.startswith(f"Account {owner} was not audited:") for n in run.notes)
    assert {f.status for fs in _rows(run, user, B_ARN).values() for f in fs} == {Status.NOT_APPLICABLE}


def _factory_denying_versioning_to(owner: str):
    """A SessionFactory whose clients answer AccessDenied to s3:GetBucketVersioning on BUCKET when the calling
    thread signs as ``owner`` (checks/org_sessions: a shared client signs as the thread's active account)."""
    from testkit.org import _KWARGS, _error, _stash

    class Factory(SessionFactory):
        calls: list[str] = []

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.session.events.register("before-parameter-build.s3.GetBucketVersioning", _stash)
            self.session.events.register("before-call.s3.GetBucketVersioning", self._deny)

        def _deny(self, context, **_):
            signer = getattr(self.routed._local, "active", None)  # (account id, credentials) of the thread
            if signer and signer[0] == owner and context.get(_KWARGS, {}).get("Bucket") == BUCKET:
                Factory.calls.append(owner)
                return _error(403, "AccessDenied", "Access Denied")
            return None

    return Factory


def test_a_guest_collector_failure_is_an_error_naming_the_api_in_the_owners_row_never_a_pass():
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        _, owner, _, _, _ = _layout(session)
        factory = _factory_denying_versioning_to(owner)
        run = org.audit_organization(session, GUEST_CONTROLS, workers=3, session_factory=factory)
    assert factory.calls  # the guest step did read the bucket with the owner's credentials, and was refused
    rows = {c: f for c, (f,) in _rows(run, owner, B_ARN).items()}
    assert set(rows) == BUCKET_IDS
    for control_id in ("s3_trail_bucket_versioning_enabled", "cloudtrail_bucket_deletion_protection_enabled"):
        assert rows[control_id].status is Status.ERROR and "s3:GetBucketVersioning" in rows[control_id].reason
    assert {c: f.status for c, f in rows.items() if f.status is not Status.ERROR} == {
        c: s for c, s in EXPECTED.items() if c in rows and rows[c].status is not Status.ERROR}
