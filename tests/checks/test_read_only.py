"""Read-only for every path: the CLI's audit (single account and --org) and every subcommand make only
Describe*/Get*/List*/Lookup* calls, sts:AssumeRole and sts:GetCallerIdentity.

Every client's calls are recorded (BaseClient._make_api_call) while the CLI runs in process against moto.
The organization has a "guest" layout (testkit/guests.py): a member's trail writes to, and encrypts with, the
bucket and KMS key of an archive member that sees no trail using them, so the --org runs' guest step
(checks/org_guests.py: Get* on the bucket, kms:DescribeKey, with the archive's credentials) is recorded too,
and the two are in different --shard K/2 shards, so the shard holding the trail names the bucket's owner by
s3:ListBuckets over the other shard's accounts.
A new subcommand must be added to SAMPLE_ARGS (the arguments it is run with here): until then the
contract test fails, so no subcommand ships without this check.
"""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from checks.cli import build_parser, main
from checks.org_shard import shard_of
from testkit.guests import archive, writer_trail
from testkit.org import create_trail, seed_organization

GUEST_BUCKET = "read-only-guest-archive"

READ_PREFIXES = ("Describe", "Get", "List", "Lookup")
ALLOWED = {("sts", "AssumeRole"), ("sts", "GetCallerIdentity")}
# the shards' guest step, quickly: a bucket control and a key control (the full set runs unsharded above)
GUEST_CONTROLS = "s3_trail_bucket_versioning_enabled,kms_trail_key_rotation_enabled"
# subcommand -> the arguments the read-only test runs it with (an emulated organization with trails exists)
SAMPLE_ARGS: dict[str, list[list[str]]] = {
    "controls": [[]],
    "audit": [["--quiet"], ["--org", "--quiet", "--workers", "2"],
              *(["--org", "--shard", f"{k}/2", "--quiet", "--controls", GUEST_CONTROLS] for k in (1, 2))],
    "verify": [["--trail", "org-trail", "--quiet"], ["--org", "--quiet", "--workers", "2"]],
    "merge": [["{report}", "--quiet"]],  # {report}: an `audit --org --format json` report made first
}


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")  # argparse keeps subparsers here
    return sorted(action.choices)


def test_every_subcommand_has_read_only_sample_args():
    assert sorted(SAMPLE_ARGS) == _subcommands()


class _Calls(list):
    """(service, operation) of every call; ``params``: (service, operation, Bucket or KeyId) of each."""

    def __init__(self) -> None:
        super().__init__()
        self.params: list[tuple[str, str, str]] = []
        self.key = ""
        self.user_shard = ""  # "K/2": the shard holding the guest's user, not its owner

    def clear(self) -> None:
        super().clear()
        self.params.clear()


def _apart(session, members: list[str]) -> tuple[str, str]:
    """Two members in different shards of 2 (moto's ids are random: new members until two are apart)."""
    for i in range(20):
        pair = next(((o, u) for o in members for u in members if shard_of(o, 2) != shard_of(u, 2)), None)
        if pair:
            return pair
        made = session.client("organizations").create_account(AccountName=f"x-{i}", Email=f"x-{i}@example.test")
        members = [*members, made["CreateAccountStatus"]["AccountId"]]
    raise AssertionError("no two members in different shards of 2")


@pytest.fixture
def recorded_calls(monkeypatch):
    from botocore.client import BaseClient

    calls = _Calls()
    real = BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        calls.append((self.meta.service_model.service_name, operation_name))
        calls.params.append((self.meta.service_model.service_name, operation_name,
                             api_params.get("Bucket") or api_params.get("KeyId") or ""))
        return real(self, operation_name, api_params)

    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        _, members = seed_organization(session, 2)
        create_trail(session, "org-trail", "org-trail-bucket", organization=True)
        owner, user = _apart(session, members)
        calls.key, calls.user_shard = archive(session, owner, GUEST_BUCKET), f"{shard_of(user, 2)}/2"
        writer_trail(session, user, "guest-trail", GUEST_BUCKET, calls.key)
        monkeypatch.setattr(BaseClient, "_make_api_call", recording)
        yield calls


@pytest.mark.parametrize("argv", [[name, *args] for name, runs in sorted(SAMPLE_ARGS.items()) for args in runs],
                         ids=lambda argv: " ".join(argv))
def test_subcommand_makes_read_only_calls_only(recorded_calls, argv, capsys, tmp_path):
    if "{report}" in argv:
        report = str(tmp_path / "org.json")
        assert main(["audit", "--org", "--quiet", "--format", "json", "--output", report]) in (0, 1)
        recorded_calls.clear()
        argv = [report if a == "{report}" else a for a in argv]
    code = main(argv)
    err = capsys.readouterr().err
    # it ran (findings may fail); not a usage or fatal error. verify on a bucket with no delivered logs stops
    # with one line after reading the bucket (the emulator delivers none): still every call it made counts.
    assert code in (0, 1) or (argv[0] == "verify" and "organization folders" in err), err
    writes = sorted({f"{s}:{op}" for s, op in recorded_calls
                     if not op.startswith(READ_PREFIXES) and (s, op) not in ALLOWED})
    assert writes == []
    if argv[0] == "audit":
        assert ("cloudtrail", "ListTrails") in recorded_calls  # the audit really ran through the recorder
    if argv[0] == "merge":
        assert recorded_calls == []  # merge only reads files
    if argv[0] == "verify":
        assert ("cloudtrail", "DescribeTrails") in recorded_calls and ("s3", "ListObjectsV2") in recorded_calls
    if argv[0] == "audit" and "--org" in argv:
        assert ("organizations", "ListAccounts") in recorded_calls and ("sts", "AssumeRole") in recorded_calls
    if argv[0] == "audit" and "--org" in argv and "--shard" not in argv:  # the guest step ran, read-only
        assert {("s3", "GetBucketVersioning", GUEST_BUCKET), ("kms", "DescribeKey", recorded_calls.key)} <= set(
            recorded_calls.params)
    if recorded_calls.user_shard in argv:  # the s3:ListBuckets probe named the owner in the other shard: it read B
        assert ("s3", "GetBucketVersioning", GUEST_BUCKET) in recorded_calls.params
