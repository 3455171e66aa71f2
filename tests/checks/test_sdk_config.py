"""checks/sdk_config.py: the retry budgets and timeouts every client gets, checked by what botocore does.

botocore's Config reference: "total_max_attempts -- An integer representing the maximum number of total
attempts that will be made on a single request. This includes the initial request, so a value of 1
indicates that no requests will be retried." and "max_attempts -- ... the maximum number of retry attempts
... This does not include the initial request". A 500 answer is retryable in both "standard" and "adaptive"
modes (botocore Retries guide: "Transient errors (RequestTimeout) ... 500, 502, 503, 504").
"""
from __future__ import annotations

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from checks import sdk_config


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_):
        yield self._body


def _always_500(counter: list):
    def answer(**_):
        counter.append(1)
        return AWSResponse("https://sts.amazonaws.com/", 500, {}, _Raw(b"<ErrorResponse><Error><Code>InternalError"
                                                                       b"</Code><Message>x</Message></Error>"
                                                                       b"</ErrorResponse>"))
    return answer


@pytest.mark.parametrize(("config", "attempts"), [
    (sdk_config.collect(), 4), (sdk_config.identity(), 2), (sdk_config.run_level(), 3),
    (sdk_config.assume_role(), 5), (sdk_config.verify(4), 9),
])
def test_each_budget_is_the_documented_number_of_attempts_in_all(monkeypatch, config, attempts):
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _s: None)  # backoff: not what is tested
    client = boto3.Session(region_name="us-east-1").client("sts", config=config)
    sent: list = []
    client.meta.events.register("before-send", _always_500(sent))
    with pytest.raises(ClientError):
        client.get_caller_identity()
    assert len(sent) == attempts


@pytest.mark.parametrize(("config", "connect", "read"), [
    (sdk_config.collect(), 5, 20), (sdk_config.identity(), 5, 5), (sdk_config.run_level(), 5, 10),
])
def test_timeouts(config, connect, read):
    client = boto3.Session(region_name="us-east-1").client("sts", config=config)
    assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (connect, read)


def test_the_same_config_object_comes_back_so_shared_clients_are_found_again():
    assert sdk_config.collect() is sdk_config.collect()
    assert sdk_config.pool(16) is sdk_config.pool(16)


@pytest.mark.parametrize(("workers", "pool"), [(1, 10), (10, 10), (16, 16), (64, 64)])
def test_pools_grow_with_the_workers_but_never_below_urllib3s_default(workers, pool):
    assert sdk_config.pool(workers).max_pool_connections == pool
    assert sdk_config.verify(workers).max_pool_connections == max(10, workers + 2)


def test_only_this_module_builds_botocore_configs():
    import pathlib
    import re

    root = pathlib.Path(sdk_config.__file__).parent
    builders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                if "sandbox" not in p.parts and p.name != "sdk_config.py"
                and re.search(r"\bConfig\(|botocore\.config", p.read_text(encoding="utf-8"))]
    assert builders == []
