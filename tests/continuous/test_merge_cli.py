"""`trailguard audit --org --shard K/N` and `trailguard merge` through the real CLI (in process, on moto)."""
from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from checks.cli import main
from testkit.org import create_trail, seed_organization

CONTROLS = "cloudtrail_multi_region_management_events_enabled,cloudtrail_log_file_validation_enabled"


def _doc(path):
    doc = json.loads(path.read_text())
    doc["summary"].pop("generated_at")
    for finding in doc["findings"]:  # when each run collected: differs between the whole run and the shards
        finding.pop("observed_at")
    return doc


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """A 6-member organization with a logging organization trail, audited whole and as 3 shards."""
    out = tmp_path_factory.mktemp("reports")
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        seed_organization(session, 6)
        create_trail(session, "org-trail", "cli-org-trail-bucket", organization=True)
        base = ["audit", "--org", "--controls", CONTROLS, "--format", "json", "--quiet"]
        codes = {"whole": main([*base, "--output", str(out / "whole.json")])}
        for k in (1, 2, 3):
            codes[k] = main([*base, "--shard", f"{k}/3", "--output", str(out / f"shard-{k}.json")])
    return out, codes


def test_merge_of_cli_shards_is_the_whole_run(reports, capsys):
    out, codes = reports
    shards = [str(out / f"shard-{k}.json") for k in (1, 2, 3)]
    code = main(["merge", *shards, "--format", "json", "--output", str(out / "merged.json")])
    assert code == codes["whole"] == 1  # moto shows members no org-trail shadow: their CT-01 FAILs
    assert _doc(out / "merged.json") == _doc(out / "whole.json")
    assert "shard" not in json.loads((out / "whole.json").read_text())
    assert {json.loads((out / f"shard-{k}.json").read_text())["shard"]["index"] for k in (1, 2, 3)} == {1, 2, 3}
    assert "Report written to" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["table", "sarif", "junit", "markdown"])
def test_merge_renders_every_format(reports, capsys, fmt):
    out, _ = reports
    main(["merge", *(str(out / f"shard-{k}.json") for k in (1, 2, 3)), "--format", fmt])
    text = capsys.readouterr().out
    assert text and all(a in text for a in json.loads((out / "whole.json").read_text())["summary"]["accounts"])


def test_merge_exit_code_follows_fail_on_and_errors_ok(reports):
    out, _ = reports
    shards = [str(out / f"shard-{k}.json") for k in (1, 2, 3)]
    whole = json.loads((out / "whole.json").read_text())
    severities = {f["severity"] for f in whole["findings"] if f["status"] == "FAIL"}
    assert main(["merge", *shards, "--format", "json", "--fail-on", "critical", "--output", str(out / "c.json")]) \
        == (1 if "critical" in severities else 0)


def _fatal(capsys, *argv):
    assert main(["merge", *argv, "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_merge_refuses_a_missing_shard(reports, capsys):
    out, _ = reports
    assert "shard(s) 2/3 missing" in _fatal(capsys, str(out / "shard-1.json"), str(out / "shard-3.json"))


def test_merge_refuses_a_shard_given_twice(reports, capsys):
    out, _ = reports
    err = _fatal(capsys, *(str(out / f"shard-{k}.json") for k in (1, 2, 3, 2)))
    assert "shard 2/3 is given twice" in err


def test_merge_refuses_mixing_shards_with_a_whole_run(reports, capsys):
    out, _ = reports
    err = _fatal(capsys, str(out / "whole.json"), str(out / "shard-1.json"))
    assert "different shardings" in err and "whole run" in err


def test_merge_refuses_an_account_in_two_inputs(reports, capsys):
    out, _ = reports
    err = _fatal(capsys, str(out / "whole.json"), str(out / "whole.json"))
    assert "is in both" in err and "whole.json" in err


@pytest.mark.parametrize("content, message", [("not json", "not JSON"), ("[]", "not a trailguard JSON report"),
                                              ('{"findings": [{}], "summary": {"accounts": {}}}', "malformed")])
def test_merge_names_a_bad_input_and_writes_nothing(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert main(["merge", str(bad), "--output", str(tmp_path / "out.json")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: " in err and message in err
    assert not (tmp_path / "out.json").exists()


def test_merge_names_an_unreadable_file(tmp_path, capsys):
    assert "cannot read the file" in _fatal(capsys, str(tmp_path / "absent.json"))
