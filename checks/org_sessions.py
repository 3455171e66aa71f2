"""Sessions for an organization audit: one set of clients for the whole run, signing per account.

Building botocore clients is the expensive part of auditing an account (~5-20 ms of CPU per client and
service, ~10 ms per Session, 6-9 clients an account: more CPU than the account's API calls), and CPython
threads share one core for it. So an organization run builds each client once per (service, region) and
every account uses it (botocore clients are thread-safe); what differs per account is only who signs.

A client signs with ``_RoutedCredentials``: the credentials of the account that the calling worker thread
has made active (``with account_session.active(): ...``). botocore signs in the thread that makes the call,
so each request is signed for the account its worker is auditing. A call from a thread with no active
account raises instead of signing with anybody's credentials: a mix-up fails closed (ERROR), it can't
audit the wrong account.

Member accounts get assumed-role credentials wrapped in botocore's RefreshableCredentials, so a run that
outlives the role session (one hour by default, the maximum for role chaining) renews them instead of
failing half-way with ExpiredToken. The caller's own account is audited with the caller's credentials,
never through AssumeRole (the management account usually has no OrganizationAccountAccessRole, and
assuming into yourself would need a trust policy nobody writes).

Nothing here prints or stores secrets: credentials live only inside botocore's credential objects, and
the external id appears only in the AssumeRole request. ``scrub`` removes it from error text.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import threading
from typing import TYPE_CHECKING, Any, Callable, Iterator

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


class NoActiveAccount(RuntimeError):
    """A shared client was used from a thread that has no active account (a bug, never a guess)."""


class _RoutedCredentials:
    """Credentials for botocore's request signer that answer with the calling thread's active account.

    The signer only calls ``get_frozen_credentials`` (per request) and the endpoint resolver
    ``get_deferred_property('account_id')`` (per request); both resolve in the calling thread.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    @contextlib.contextmanager
    def bound(self, account_id: str, credentials: Any) -> Iterator[None]:
        previous = getattr(self._local, "active", None)
        self._local.active = (account_id, credentials)
        try:
            yield
        finally:
            self._local.active = previous

    def current(self) -> Any:
        active = getattr(self._local, "active", None)
        if active is None:
            raise NoActiveAccount(f"no account is active in thread {threading.current_thread().name}; use "
                                  "`with account_session.active():` around calls of an organization audit")
        return active[1]

    def get_frozen_credentials(self):
        return self.current().get_frozen_credentials()

    def get_deferred_property(self, name: str) -> Callable[[], Any]:
        return lambda: getattr(self.current(), name, None)


class AccountSession:
    """One account's view of the run's shared clients: what the collectors use of a boto3 Session.

    ``client()`` returns the run's shared client; calls through it must happen inside ``active()`` in
    the thread that makes them (the organization audit wraps each account's collection in it).
    """

    def __init__(self, factory: "SessionFactory", account_id: str, credentials: Any) -> None:
        self.account_id = account_id
        self._factory = factory
        self._credentials = credentials

    @property
    def region_name(self) -> str:
        return self._factory.region

    def client(self, service_name: str, region_name: str | None = None, config=None):
        return self._factory.client(service_name, region_name or self.region_name, config)

    def get_credentials(self):
        return self._credentials

    def get_partition_for_region(self, region_name: str) -> str:
        return self._factory.partition_for_region(region_name)

    def active(self) -> contextlib.AbstractContextManager[None]:
        """Calls made by this thread inside the block sign as this account."""
        return self._factory.routed.bound(self.account_id, self._credentials)


class SessionFactory:
    """Per-account sessions over one set of shared clients, built from the caller's session.

    Created in the main thread (it reads the base session once); its methods are safe to call from
    worker threads. ``session`` is the boto3 Session every shared client comes from: register botocore
    event hooks on it before the run starts (clients copy the hooks when they are built).
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
        max_connections: int = 10,
        endpoint_url: str | None = None,
    ) -> None:
        import boto3
        import botocore.session

        from checks import sdk_config

        self.role_name = role_name
        self.partition = partition
        self._external_id = external_id or None
        self._duration = duration_seconds
        self._clock = clock
        self._timeouts = {"advisory_timeout": advisory_timeout, "mandatory_timeout": mandatory_timeout}
        self.region = base.region_name or "us-east-1"
        # --endpoint-url (checks/endpoint_session.py): the assumed roles' clients go where the caller's do.
        endpoint_url = endpoint_url or getattr(base, "endpoint_url", None)
        self._endpoint = {"endpoint_url": endpoint_url} if endpoint_url else {}
        self._base_credentials = base.get_credentials()
        self._sts = base.client("sts", region_name=self.region,
                                config=sdk_config.assume_role())
        self.routed = _RoutedCredentials()
        core = botocore.session.Session(profile=_profile(base))
        # The caller's loader already holds the service models it parsed (sts, organizations). It is used
        # while building clients (under self._lock, so 16 workers never parse ec2's 60 MB model at once).
        core.register_component("data_loader", base._session.get_component("data_loader"))
        # botocore has no public setter for a credentials *object*; assigning it is how the routed
        # credentials are attached (set_credentials() would freeze one account's keys).
        core._credentials = self.routed
        self.session = boto3.Session(botocore_session=core, region_name=self.region)
        # Every worker may use the same client at once: one pooled connection per worker, not urllib3's 10.
        self._pool_config = sdk_config.pool(max_connections)
        self._clients: dict[tuple, Any] = {}
        self._lock = threading.Lock()  # client building

    def role_arn(self, account_id: str) -> str:
        return role_arn(self.partition, account_id, self.role_name)

    def client(self, service: str, region: str, config=None):
        """The run's client for (service, region, config), built on first use (boto3 Sessions aren't
        thread-safe, so building happens under a lock; the clients themselves are)."""
        key = (service, region, config)  # Config hashes by identity: callers pass module constants
        client = self._clients.get(key)
        if client is None:
            with self._lock:
                client = self._clients.get(key)
                if client is None:
                    merged = config.merge(self._pool_config) if config is not None else self._pool_config
                    client = self.session.client(service, region_name=region, config=merged, **self._endpoint)
                    self._clients[key] = client
        return client

    def partition_for_region(self, region: str) -> str:
        with self._lock:  # the shared Session builds its endpoint resolver on first use
            return self.session.get_partition_for_region(region)

    def session_for(self, account_id: str, *, own: bool) -> AccountSession:
        """``account_id``'s session: the caller's credentials for its own account (``own``), else the audit role."""
        return self.caller_session(account_id) if own else self.assumed_session(account_id)

    def caller_session(self, account_id: str) -> AccountSession:
        """The caller's own account, on the caller's credentials."""
        return AccountSession(self, account_id, self._base_credentials)

    def assumed_session(self, account_id: str) -> AccountSession:
        """``account_id`` through the audit role; raises ClientError when AssumeRole fails.

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
        return AccountSession(self, account_id, credentials)

    def _fetcher(self, arn: str) -> Callable[[], dict]:
        params = {"RoleArn": arn, "RoleSessionName": ROLE_SESSION_NAME, "DurationSeconds": self._duration}
        if self._external_id:
            params["ExternalId"] = self._external_id

        def fetch() -> dict:
            creds = self._sts.assume_role(**params)["Credentials"]
            expiry = creds["Expiration"]
            return {
                "access_key": creds["AccessKeyId"],
                "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"],
                "expiry_time": expiry.isoformat() if isinstance(expiry, dt.datetime) else str(expiry),
            }

        return fetch


def _profile(base: "boto3.Session") -> str | None:
    """The caller's named profile, so its endpoint, CA bundle and retry settings apply to shared clients."""
    profile = base.profile_name
    available = base.available_profiles
    return profile if profile in available else None
