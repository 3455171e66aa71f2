"""One way to make boto3 clients and to word a failed call, shared by the core collectors.

Clients come from the injected Session (so AWS_ENDPOINT_URL, profiles and assumed-role credentials work
as boto3 resolves them) with adaptive retries: throttling is retried client-side before it can become
an ERROR. No module-level clients: each audited account (org mode) brings its own Session.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

RETRY_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 8})
CALL_ERRORS = (ClientError, BotoCoreError)


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


def error_code(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code") or "ClientError"
    return type(exc).__name__


def failure(api: str, subject: str, exc: Exception) -> str:
    """The sentence stored in ``errors[...]``: names the API call, the subject and the error code."""
    return f"{api} failed for {subject}: {error_code(exc)}."

