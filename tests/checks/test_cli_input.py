"""CLI input and output edges: --region checked against the partitions' regions, and a stdout that can't
encode the report (LANG=C, a cp1252 console) gets UTF-8 bytes instead of a crash."""
from __future__ import annotations

import io
import json
import sys

import pytest

import checks.audit
from checks.catalog import get
from checks.cli import main
from checks.model import AuditRun, Finding, Status

ACCT = "123456789012"


@pytest.fixture
def stub_audit(monkeypatch):
    control = get("cloudtrail_log_file_validation_enabled")
    seen = {}

    def fake(session, controls, **_):
        seen["region"] = session.region_name
        return AuditRun([Finding(control.id, Status.FAIL, control.severity, ACCT, "us-east-1",
                                 "arn:aws:cloudtrail:us-east-1:123456789012:trail/caf\u00e9-\u2713",
                                 "Trail caf\u00e9-\u2713 does not have log file validation enabled.", title=control.title)],
                        [ACCT])

    monkeypatch.setattr(checks.audit, "audit_account", fake)
    return seen


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-2", "cn-north-1", "us-gov-west-1"])
def test_region_of_a_known_partition_is_accepted(stub_audit, region, capsys):
    assert main(["audit", "--region", region, "--quiet"]) == 1  # the stub's finding fails
    assert stub_audit["region"] == region


@pytest.mark.parametrize("region", ["us-east-9", "useast1", "eu-west-1 ", "US-EAST-1"])
def test_unknown_region_is_a_usage_error_naming_the_option(stub_audit, region, capsys):
    assert main(["audit", "--region", region]) == 2
    err = capsys.readouterr().err
    assert f"argument --region: {region!r} is not an AWS region" in err and "us-east-1" in err
    assert "region" not in stub_audit  # nothing was audited


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_report_to_an_ascii_stdout_is_written_as_utf8_bytes(stub_audit, monkeypatch, fmt):
    raw = io.BytesIO()
    ascii_out = io.TextIOWrapper(raw, encoding="ascii", errors="strict")
    monkeypatch.setattr(sys, "stdout", ascii_out)
    assert main(["audit", "--format", fmt, "--quiet"]) == 1  # a report, not a crash (exit 2)
    ascii_out.flush()
    text = raw.getvalue().decode("utf-8")
    assert "caf\u00e9-\u2713" in (json.loads(text)["findings"][0]["resource"] if fmt == "json" else text)
