"""A KMS key is assessed in the account that owns it, whoever owns the trail that encrypts with it.

The layout: the management account M owns the organization trail; a third account O (the security tooling
account of AWS SRA) owns the KMS key it encrypts with; A is a member. Facts are built here in the shapes the
collector gives (checks/collect/keys_logs.py: a key of another account is recorded with only its owner).

What AWS says, and what the expectations below rest on:

- A trail may encrypt with a key of another account. CloudTrail User Guide, "Granting encrypt permissions for
  trails": "The following example policy statement illustrates how another account can use your CMK to encrypt
  CloudTrail logs. Your CMK is in account 111111111111. Both you and account 222222222222 will encrypt logs."
  Only the key's owner can describe it, rotate it or change its state, so its row is the owner's: O judges it,
  M and the members say "owned by account <owner>".
- A key's state decides delivery. CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail": "If
  encryption is enabled on a trail and the KMS key is disabled, or the KMS key policy is not correctly
  configured for CloudTrail, CloudTrail is unable to deliver logs." KMS API Reference, KeyMetadata.KeyState:
  "The current status of the KMS key", one of Creating | Enabled | Disabled | PendingDeletion | PendingImport
  | PendingReplicaDeletion | Unavailable | Updating (the enum is read from botocore's KMS model below); only
  Enabled encrypts (KMS Developer Guide, "Key states of AWS KMS keys": GenerateDataKey succeeds only in Enabled).
  DescribeKey on a deleted key answers NotFoundException: the trail encrypts with nothing, a FAIL.
- A log group is always the trail owner's. CreateTrail API Reference, CloudWatchLogsLogGroupArn: "You must use
  a log group that exists in your account." So the log-group rules leave another account's trail to its owner.
"""
from __future__ import annotations

import botocore.session
import pytest

from checks.facts import AccountFacts, KeyFacts, LogGroupFacts, TrailFacts
from checks.model import Status
from checks.params import AuditParams
from checks.rules import all_rules

M, A, O = "111111111111", "222222222222", "333333333333"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{M}:trail/org"
O_KEY = f"arn:aws:kms:us-east-1:{O}:key/0000aaaa-1111-2222-3333-444455556666"
M_KEY = f"arn:aws:kms:us-east-1:{M}:key/7777bbbb-1111-2222-3333-444455556666"
M_GROUP = f"arn:aws:logs:us-east-1:{M}:log-group:org-trail"
ROTATION, LOCKOUT = "kms_trail_key_rotation_enabled", "kms_trail_key_lockout_safety_check_enabled"
CT07, RETENTION = "cloudtrail_kms_encryption_enabled", "cloudwatch_trail_log_group_retention_sufficient"
DESCRIBE_DENIED = f"kms:DescribeKey failed for key {O_KEY}: AccessDeniedException: not authorized."


def org_trail(key: str = O_KEY) -> TrailFacts:
    return TrailFacts(arn=TRAIL_ARN, name="org", home_region="us-east-1", owner_account_id=M, is_organization=True,
                      kms_key_id=key, s3_bucket_name="logs", cloudwatch_logs_log_group_arn=M_GROUP + ":*")


def described(arn: str, owner: str, **kw) -> KeyFacts:
    """A key its owner's run described (kms:DescribeKey + kms:GetKeyRotationStatus answered)."""
    base = dict(owner_account_id=owner, key_manager="CUSTOMER", key_state="Enabled", rotation_enabled=True,
                multi_region=False, exists=True, bypass_policy_lockout_safety_check=False)
    return KeyFacts(arn=arn, **{**base, **kw})


def seen_from(account_id: str, *keys: KeyFacts, key: str | None = O_KEY) -> AccountFacts:
    """``account_id``'s facts with the organization trail (a shadow outside M) encrypting with ``key`` (None:
    DescribeTrails did not say); a key this account does not own is recorded the way the collector records it:
    its ARN and owner only."""
    known = {k.arn: k for k in keys}
    for arn in (O_KEY, M_KEY):
        if arn == key and arn not in known:
            known[arn] = KeyFacts(arn=arn, owner_account_id=arn.split(":")[4])
    groups = {M_GROUP: LogGroupFacts(arn=M_GROUP, name="org-trail", region="us-east-1", owner_account_id=M,
                                     retention_in_days=365, kms_key_id="")} if account_id == M else {}
    return AccountFacts(account_id=account_id, trails=[org_trail(key)], keys=known, log_groups=groups)


def in_o(**kw) -> AccountFacts:
    return seen_from(O, described(O_KEY, O, **kw))


def judge(control_id: str, account: AccountFacts):
    (result,) = all_rules()[control_id].results(account, account.trails[0], params=AuditParams())
    return result


N_A, PASS, FAIL, ERROR = Status.NOT_APPLICABLE, Status.PASS, Status.FAIL, Status.ERROR
USED = f"KMS key {O_KEY} used by trail {TRAIL_ARN}"
OF = f"KMS key {O_KEY} of trail {TRAIL_ARN}"

# (row id, control, facts, status, exact reason, resource). On the old code every "in O" row was NOT_APPLICABLE
# "Trail org is owned by account 111111111111.", and the member rows named the trail's owner, not the key's.
ROWS = [
    # Key owned by O used by M's organization trail, seen from O: assessed here.
    ("O-rotation-on", ROTATION, in_o(), PASS, f"{OF} rotates automatically.", O_KEY),
    ("O-rotation-off", ROTATION, in_o(rotation_enabled=False), FAIL, f"{OF} has automatic rotation off.", O_KEY),
    ("O-rotation-unknown", ROTATION,
     in_o(rotation_enabled=None, errors={"rotation_enabled": "kms:GetKeyRotationStatus failed for key x: "
                                                             "AccessDeniedException: denied."}),
     ERROR, "kms:GetKeyRotationStatus failed for key x: AccessDeniedException: denied.", O_KEY),
    ("O-rotation-aws-managed", ROTATION, in_o(key_manager="AWS", rotation_enabled=None), N_A,
     f"KMS key {O_KEY} is AWS managed and rotated by AWS.", O_KEY),
    ("O-rotation-key-gone", ROTATION, in_o(exists=False, key_state=None, rotation_enabled=None), FAIL,
     f"{OF} does not exist.", O_KEY),
    ("O-lockout-kept", LOCKOUT, in_o(), PASS, f"{OF} keeps the policy lockout safety check.", O_KEY),
    ("O-lockout-bypassed", LOCKOUT, in_o(bypass_policy_lockout_safety_check=True), FAIL,
     f"{OF} bypasses the policy lockout safety check.", O_KEY),
    ("O-ct07-enabled", CT07, in_o(), PASS, f"{USED} is Enabled.", O_KEY),
    ("O-ct07-disabled", CT07, in_o(key_state="Disabled"), FAIL, f"{USED} is Disabled.", O_KEY),
    ("O-ct07-pending-deletion", CT07, in_o(key_state="PendingDeletion"), FAIL, f"{USED} is PendingDeletion.", O_KEY),
    ("O-ct07-state-denied", CT07, in_o(key_state=None, key_manager=None, rotation_enabled=None, exists=None,
                                       errors={"key_state": DESCRIBE_DENIED}), ERROR, DESCRIBE_DENIED, O_KEY),
    ("O-ct07-state-unreported", CT07, in_o(key_state=None), ERROR,
     f"kms:DescribeKey did not report the state of {USED}.", O_KEY),
    ("O-ct07-not-found", CT07, in_o(exists=False, key_state=None, key_manager=None, rotation_enabled=None), FAIL,
     f"{USED} does not exist.", O_KEY),
    ("O-setting-unknown", CT07, seen_from(O, key=None), ERROR,
     "cloudtrail:DescribeTrails did not report kms_key_id for trail org.", ""),
    ("O-rotation-setting-unknown", ROTATION, seen_from(O, key=None), ERROR,
     "cloudtrail:DescribeTrails did not report the KMS key of trail org.", ""),
    # The same trail seen from M (its owner): the key is O's; CT-07 judges M's own setting.
    ("M-rotation", ROTATION, seen_from(M), N_A, f"KMS key {O_KEY} is owned by account {O}.", O_KEY),
    ("M-lockout", LOCKOUT, seen_from(M), N_A, f"KMS key {O_KEY} is owned by account {O}.", O_KEY),
    ("M-ct07-setting", CT07, seen_from(M), PASS, f"Trail org encrypts its logs with KMS key {O_KEY}.", ""),
    # A member seeing the organization trail whose key M owns: N/A naming M, the key's owner.
    ("A-rotation-m-key", ROTATION, seen_from(A, key=M_KEY), N_A, f"KMS key {M_KEY} is owned by account {M}.",
     M_KEY),
    ("A-lockout-m-key", LOCKOUT, seen_from(A, key=M_KEY), N_A, f"KMS key {M_KEY} is owned by account {M}.",
     M_KEY),
    ("A-ct07-m-key", CT07, seen_from(A, key=M_KEY), N_A,
     f"Trail {TRAIL_ARN} is owned by account {M}; it is assessed in that account.", ""),
    # ... and whose key O owns: still not A's.
    ("A-rotation-o-key", ROTATION, seen_from(A), N_A, f"KMS key {O_KEY} is owned by account {O}.", O_KEY),
    ("A-ct07-o-key", CT07, seen_from(A), N_A,
     f"Trail {TRAIL_ARN} is owned by account {M}; it is assessed in that account.", ""),
    # Own trail, own key (M's trail with M's key, seen from M): unchanged.
    ("own-rotation-on", ROTATION, seen_from(M, described(M_KEY, M), key=M_KEY), PASS,
     f"KMS key {M_KEY} of trail org rotates automatically.", M_KEY),
    ("own-rotation-off", ROTATION, seen_from(M, described(M_KEY, M, rotation_enabled=False), key=M_KEY), FAIL,
     f"KMS key {M_KEY} of trail org has automatic rotation off.", M_KEY),
    ("own-ct07-enabled", CT07, seen_from(M, described(M_KEY, M), key=M_KEY), PASS,
     f"Trail org encrypts its logs with KMS key {M_KEY}.", ""),
    ("own-ct07-disabled", CT07, seen_from(M, described(M_KEY, M, key_state="Disabled"), key=M_KEY), FAIL,
     f"Trail org encrypts with KMS key {M_KEY}, which is Disabled.", ""),
    # The log group stays the trail owner's ("You must use a log group that exists in your account").
    ("O-log-group", RETENTION, in_o(), N_A, "Trail org is owned by account 111111111111.", ""),
    ("M-log-group", RETENTION, seen_from(M), PASS, "Log group org-trail keeps events 365 days (minimum 365).",
     M_GROUP),
]


@pytest.mark.parametrize("control_id, account, status, reason, resource",
                         [pytest.param(*row[1:], id=row[0]) for row in ROWS])
def test_kms_key_is_assessed_in_the_account_that_owns_it(control_id, account, status, reason, resource):
    result = judge(control_id, account)
    assert (result.status, result.reason, result.resource) == (status, reason, resource)


KEY_STATES = botocore.session.get_session().get_service_model("kms").shape_for("KeyState").enum


def test_key_states_come_from_the_kms_model():
    assert "Enabled" in KEY_STATES and {"Disabled", "PendingDeletion"} <= set(KEY_STATES)


@pytest.mark.parametrize("state", KEY_STATES)
def test_cloudtrail_kms_encryption_enabled_in_key_owner_sweeps_every_key_state(state):
    """Every KeyState of botocore's KMS model: only Enabled lets CloudTrail encrypt (GenerateDataKey), so only
    Enabled passes, in O for M's trail exactly as in M for its own key."""
    expected = PASS if state == "Enabled" else FAIL
    in_owner = judge(CT07, in_o(key_state=state))
    own = judge(CT07, seen_from(M, described(M_KEY, M, key_state=state), key=M_KEY))
    assert (in_owner.status, own.status) == (expected, expected)
    if expected is FAIL:
        assert in_owner.reason == f"{USED} is {state}." and state in own.reason


@pytest.mark.parametrize("control_id", [ROTATION, LOCKOUT, CT07])
def test_key_rules_judge_in_exactly_one_account(control_id):
    """Across M, O and a member A, a key O owns gets a verdict in O only; every other row is NOT_APPLICABLE
    naming the owner, except CT-07 in M, which judges M's own trail setting (not the key)."""
    verdicts = {acct: judge(control_id, facts) for acct, facts in
                ((M, seen_from(M)), (O, in_o()), (A, seen_from(A)))}
    judged = {acct for acct, r in verdicts.items() if r.resource == O_KEY and r.status is not N_A}
    assert judged == {O}
    for acct in (M, A):
        if not (control_id == CT07 and acct == M):
            assert verdicts[acct].status is N_A and (f"account {O}" in verdicts[acct].reason
                                                     or f"account {M}" in verdicts[acct].reason)
