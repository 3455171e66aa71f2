"""One way to make boto3 clients and to word a failed call, shared by the core collectors.

Clients come from the injected Session (so AWS_ENDPOINT_URL, profiles and assumed-role credentials work
as boto3 resolves them) with one botocore Config, ``checks.sdk_config.collect()``: per-call connect and
read timeouts, and botocore's "standard" retries, 4 attempts in all (why not "adaptive": see there).
No module-level clients: each audited account (org mode) brings its own Session.

Every successful answer is checked before a collector reads it (``check_answer``): a value whose type
does not match botocore's model of the operation, or an answer without a key that AWS always sends
(``ANSWER_KEYS``), raises ``MalformedAnswer``, a botocore error, so it becomes an ERROR naming the API
like any failed call, never a default value that could read as PASS or FAIL.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from botocore.exceptions import BotoCoreError, ClientError

from checks import sdk_config
from checks.collect.deadline import check_deadline
from checks.sdk_config import CONNECT_TIMEOUT_S, READ_TIMEOUT_S, TOTAL_ATTEMPTS  # noqa: F401 - re-exported

RETRY_CONFIG = sdk_config.collect()
CALL_ERRORS = (ClientError, BotoCoreError)

# Keys a successful answer always carries (AWS API references); without them the answer is not understood.
# Operations missing here may legitimately answer without a key: GetBucketLogging without LoggingEnabled
# means logging is off, GetBucketVersioning without Status means never enabled, GetBucketLocation without
# LocationConstraint means us-east-1. A test checks every key against botocore's output shapes.
ANSWER_KEYS: dict[tuple[str, str], tuple[str, ...]] = {
    ("ec2", "DescribeRegions"): ("Regions",),
    ("cloudtrail", "ListTrails"): ("Trails",),
    ("cloudtrail", "DescribeTrails"): ("trailList",),
    ("cloudtrail", "GetTrailStatus"): ("IsLogging",),
    ("cloudtrail", "GetEventSelectors"): ("TrailARN",),
    ("cloudtrail", "GetInsightSelectors"): ("TrailARN",),
    ("cloudtrail", "ListTags"): ("ResourceTagList",),
    ("s3", "ListBuckets"): ("Buckets",),
    ("s3control", "GetPublicAccessBlock"): ("PublicAccessBlockConfiguration",),
    ("s3", "GetPublicAccessBlock"): ("PublicAccessBlockConfiguration",),
    ("s3", "GetBucketPolicyStatus"): ("PolicyStatus",),
    ("s3", "GetBucketAcl"): ("Grants",),
    ("s3", "GetBucketPolicy"): ("Policy",),
    ("s3", "GetObjectLockConfiguration"): ("ObjectLockConfiguration",),
    ("s3", "GetBucketEncryption"): ("ServerSideEncryptionConfiguration",),
    ("s3", "GetBucketOwnershipControls"): ("OwnershipControls",),
    ("kms", "DescribeKey"): ("KeyMetadata",),
    ("kms", "GetKeyRotationStatus"): ("KeyRotationEnabled",),
    ("logs", "DescribeLogGroups"): ("logGroups",),
    ("logs", "DescribeMetricFilters"): ("metricFilters",),
    ("cloudwatch", "DescribeAlarms"): ("MetricAlarms",),
    ("sns", "ListSubscriptionsByTopic"): ("Subscriptions",),
    ("organizations", "ListAccounts"): ("Accounts",),
    # history and Lake (issue 14): without these an empty answer would read as "no events" / "no stores"
    ("cloudtrail", "LookupEvents"): ("Events",),
    ("cloudtrail", "ListEventDataStores"): ("EventDataStores",),
    ("cloudtrail", "GetEventDataStore"): ("EventDataStoreArn",),
    ("organizations", "DescribeOrganization"): ("Organization",),
}


class MalformedAnswer(BotoCoreError):
    """A 200 answer that does not match the operation's model: read as a failed call, never as data."""

    fmt = "{api} answered with {problem}"


class Clients:
    """Caches one client per (service, region) for one collection run."""

    def __init__(self, session: Any, region: str | None = None) -> None:
        self.session = session
        self.region = region or session.region_name or "us-east-1"
        self._cache: dict[tuple[str, str], Any] = {}

    def get(self, service: str, region: str | None = None):
        key = (service, region or self.region)
        if key not in self._cache:
            client = self.session.client(service, region_name=key[1], config=RETRY_CONFIG)
            client.meta.events.register("after-call", check_answer, unique_id="trailguard-check-answer")
            client.meta.events.register("before-call", check_deadline, unique_id="trailguard-account-deadline")
            if service == "s3control" and not _is_aws_host(client.meta.endpoint_url):
                # unique_id: in an organization run many accounts' Clients share this client
                client.meta.events.register("before-sign.s3-control", _strip_account_host_prefix,
                                            unique_id="trailguard-strip-account-host-prefix")
            self._cache[key] = client
        return self._cache[key]


_ACCOUNT_PREFIX = re.compile(r"^\d{12}\.")


def _is_aws_host(url: str) -> bool:
    host = urlsplit(url or "").hostname or ""
    return host.endswith((".amazonaws.com", ".amazonaws.com.cn", ".api.aws"))


def _strip_account_host_prefix(request, **_kwargs) -> None:
    """s3control's endpoint rules put the account id in front of the host (<account>.s3-control...).

    Against a custom endpoint (AWS_ENDPOINT_URL: a local emulator or a proxy) that makes
    "<account>.127.0.0.1", which never resolves, so account-level Block Public Access would be ERROR.
    Real AWS hosts keep the prefix; only custom endpoints lose it, before signing.
    """
    parts = urlsplit(request.url)
    if parts.hostname and _ACCOUNT_PREFIX.match(parts.hostname):
        netloc = _ACCOUNT_PREFIX.sub("", parts.netloc, count=1)
        request.url = urlunsplit(parts._replace(netloc=netloc))


def check_answer(model, parsed, http_response=None, **_kwargs) -> None:
    """after-call hook: raise MalformedAnswer for a successful answer that can't be trusted (see above)."""
    if http_response is not None and getattr(http_response, "status_code", 200) >= 300:
        return  # an error answer: botocore raises ClientError right after this hook
    service = model.service_model.service_name
    api = f"{service}:{model.name}"
    if not isinstance(parsed, dict):
        raise MalformedAnswer(api=api, problem=f"a {type(parsed).__name__} instead of a structure")
    missing = [k for k in ANSWER_KEYS.get((service, model.name), ()) if k not in parsed]
    if missing:
        raise MalformedAnswer(api=api, problem=f"no {', '.join(missing)}")
    if model.output_shape is not None:
        body = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
        errors = _TYPE_CHECKER.validate(body, model.output_shape)
        if errors.has_errors():
            raise MalformedAnswer(api=api, problem="values of the wrong type: " + errors.generate_report())


def _type_checker():
    from botocore.validate import ParamValidator, ValidationErrors

    class TypeErrorsOnly(ValidationErrors):
        # Output shapes are looser than input ones (new members, lengths): only a wrong type is a fault,
        # and null is "absent" (GetBucketLocation answers a null LocationConstraint for us-east-1).
        def report(self, name, reason, **kwargs):
            if reason == "invalid type" and kwargs.get("param") is not None:
                super().report(name, reason, **kwargs)

    class TypeChecker(ParamValidator):
        def validate(self, params, shape):
            errors = TypeErrorsOnly()
            self._validate(params, shape, errors, name="")
            return errors

    return TypeChecker()


_TYPE_CHECKER = _type_checker()


def error_code(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code") or "ClientError"
    return type(exc).__name__


def failure(api: str, subject: str, exc: Exception) -> str:
    """The sentence stored in ``errors[...]``: names the API call, the subject and the error code."""
    return f"{api} failed for {subject}: {error_code(exc)}."

