"""The s3control host prefix: kept for real AWS hosts, dropped for custom endpoints (emulators, proxies)."""
import boto3
from botocore.awsrequest import AWSResponse

from checks.collect.clients import Clients


def _captured_host(monkeypatch, endpoint_url):
    if endpoint_url:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint_url)
    seen = []

    def answer(request, **_):
        seen.append(request.url)
        body = b"<GetPublicAccessBlockOutput><PublicAccessBlockConfiguration/></GetPublicAccessBlockOutput>"
        return AWSResponse(request.url, 200, {}, _Raw(body))

    client = Clients(boto3.Session(region_name="us-east-1")).get("s3control")
    client.meta.events.register("before-send.s3-control", answer)
    client.get_public_access_block(AccountId="123456789012")
    return seen[0]


class _Raw:
    def __init__(self, body):
        self._body = body

    def stream(self, **_):
        yield self._body


def test_s3control_custom_endpoint_has_no_account_prefix(monkeypatch):
    url = _captured_host(monkeypatch, "http://127.0.0.1:5123")
    assert url.startswith("http://127.0.0.1:5123/"), url


def test_s3control_real_aws_host_keeps_account_prefix(monkeypatch):
    url = _captured_host(monkeypatch, None)
    assert url.startswith("https://123456789012.s3-control.us-east-1.amazonaws.com/"), url
