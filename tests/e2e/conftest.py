"""A moto server on 127.0.0.1 for end-to-end runs of the real CLI over HTTP.

Fixtures (module scope: one server per test module):
- ``moto_server``: starts ThreadedMotoServer on a free loopback port, yields its URL.
- ``moto_cli_env``: the environment a CLI subprocess needs to reach that server and nothing else (fake
  credentials, AWS_ENDPOINT_URL, /dev/null AWS config files so a developer's ~/.aws never leaks in).
- ``moto_client``: ``moto_client("s3", region="us-east-1")`` -> a boto3 client on the server, to seed it.
- ``moto_reset``: call it to wipe the server's state between tests that need a clean account.
"""
from __future__ import annotations

import urllib.request

import pytest

from testkit.env import subprocess_env
from testkit.moto import moto_server as _moto_server


@pytest.fixture(scope="module")
def moto_server():
    with _moto_server() as url:
        yield url


@pytest.fixture(scope="module")
def moto_cli_env(moto_server):
    return subprocess_env(moto_server)


@pytest.fixture(scope="module")
def moto_client(moto_server):
    import boto3

    def make(service: str, region: str = "us-east-1"):
        return boto3.client(service, region_name=region, endpoint_url=moto_server,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    return make


@pytest.fixture(scope="module")
def moto_reset(moto_server):
    def reset() -> None:
        req = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            resp.read()

    return reset
