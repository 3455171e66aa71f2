"""Client-side CPU per AWS call, and per client built, for the botocore settings trailguard could use.

    .venv/bin/python bench/call_cpu.py [--calls N]

No network and no emulator: a ``before-send`` hook answers every request with a canned 200 body shaped
like AWS's (botocore then parses it as usual), so what is measured is the client's own work per call:
parameter validation, serialisation, endpoint resolution, signing, parsing, and our hooks
(checks/collect/clients.py: ``check_answer`` validates every answer against the output shape). Each
variant makes the same calls on one shared client; ``time.process_time`` over N calls (CPU, not wall:
this machine is shared). Operations: cloudtrail GetTrailStatus and DescribeTrails (JSON), s3
GetBucketAcl (REST-XML), ec2 DescribeRegions (EC2 query).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ANSWERS = {
    ("cloudtrail", "GetTrailStatus"): b'{"IsLogging": true, "LatestDeliveryTime": 1764460800.0, '
                                      b'"StartLoggingTime": 1764374400.0}',
    ("cloudtrail", "DescribeTrails"): (b'{"trailList": [{"Name": "org-trail", "S3BucketName": "org-bucket", '
                                       b'"IncludeGlobalServiceEvents": true, "IsMultiRegionTrail": true, '
                                       b'"HomeRegion": "us-east-1", "TrailARN": '
                                       b'"arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail", '
                                       b'"LogFileValidationEnabled": true, "HasCustomEventSelectors": false, '
                                       b'"HasInsightSelectors": false, "IsOrganizationTrail": true}]}'),
    ("s3", "GetBucketAcl"): (b'<?xml version="1.0" encoding="UTF-8"?><AccessControlPolicy '
                             b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>abc</ID></Owner>'
                             b'<AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-'
                             b'instance" xsi:type="CanonicalUser"><ID>abc</ID></Grantee><Permission>FULL_CONTROL'
                             b'</Permission></Grant></AccessControlList></AccessControlPolicy>'),
    ("ec2", "DescribeRegions"): (b'<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                                 b'<requestId>1</requestId><regionInfo>' + b"".join(
                                     b"<item><regionName>r%d</regionName><regionEndpoint>ec2.r%d.amazonaws.com"
                                     b"</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>"
                                     % (i, i) for i in range(17)) + b"</regionInfo></DescribeRegionsResponse>"),
}
CALLS = {
    ("cloudtrail", "GetTrailStatus"): ("get_trail_status", {"Name": "arn:aws:cloudtrail:us-east-1:123456789012:"
                                                                    "trail/org-trail"}),
    ("cloudtrail", "DescribeTrails"): ("describe_trails", {"includeShadowTrails": True}),
    ("s3", "GetBucketAcl"): ("get_bucket_acl", {"Bucket": "org-bucket"}),
    ("ec2", "DescribeRegions"): ("describe_regions", {"AllRegions": False}),
}


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_):
        yield self._body


def _answer(request, model=None, **_):
    from botocore.awsrequest import AWSResponse

    body = ANSWERS[(model.service_model.service_name, model.name)] if model is not None else b"{}"
    return AWSResponse(request.url, 200, {"Content-Type": "text/xml"}, _Raw(body))


def _remember_model(model, context, **_):
    context["bench_model"] = model


def _client(session, service: str, config, ours: bool):
    from checks.collect.clients import check_answer
    from checks.collect.deadline import check_deadline

    client = session.client(service, region_name="us-east-1", config=config)
    client.meta.events.register("before-call", _remember_model)
    client.meta.events.register("before-send", lambda request, **kw: _answer(
        request, request.context.get("bench_model")))
    if ours:
        client.meta.events.register("after-call", check_answer, unique_id="trailguard-check-answer")
        client.meta.events.register("before-call", check_deadline, unique_id="trailguard-account-deadline")
    return client


def per_call_us(session, config, ours: bool, calls: int) -> dict[tuple[str, str], float]:
    out = {}
    for key, (method, params) in CALLS.items():
        client = _client(session, key[0], config, ours)
        getattr(client, method)(**params)  # warm: first-call work (endpoint rules, shape caches)
        start = time.process_time()
        for _ in range(calls):
            getattr(client, method)(**params)
        out[key] = (time.process_time() - start) / calls * 1e6
    return out


def client_build_ms(session, service: str, repeats: int) -> float:
    from checks import sdk_config

    session.client(service, region_name="us-east-1", config=sdk_config.collect())  # the loader caches the model
    start = time.process_time()
    for _ in range(repeats):
        session.client(service, region_name="us-east-1", config=sdk_config.collect())
    return (time.process_time() - start) / repeats * 1000


def model_load_ms(service: str) -> float:
    import boto3

    from checks import sdk_config

    fresh = boto3.Session(region_name="us-east-1")  # a fresh loader: nothing parsed yet
    fresh.client("sts", region_name="us-east-1", config=sdk_config.collect())  # endpoints, partitions, retries
    start = time.process_time()
    fresh.client(service, region_name="us-east-1", config=sdk_config.collect())
    return (time.process_time() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000, help="calls per operation, variant and round (default 1000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, variants interleaved; the minimum is shown")
    args = parser.parse_args()
    calls = args.calls
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.pop("AWS_ENDPOINT_URL", None)
    import boto3
    from botocore.config import Config

    from checks import sdk_config

    print(f"python {sys.version.split()[0]}, boto3 {boto3.__version__}; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {calls} calls per operation, minimum of {args.rounds} rounds\n")
    base = sdk_config.collect()
    variants = {
        "collect config + our hooks (today)": (base, True),
        "collect config, no hooks of ours": (base, False),
        "+ parameter_validation=False": (base.merge(Config(parameter_validation=False)), True),
        "today again (the noise of this table)": (base, True),
    }
    session = boto3.Session(region_name="us-east-1")
    rows: dict[str, dict] = {}
    for _ in range(args.rounds):  # interleaved, minimum kept: other processes' load only ever adds CPU time
        for name, (config, ours) in variants.items():
            got = per_call_us(session, config, ours, calls)
            rows[name] = {k: min(v, rows.get(name, {}).get(k, v)) for k, v in got.items()}
    keys = list(CALLS)
    print(f"{'CPU per call, us':<42}" + "".join(f"{k[0] + ':' + k[1]:>32}" for k in keys) + f"{'mean':>10}")
    for name, row in rows.items():
        mean = sum(row.values()) / len(row)
        print(f"{name:<42}" + "".join(f"{row[k]:>32.0f}" for k in keys) + f"{mean:>10.0f}")
    print("\nclient building, CPU ms:")
    for service in ("sts", "cloudtrail", "s3", "s3control", "kms", "logs", "ec2"):
        print(f"  {service:<11} first client (model parsed) {model_load_ms(service):7.1f}   "
              f"next client on the same Session {client_build_ms(session, service, 20):6.1f}")
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
