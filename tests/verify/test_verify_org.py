"""--org over the organization trail's paths (AWSLogs/<o-id>/<account>/...), filters, and the CLI end to end.

"CloudTrail digest file structure": "For organization trails, the bucket location also includes the
organization unit ID": s3://bucket/optional-prefix/AWSLogs/O-ID/aws-account-id/CloudTrail-Digest/...
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from checks.cli import main
from checks.model import Status
from verify_world import HOME, MEMBER, MGMT, ORG, T0, TRAIL, outcomes

OTHER = "777788889999"
WEST = "eu-west-1"
ISO = "%Y-%m-%dT%H:%M:%SZ"


def org_world(world):
    chains = {(a, r): world.deliver(account=a, region=r, hours=2) for a in (MGMT, MEMBER, OTHER) for r in (HOME, WEST)}
    return chains


def test_cloudtrail_log_files_integrity_verified_pass_every_account_and_region_of_the_org(world):
    chains = org_world(world)
    out = world.verify(org=True)
    assert out.run.accounts == sorted([MGMT, MEMBER, OTHER])
    assert set(out.summaries) == {f"{a}/{r}" for a in (MGMT, MEMBER, OTHER) for r in (HOME, WEST)}
    assert outcomes(out) == {"digest_valid": {k for c in chains.values() for k in c.digests}}
    assert all(f"/{ORG}/" in f.resource for f in out.run.findings)
    assert {(f.account_id, f.region) for f in out.run.findings} == {(a, r) for a, r in chains}


@pytest.mark.parametrize("accounts, regions, expected", [
    ([MEMBER], None, {f"{MEMBER}/{HOME}", f"{MEMBER}/{WEST}"}),
    (None, [WEST], {f"{a}/{WEST}" for a in (MGMT, MEMBER, OTHER)}),
    ([OTHER, MGMT], [HOME], {f"{OTHER}/{HOME}", f"{MGMT}/{HOME}"}),
])
def test_verify_org_filters_accounts_and_regions(world, accounts, regions, expected):
    org_world(world)
    out = world.verify(org=True, accounts=accounts, regions=regions)
    assert set(out.summaries) == expected


def test_cloudtrail_log_files_integrity_verified_fail_tampering_in_a_member_account(world):
    chains = org_world(world)
    modified, deleted = chains[(MEMBER, WEST)].logs[1], chains[(OTHER, HOME)].logs[3]
    world.overwrite(modified)
    world.delete(deleted)
    out = world.verify(org=True)
    found = {f.object_key: f for f in out.run.findings if f.status is not Status.PASS}
    assert {k: (f.outcome, f.account_id, f.region) for k, f in found.items()} == {
        modified: ("log_modified", MEMBER, WEST), deleted: ("log_deleted", OTHER, HOME)}


def test_verify_org_rejects_a_trail_that_is_not_an_organization_trail(plain_world):
    from checks.verify.run import VerifyError

    with pytest.raises(VerifyError, match="not an organization trail"):
        plain_world.verify(org=True)


def test_verify_unknown_trail_names_the_visible_ones(world):
    from checks.verify.run import VerifyError

    with pytest.raises(VerifyError, match=f"no trail named 'nope' is visible; trails: {TRAIL}"):
        world.verify(trail="nope")


def test_cloudtrail_log_files_integrity_verified_pass_own_trail_with_key_prefix(plain_world):
    chain = plain_world.deliver(hours=2)
    out = plain_world.verify(org=False)
    assert outcomes(out) == {"digest_valid": set(chain.digests)}
    assert all("/audit/logs/AWSLogs/123456789012/" in f.resource for f in out.run.findings)


def _cli(tmp_path, *extra):
    path = tmp_path / "verify.json"
    code = main(["verify", "--org", "--trail", TRAIL, "--start", (T0 - dt.timedelta(minutes=30)).strftime(ISO),
                 "--end", (T0 + dt.timedelta(hours=2)).strftime(ISO), "--format", "json", "--output", str(path),
                 "--quiet", *extra])
    return code, json.loads(path.read_text())


def test_verify_cli_end_to_end_exit_codes_and_json(world, tmp_path):
    chains = org_world(world)
    code, doc = _cli(tmp_path)
    assert code == 0
    assert {f["control_id"] for f in doc["findings"]} == {"cloudtrail_log_files_integrity_verified"}
    assert doc["summary"]["by_status"]["PASS"] == 12
    world.overwrite(chains[(MGMT, HOME)].logs[0])
    code, doc = _cli(tmp_path)
    assert code == 1
    assert [f["outcome"] for f in doc["findings"] if f["status"] == "FAIL"] == ["log_modified"]
    assert any(n.startswith(f"{MGMT}/{HOME}: 2 digests and 3 log files verified") for n in doc["summary"]["notes"])
    code, _ = _cli(tmp_path, "--fail-on", "critical")  # CT-06 is high: below the gate
    assert code == 0


@pytest.mark.parametrize("argv, words", [
    (["--start", "yesterday"], "--start: 'yesterday' is not an ISO 8601 time"),
    (["--regions", "useast1"], "'useast1' is not an AWS region name"),
    (["--accounts", "12"], "'12' is not a 12-digit AWS account id"),
    (["--start", "2026-03-02T00:00:00Z", "--end", "2026-03-01T00:00:00Z"], "is not before --end"),
    (["--workers", "0"], "'0' is not a whole number from 1 to 64"),
])
def test_verify_cli_bad_input_names_the_option(argv, words, capsys):
    assert main(["verify", *argv]) == 2
    assert words in capsys.readouterr().err
