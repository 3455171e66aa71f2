"""Read-only for every path: the CLI's audit (single account and --org) and every subcommand make only
Describe*/Get*/List*/Lookup* calls, sts:AssumeRole and sts:GetCallerIdentity.

Every client's calls are recorded (BaseClient._make_api_call) while the CLI runs in process against moto.
A new subcommand must be added to SAMPLE_ARGS (the arguments it is run with here): until then the
contract test fails, so no subcommand ships without this check.
"""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from checks.cli import build_parser, main
from testkit.org import create_trail, seed_organization

READ_PREFIXES = ("Describe", "Get", "List", "Lookup")
ALLOWED = {("sts", "AssumeRole"), ("sts", "GetCallerIdentity")}
# subcommand -> the arguments the read-only test runs it with (an emulated organization with trails exists)
SAMPLE_ARGS: dict[str, list[list[str]]] = {
    "controls": [[]],
    "audit": [["--quiet"], ["--org", "--quiet", "--workers", "2"]],
    "verify": [["--trail", "org-trail", "--quiet"], ["--org", "--quiet", "--workers", "2"]],
    "merge": [["{report}", "--quiet"]],  # {report}: an `audit --org --format json` report made first
}


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")  # argparse keeps subparsers here
    return sorted(action.choices)


def test_every_subcommand_has_read_only_sample_args():
    assert sorted(SAMPLE_ARGS) == _subcommands()


@pytest.fixture
def recorded_calls(monkeypatch):
    from botocore.client import BaseClient

    calls: list[tuple[str, str]] = []
    real = BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        calls.append((self.meta.service_model.service_name, operation_name))
        return real(self, operation_name, api_params)

    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        _, members = seed_organization(session, 2)
        create_trail(session, "org-trail", "org-trail-bucket", organization=True)
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
