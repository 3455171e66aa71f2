"""Fatal AWS conditions end the run with exit 2 and one sentence on stderr, never a traceback.

These go through the real audit_account identity check (sts:GetCallerIdentity) with botocore, but no
request leaves the machine: credentials are missing, the profile is unknown, or the endpoint is a closed
port on 127.0.0.1.
"""
from __future__ import annotations

import socket

import pytest

from checks.cli import main


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def no_credentials(monkeypatch):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(key, raising=False)


def _assert_fatal(capsys, *fragments):
    err = capsys.readouterr().err
    assert err.startswith("trailguard: error: ")
    for fragment in fragments:
        assert fragment in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_credentials_exit_2(no_credentials, capsys):
    assert main(["audit", "--endpoint-url", f"http://127.0.0.1:{_closed_port()}"]) == 2
    _assert_fatal(capsys, "no usable AWS credentials", "--profile")


def test_unknown_profile_exit_2(capsys):
    assert main(["audit", "--profile", "nosuch"]) == 2
    _assert_fatal(capsys, "--profile", "'nosuch'")


def test_missing_region_exit_2(monkeypatch, capsys):
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    assert main(["audit"]) == 2
    _assert_fatal(capsys, "no AWS region", "--region")


def test_unreachable_endpoint_exit_2(capsys):
    url = f"http://127.0.0.1:{_closed_port()}"
    assert main(["audit", "--endpoint-url", url, "--quiet"]) == 2
    _assert_fatal(capsys, f"cannot reach {url}", "--endpoint-url")


def test_endpoint_option_does_not_leak_into_the_environment(capsys):
    import os

    main(["audit", "--endpoint-url", f"http://127.0.0.1:{_closed_port()}"])
    assert "AWS_ENDPOINT_URL" not in os.environ
