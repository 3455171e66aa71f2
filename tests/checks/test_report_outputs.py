"""Output options: several formats in one run, --output-dir names, FORMAT=PATH, the old --output FILE.

Every mistake is a usage error (exit 2) naming the option and the allowed values, found before the audit
runs, and no file is written when one is made.
"""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

import checks.audit
from checks.catalog import get
from checks.cli import main
from checks.model import AuditRun, Finding, Status
from checks.report import FORMATS, REGISTRY

ACCT = "111111111111"
CID = "cloudtrail_log_file_validation_enabled"


@pytest.fixture
def stub_audit(monkeypatch):
    calls = []

    def fake(session, controls, *, account_id=None, required_tags=(), account_timeout=None):
        calls.append(1)
        c = get(CID)
        return AuditRun(findings=[Finding(CID, Status.FAIL, c.severity, ACCT, "us-east-1",
                                          f"arn:aws:cloudtrail:us-east-1:{ACCT}:trail/t", "Trail t fails.")],
                        accounts=[ACCT])

    monkeypatch.setattr(checks.audit, "audit_account", fake)
    return calls


def test_every_format_in_one_run_to_an_output_dir(stub_audit, capsys, tmp_path):
    out = tmp_path / "reports"  # created when missing
    assert main(["audit", "--format", ",".join(FORMATS), "--output-dir", str(out)]) == 1
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == len(FORMATS) and len(stub_audit) == 1  # one audit, nine reports
    stamp = files[0].split(".")[0]
    assert stamp.startswith("trailguard-") and all(f.startswith(stamp + ".") for f in files)
    assert sorted(f[len(stamp) + 1:] for f in files) == sorted(r.extension for r in REGISTRY.values())
    by_ext = {f[len(stamp) + 1:]: out / f for f in files}
    assert json.loads(by_ext["json"].read_text())["summary"]["failing"] == 1
    assert json.loads(by_ext["sarif"].read_text())["version"] == "2.1.0"
    ET.parse(by_ext["junit.xml"])
    assert list(csv.DictReader(io.StringIO(by_ext["csv"].read_text())))[0]["status"] == "FAIL"
    assert json.loads(by_ext["ocsf.json"].read_text())[0]["class_uid"] == 2003
    assert json.loads(by_ext["asff.json"].read_text())[0]["GeneratorId"] == CID
    assert by_ext["html"].read_text().startswith("<!DOCTYPE html>")
    captured = capsys.readouterr()
    assert captured.out == "" and "Reports written to" in captured.err
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporary file


def test_repeated_output_format_equals_path_and_one_format_on_stdout(stub_audit, capsys, tmp_path):
    sarif, html = tmp_path / "a.sarif", tmp_path / "r.html"
    code = main(["audit", "--format", "json", "--output", f"sarif={sarif}", "--output", f"html={html}"])
    assert code == 1
    assert json.loads(capsys.readouterr().out)["summary"]["failing"] == 1
    assert json.loads(sarif.read_text())["runs"] and "<html" in html.read_text()


def test_repeated_format_adds_formats_instead_of_dropping_the_first(stub_audit, capsys, tmp_path):
    assert main(["audit", "--format", "json", "--format", "csv,json", "--output-dir", str(tmp_path)]) == 1
    assert sorted(p.name.split(".", 1)[1] for p in tmp_path.iterdir()) == ["csv", "json"]
    assert main(["audit", "--format", "json", "--format", "sarif"]) == 2  # two for stdout: the usual error
    assert "only one format can go to stdout" in capsys.readouterr().err


def test_output_pairs_alone_write_only_those(stub_audit, capsys, tmp_path):
    assert main(["audit", "--output", f"csv={tmp_path / 'x.csv'}"]) == 1
    assert capsys.readouterr().out == "" and (tmp_path / "x.csv").exists()


def test_classic_format_and_output_file_still_work(stub_audit, capsys, tmp_path):
    out = tmp_path / "report.junit"
    assert main(["audit", "--format", "junit", "--output", str(out)]) == 1
    assert ET.parse(out).getroot().tag == "testsuites"


@pytest.mark.parametrize(("args", "expected"), [
    (["--format", "json,yaml"], ["--format", "'yaml' is not a format", *FORMATS]),
    (["--format", ","], ["--format", "allowed"]),
    (["--format", "json,sarif"], ["only one format can go to stdout", "--output-dir"]),
    (["--format", "json,sarif", "--output", "x.json"], ["--output x.json", "one file takes one format"]),
    (["--output", "a.json", "--output", "b.json"], ["FORMAT=PATH"]),
    (["--output", "a.json", "--output-dir", "d"], ["--output-dir"]),
    (["--output", "yml=a.yml"], ["'yml' is not a format", *FORMATS]),
    (["--output", "json=same", "--output", "csv=same"], ["same file"]),
    (["--output", "json=x.json", "--output-dir", "d"], ["--output-dir d", "no --format", *FORMATS]),
    (["--output", "json=x.json", "--output", "y.txt"], ["--output y.txt", "no --format", *FORMATS]),
    (["--output", "json="], ["--output json=", "no path"]),
    (["--output", ""], ["--output", "empty"]),
    (["--output-dir", " "], ["--output-dir", "empty"]),
])
def test_bad_output_options_are_usage_errors_before_the_audit(stub_audit, capsys, tmp_path, monkeypatch,
                                                               args, expected):
    monkeypatch.chdir(tmp_path)
    assert main(["audit", *args]) == 2
    err = capsys.readouterr().err
    assert all(e in err for e in expected), err
    assert stub_audit == [] and list(tmp_path.iterdir()) == []


def test_a_path_with_an_equals_sign_is_a_file(stub_audit, capsys, tmp_path):
    target = tmp_path / "a=b.json"
    assert main(["audit", "--format", "json", "--output", str(target)]) == 1
    assert json.loads(target.read_text())["findings"]


def test_unwritable_output_dir_is_fatal_and_names_the_path(stub_audit, capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["audit", "--format", "json,csv", "--output-dir", str(blocker / "sub")]) == 2
    assert str(blocker / "sub") in capsys.readouterr().err


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("tty", "no_color", "columns", "expected"), [
    (True, False, "97", (True, 97)),
    (True, True, "120", (False, 120)),  # NO_COLOR turns colour off, the width stays
    (False, False, "97", (False, None)),  # a pipe or a file: no colour, unwrapped
])
def test_terminal_options_follow_the_stream(monkeypatch, tty, no_color, columns, expected):
    from checks.report import ReportOptions
    from checks.report.outputs import terminal_options

    monkeypatch.setenv("COLUMNS", columns)  # shutil.get_terminal_size reads COLUMNS first
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    options = terminal_options(ReportOptions(), _Tty() if tty else io.StringIO())
    assert (options.color, options.width) == expected


def test_sarif_information_uri_is_the_homepage_of_project_urls():
    import tomllib
    from pathlib import Path

    from report_sample import live_controls, options, sample_run

    from checks.report import render

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    homepage = tomllib.loads(pyproject.read_text())["project"]["urls"]["Homepage"]
    driver = json.loads(render("sarif", sample_run(), live_controls(), options()))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == homepage
