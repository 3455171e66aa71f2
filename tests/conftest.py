"""Test-wide safety: fake credentials, and a guard that fails any request to a real AWS endpoint.

moto intercepts requests in process (``mock_aws``) before they reach the HTTP layer, and the moto server
runs on 127.0.0.1, so a request that reaches botocore's HTTP session for an amazonaws.com host, or a
socket that connects anywhere but loopback, is a leak: the test fails loudly instead of touching AWS.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import pytest

from testkit.env import FAKE_CREDENTIALS as _FAKE_ENV, install_fake_credentials  # noqa: E402

install_fake_credentials()

# moto has no LookupEvents and no CloudTrail Lake: the sandbox's extension serves both (in process and
# in the ThreadedMotoServer the e2e tests start), in botocore's shapes.
from sandbox.trail_history import install as _install_trail_history  # noqa: E402

_install_trail_history()

# moto scans every account for each request's access key; the sandbox memoizes it (issue 16), same answers.
from sandbox.moto_cache import install as _install_moto_cache  # noqa: E402

_install_moto_cache()

_REAL_AWS_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".aws.amazon.com")


class RealAwsRequest(AssertionError):
    pass


def is_real_aws_host(host: str) -> bool:
    host = (host or "").lower().rstrip(".")
    return any(host.endswith(s) or host == s.lstrip(".") for s in _REAL_AWS_SUFFIXES)


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _fake_aws_credentials(monkeypatch):
    for key, value in _FAKE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch):
    """Fail the test if botocore sends to a real AWS host or any socket leaves loopback."""
    from botocore.httpsession import URLLib3Session

    real_send = URLLib3Session.send

    def guarded_send(self, request):
        host = urlsplit(request.url).hostname or ""
        if is_real_aws_host(host):
            raise RealAwsRequest(f"test tried to reach real AWS: {request.method} {request.url}")
        return real_send(self, request)

    monkeypatch.setattr(URLLib3Session, "send", guarded_send)

    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if not _is_loopback(host):
                raise RealAwsRequest(f"test tried to open a network connection to {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield
