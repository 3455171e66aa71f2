"""The keep-alive emulator: the same answers as moto's server, over persistent connections as AWS serves.

AWS's endpoints speak HTTP/1.1 with persistent connections, and botocore keeps them in its urllib3 pool;
moto's Werkzeug server sends ``Connection: close`` on every answer. The sweep runs the same calls on
both servers: the answers must be equal, and only the connection count may differ.
"""
from __future__ import annotations

import pytest

CALLS = 12


def _connections_for_gets(endpoint: str, monkeypatch) -> tuple[int, dict, str]:
    import boto3
    import urllib3.connection

    s3 = boto3.Session(region_name="us-east-1").client("s3", endpoint_url=endpoint)
    s3.create_bucket(Bucket="keepalive-probe")
    s3.put_object(Bucket="keepalive-probe", Key="AWSLogs/k.json.gz", Body=b"x" * 1000,
                  Metadata={"signature": "ab12", "signature-algorithm": "SHA256withRSA"})
    opened = []
    original = urllib3.connection.HTTPConnection.connect
    monkeypatch.setattr(urllib3.connection.HTTPConnection, "connect",
                        lambda self: (opened.append(1), original(self))[1])
    for _ in range(CALLS):
        got = s3.get_object(Bucket="keepalive-probe", Key="AWSLogs/k.json.gz")
        assert got["Body"].read() == b"x" * 1000
    with pytest.raises(s3.exceptions.NoSuchKey) as missing:
        s3.get_object(Bucket="keepalive-probe", Key="absent")
    return len(opened), got["Metadata"], missing.value.response["Error"]["Code"]


@pytest.mark.parametrize("kind, connections", [("werkzeug", CALLS + 1), ("keepalive", 0)])
def test_emulator_connections_per_call(kind, connections, monkeypatch):
    """The keep-alive server reuses the connection the setup calls opened (0 new); Werkzeug's one per call."""
    from sandbox.emulator import Emulator
    from sandbox.keepalive import KeepAliveEmulator

    with (KeepAliveEmulator() if kind == "keepalive" else Emulator()) as emulator:
        opened, metadata, code = _connections_for_gets(emulator.endpoint_url, monkeypatch)
    assert opened == connections
    assert metadata == {"signature": "ab12", "signature-algorithm": "SHA256withRSA"}
    assert code == "NoSuchKey"
