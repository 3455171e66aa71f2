"""Sessions for an organization audit: one boto3 Session per account, safe to hand to a worker thread.

boto3 Sessions are not thread-safe (clients are), so every audited account gets its own Session, built
here in the worker that uses it. Member accounts get assumed-role credentials wrapped in botocore's
RefreshableCredentials, so a run that outlives the role session (one hour by default, the maximum for
role chaining) renews them instead of failing half-way with ExpiredToken. The caller's own account is
audited with the caller's credentials, never through AssumeRole (the management account usually has
no OrganizationAccountAccessRole, and assuming into yourself would need a trust policy nobody writes).

Nothing here prints or stores secrets: credentials live only inside botocore's credential objects, and
the external id appears only in the AssumeRole request. ``scrub`` removes it from error text.
"""
from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # pragma: no cover - typing only; the CLI imports this module lazily anyway
    import boto3

ROLE_SESSION_NAME = "trailguard-audit"  # shows up in the members' CloudTrail as who read the trail
DEFAULT_DURATION_SECONDS = 3600  # role chaining (a role assuming a role) caps sessions at one hour


def role_arn(partition: str, account_id: str, role_name: str) -> str:
    return f"arn:{partition}:iam::{account_id}:role/{role_name}"


def scrub(text: str, secret: str | None) -> str:
    """Text with the secret replaced; AWS messages don't echo ExternalId today, but we never rely on it."""
    if secret and len(secret) >= 2:
        return text.replace(secret, "***")
    return text


class _SerializedLoader:
    """A botocore data loader shared by threads, one call at a time.

    The loader caches what it parsed, but 16 workers starting together all miss the cache and parse the
    same model at once: ec2's alone is ~60 MB of Python objects and a second of CPU per copy. Behind a lock
    the first worker parses it and the others get the cached copy; cached lookups hold the lock briefly.
    """

    def __init__(self, loader) -> None:
        self._loader = loader
        self._lock = threading.RLock()

    def __getattr__(self, name: str):
        value = getattr(self._loader, name)
        if not callable(value):
            return value

        def locked(*args, **kwargs):
            with self._lock:
                return value(*args, **kwargs)

        return locked


class SessionFactory:
    """Builds per-account boto3 Sessions from the caller's session.

    Created in the main thread (it reads the base session once); its methods are safe to call from
    worker threads: they only use a shared STS client (thread-safe), a shared botocore data loader (its
    cache is a dict filled with whole values, so a race only loads a model twice) and immutable settings.
    """

    def __init__(
        self,
        base: "boto3.Session",
        *,
        role_name: str,
        partition: str,
        external_id: str | None = None,
        duration_seconds: int = DEFAULT_DURATION_SECONDS,
        clock: Callable[[], dt.datetime] | None = None,
        advisory_timeout: int | None = None,
        mandatory_timeout: int | None = None,
    ) -> None:
        from botocore.config import Config

        self.role_name = role_name
        self.partition = partition
        self._external_id = external_id or None
        self._duration = duration_seconds
        self._clock = clock
        self._timeouts = {"advisory_timeout": advisory_timeout, "mandatory_timeout": mandatory_timeout}
        self.region = base.region_name or "us-east-1"
        self._base_credentials = base.get_credentials()
        # Sharing the loader spares every account's Session from re-reading botocore's service models
        # (several MB of JSON per service): with 200 accounts that parsing would cost more CPU than the audit.
        self._loader = _SerializedLoader(base._session.get_component("data_loader"))
        self._sts = base.client("sts", region_name=self.region,
                                config=Config(retries={"mode": "standard", "max_attempts": 4}))
        self._lock = threading.Lock()
        self.assume_calls = 0  # AssumeRole calls made, refreshes included (tests and the benchmark read it)

    def role_arn(self, account_id: str) -> str:
        return role_arn(self.partition, account_id, self.role_name)

    def caller_session(self) -> "boto3.Session":
        """A new Session on the caller's own credentials (for auditing the caller's account)."""
        return self._session(self._base_credentials)

    def assumed_session(self, account_id: str) -> "boto3.Session":
        """A Session in ``account_id`` through the audit role; raises ClientError when AssumeRole fails.

        The first AssumeRole happens now, not on first use, so a role that can't be assumed is reported as
        such (one reason for the account) instead of surfacing as an error in every collector call.
        """
        from botocore.credentials import RefreshableCredentials

        fetch = self._fetcher(self.role_arn(account_id))
        first = fetch()
        extra = {k: v for k, v in self._timeouts.items() if v is not None}
        if self._clock is not None:
            extra["time_fetcher"] = self._clock
        credentials = RefreshableCredentials(
            access_key=first["access_key"], secret_key=first["secret_key"], token=first["token"],
            expiry_time=RefreshableCredentials._expiry_datetime(first["expiry_time"]),
            refresh_using=fetch, method="assume-role", **extra,
        )
        return self._session(credentials)

    def _fetcher(self, arn: str) -> Callable[[], dict]:
        params = {"RoleArn": arn, "RoleSessionName": ROLE_SESSION_NAME, "DurationSeconds": self._duration}
        if self._external_id:
            params["ExternalId"] = self._external_id

        def fetch() -> dict:
            with self._lock:
                self.assume_calls += 1
            creds = self._sts.assume_role(**params)["Credentials"]
            expiry = creds["Expiration"]
            return {
                "access_key": creds["AccessKeyId"],
                "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"],
                "expiry_time": expiry.isoformat() if isinstance(expiry, dt.datetime) else str(expiry),
            }

        return fetch

    def _session(self, credentials) -> "boto3.Session":
        import boto3
        import botocore.session

        core = botocore.session.Session()
        core.register_component("data_loader", self._loader)
        # botocore has no public setter for a credentials *object*; assigning it is how refreshable
        # credentials are attached (set_credentials() would freeze them and lose the refresh).
        core._credentials = credentials
        return boto3.Session(botocore_session=core, region_name=self.region)
