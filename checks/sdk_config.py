"""Every botocore Config trailguard's AWS clients use: retries, timeouts, connection pools, validation.

One place, so a retry budget or a timeout is changed once and documented once (docs/audit.md explains
the budgets to users). botocore is imported inside the functions: the CLI imports modules that import
this one at start-up. Each Config is built once and then reused (``functools.cache``): an organization
run keys its shared clients by Config identity (checks/org_sessions.py), so the same object must come
back every time.

botocore's ``retries`` dict: ``total_max_attempts`` counts the first attempt, ``max_attempts`` counts only
the retries (botocore "Retries" guide); only total_max_attempts is used here. Modes: "standard"
(exponential backoff with jitter) everywhere but verify; not "adaptive" for collection, because its
client-side rate limiter lives in the client, and an organization run shares one client per service and
region among all accounts, so one throttled account would slow every other account down.
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from botocore.config import Config

# Collection (checks/collect): per call, 5 s to connect, 20 s to read, 4 attempts in all.
CONNECT_TIMEOUT_S, READ_TIMEOUT_S, TOTAL_ATTEMPTS = 5, 20, 4
# sts:GetCallerIdentity before a run only proves credentials and endpoint: a dead or hanging endpoint must
# end the run in seconds (at most 2 x 10 s plus backoff), not after a collection's retry budget.
IDENTITY_ATTEMPTS, IDENTITY_TIMEOUT_S = 2, 5
# Run-level Organizations calls (DescribeOrganization, ListAccounts): 3 attempts, 5 s connect, 10 s read.
RUN_ATTEMPTS, RUN_READ_TIMEOUT_S = 3, 10
# sts:AssumeRole into each member (org runs): 5 attempts in all (botocore's default timeouts).
ASSUME_ROLE_ATTEMPTS = 5
# Verify (checks/verify): many GetObject calls on one bucket; adaptive retries slow the client down when S3
# answers SlowDown, which is what a single-bucket reader wants. 9 attempts in all.
VERIFY_ATTEMPTS = 9
DEFAULT_POOL = 10  # urllib3's default connections per client; pools grow to the worker count, never shrink


def _config(**kwargs) -> "Config":
    from botocore.config import Config

    return Config(**kwargs)


@functools.cache
def collect() -> "Config":
    """Every collector call (checks/collect/clients.py)."""
    return _config(retries={"mode": "standard", "total_max_attempts": TOTAL_ATTEMPTS},
                   connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S)


@functools.cache
def identity() -> "Config":
    """sts:GetCallerIdentity before a run (checks/audit.py, checks/org.py)."""
    return _config(retries={"mode": "standard", "total_max_attempts": IDENTITY_ATTEMPTS},
                   connect_timeout=IDENTITY_TIMEOUT_S, read_timeout=IDENTITY_TIMEOUT_S)


@functools.cache
def run_level() -> "Config":
    """Organizations calls that decide whether an organization run can start (checks/org.py)."""
    return _config(retries={"mode": "standard", "total_max_attempts": RUN_ATTEMPTS},
                   connect_timeout=CONNECT_TIMEOUT_S, read_timeout=RUN_READ_TIMEOUT_S)


@functools.cache
def assume_role() -> "Config":
    """The organization run's STS client for AssumeRole (checks/org_sessions.py)."""
    return _config(retries={"mode": "standard", "total_max_attempts": ASSUME_ROLE_ATTEMPTS})


@functools.cache
def pool(connections: int) -> "Config":
    """A connection pool of ``connections`` (at least DEFAULT_POOL), merged over a call config when a client
    is shared by that many threads."""
    return _config(max_pool_connections=max(DEFAULT_POOL, connections))


def verify(workers: int) -> "Config":
    """Verify's S3/CloudTrail clients: adaptive retries and a pool for ``workers`` threads plus two."""
    return _config(retries={"mode": "adaptive", "total_max_attempts": VERIFY_ATTEMPTS},
                   max_pool_connections=max(DEFAULT_POOL, workers + 2))
