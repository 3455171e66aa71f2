"""The benchmark's replay backend (bench/replay_*.py, issue 16 item 2): keyed on the call, faithful to moto."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

import pytest

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "bench")
sys.path.insert(0, BENCH)
from replay_common import call_key  # noqa: E402

KEYMAP = {"ASIAMEMBER0000000001": "111111111111"}


def _auth(akid="ASIAMEMBER0000000001", date="20261130", region="us-east-1", service="cloudtrail", sig="ab12"):
    return (f"AWS4-HMAC-SHA256 Credential={akid}/{date}/{region}/{service}/aws4_request, "
            f"SignedHeaders=host;x-amz-date, Signature={sig}").encode()


def _key(auth=None, target=b"/", body=b'{"trailNameList": [], "includeShadowTrails": true}', op=b"DescribeTrails",
         content_type=b"application/x-amz-json-1.1", extra=None):
    headers = {b"authorization": auth or _auth(), b"content-type": content_type, b"x-amz-date": b"20261130T041700Z",
               b"x-amz-target": b"CloudTrail_20131101." + op, **(extra or {})}
    return call_key(b"POST", target, headers, body, KEYMAP, "123456789012")


@pytest.mark.parametrize("same", [
    _key(auth=_auth(sig="ffff"), extra={b"x-amz-date": b"20261201T000000Z"}),  # a new signature, a new time
    _key(auth=_auth(date="20261201")),  # the scope's date
    _key(body=b'{"includeShadowTrails":true,"trailNameList":[]}'),  # JSON key order and spacing
    _key(extra={b"user-agent": b"Boto3/1.40", b"host": b"127.0.0.1:40123"}),  # client and port
])
def test_what_changes_between_runs_does_not_change_the_key(same):
    assert same == _key()


@pytest.mark.parametrize("other", [
    _key(auth=_auth(region="eu-west-1")),  # Region
    _key(auth=_auth(service="logs")),  # service
    _key(auth=_auth(akid="testing")),  # another account: an unknown key is the management account
    _key(op=b"ListTrails"),  # operation
    _key(body=b'{"trailNameList": ["a"], "includeShadowTrails": true}'),  # parameters
    _key(target=b"/?list-type=2"),  # query string
    _key(extra={b"x-amz-account-id": b"111111111111"}),  # S3 Control's account header
])
def test_what_identifies_a_call_changes_the_key(other):
    assert other != _key()


def test_form_bodies_are_keyed_on_their_pairs_in_any_order():
    """Query-protocol bodies (STS, SNS, CloudWatch) are form-encoded; botocore's order is not a parameter."""
    form = b"application/x-www-form-urlencoded; charset=utf-8"
    one = _key(body=b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FR&Version=2011-06-15",
               content_type=form)
    two = _key(body=b"Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FR&Action=AssumeRole",
               content_type=form)
    assert one == two != _key(body=b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A2%3Arole%2FR&Version=2011-06-15",
                              content_type=form)


def _s3_key(host: bytes, target: bytes, service="s3") -> tuple:
    headers = {b"authorization": _auth(service=service), b"host": host}
    return call_key(b"GET", target, headers, b"", KEYMAP, "123456789012")


@pytest.mark.parametrize("host", [b"my-bucket.s3.amazonaws.com", b"my-bucket.s3.us-east-1.amazonaws.com"])
def test_a_virtual_hosted_s3_request_keys_as_the_path_style_one(host):
    """The recording (in process) sees virtual-hosted URLs; the replay's IP endpoint gets path style (S3 User
    Guide, "Virtual hosting of buckets": both name the same bucket)."""
    assert _s3_key(host, b"/?policy") == _s3_key(b"127.0.0.1:40123", b"/my-bucket?policy")
    assert _s3_key(host, b"/?policy") != _s3_key(b"127.0.0.1:40123", b"/other-bucket?policy")


def test_s3_control_hosts_are_not_read_as_buckets():
    """S3 Control's host starts with the account id (``{AccountId}.s3-control.{Region}.amazonaws.com``)."""
    target = b"/v20180820/configuration/publicAccessBlock"
    assert _s3_key(b"111111111111.s3-control.us-east-1.amazonaws.com", target) == _s3_key(b"127.0.0.1:1", target)


def test_replay_and_moto_backends_give_the_same_findings():
    """20 members (every kind of member in the benchmark's world once) audited on moto, recorded, replayed."""
    out = subprocess.run([sys.executable, os.path.join(BENCH, "replay_check.py"), "--accounts", "20"],
                         capture_output=True, text=True, timeout=600, check=True,
                         env={**os.environ, "PYTHONPATH": os.path.dirname(BENCH)})
    result = json.loads(out.stdout.strip().splitlines()[-1])
    moto, replay = result["moto"], result["replay"]
    statuses = Counter(f["status"] for f in moto["findings"])
    assert {"PASS", "FAIL", "ERROR"} <= set(statuses), statuses  # the world has every verdict to get wrong
    assert set(moto["coverage"].values()) == {"organization-trail", "unknown"}
    assert len(moto["coverage"]) == 21
    assert result["server"]["misses"] == 0 and result["conflicts"] == 0
    assert result["server"]["calls"] >= result["recorded_answers"] > 0
    assert replay == moto
