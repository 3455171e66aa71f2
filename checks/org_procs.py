"""``audit --org --processes N``: the organization's accounts over N processes, each running the threaded pool.

Why processes: at scale an organization audit is CPU-bound in botocore (serialising, signing, parsing),
and CPython threads share one core for it. N processes use N cores.

How (checks/org.py stays the one place that decides what a run reports):

- The parent makes the run-level calls (identity, organization, account list) and the selection once.
- Account ``a`` goes to process ``shard_of(a, N)`` (checks/org_shard.py: the jump hash ``--shard K/N``
  uses, so where an account is audited depends on nothing but its id and N).
- Each process builds its OWN boto3 Session and SessionFactory from a small picklable description of the
  caller's session (profile, region, and only for credentials given explicitly to the Session, their
  values), resolves and refreshes credentials itself, runs ``org._run_pool`` over its accounts and
  ``org._evaluate_all`` over its outcomes. No botocore object crosses a process boundary.
- The parent joins the outcomes and finishes the run exactly as the single-process run does; bucket
  owners that another process's account owns are named from every account's ownership evidence with
  ``checks.org_owners.name_owners``, the function ``trailguard merge`` uses to join ``--shard`` reports.
  So the report is byte-identical to ``--processes 1`` (tests/checks/test_org_processes.py).
- Progress stays one bar: children send one message per finished account over their pipe, and the
  parent advances its own Progress.
- Processes are started with "spawn" (a fresh interpreter: forking a process that runs threads is
  unsafe). Children ignore SIGINT; on Ctrl-C (or any failure) the parent terminates and reaps every child
  before the KeyboardInterrupt goes on, so no process is left behind and no report is written.
"""
from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import boto3

    from checks.catalog import Control
    from checks.org import _Outcome
    from checks.progress import Progress

# Starting a process costs about 1.2 s of CPU (a fresh interpreter importing boto3 and the collectors,
# parsing service models, building clients), what auditing some 50 accounts costs; below this many
# accounts per process, fewer processes finish sooner.
MIN_ACCOUNTS_PER_PROCESS = 100
MAX_PROCESSES = 64
_JOIN_TIMEOUT_S = 5.0


def available_cores() -> int:
    """CPUs this process may run on (the affinity mask, not the machine's total), at least 1."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if count is not None:
        return max(1, count() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def choose_processes(processes: int | None, accounts: int, cores: int | None = None) -> int:
    """The process count for ``accounts`` accounts: ``processes`` when given (1 keeps the single-process
    path), else the cores available (``cores``; None: available_cores()), but no more than one per
    MIN_ACCOUNTS_PER_PROCESS accounts."""
    if processes is not None:
        if isinstance(processes, bool) or not isinstance(processes, int) or not 1 <= processes <= MAX_PROCESSES:
            raise ValueError(f"processes: {processes!r} is not a whole number from 1 to {MAX_PROCESSES}.")
        return processes
    return max(1, min(cores or available_cores(), accounts // MIN_ACCOUNTS_PER_PROCESS))


@dataclass(frozen=True)
class SessionSpec:
    """What a child needs to build its own Session: the caller's profile and region, and the key values
    only when they were passed to the Session explicitly (nothing a child could resolve by itself)."""

    profile: str | None
    region: str
    explicit: tuple[str, str, str | None] | None = None

    @classmethod
    def of(cls, session: "boto3.Session") -> "SessionSpec":
        from checks.org_sessions import _profile

        creds = session.get_credentials()
        explicit = None
        if creds is not None and getattr(creds, "method", "") == "explicit":
            frozen = creds.get_frozen_credentials()
            explicit = (frozen.access_key, frozen.secret_key, frozen.token)
        return cls(_profile(session), session.region_name or "us-east-1", explicit)

    def session(self) -> "boto3.Session":
        import boto3

        keys = {}
        if self.explicit is not None:
            keys = dict(zip(("aws_access_key_id", "aws_secret_access_key", "aws_session_token"), self.explicit))
        return boto3.Session(profile_name=self.profile, region_name=self.region, **keys)

    def __repr__(self) -> str:  # never show key values in a traceback
        return f"SessionSpec(profile={self.profile!r}, region={self.region!r}, explicit={self.explicit is not None})"


@dataclass(frozen=True)
class _Job:
    """One child's work; everything in it pickles (controls are catalog dataclasses)."""

    spec: SessionSpec
    accounts: tuple[str, ...]
    caller: str
    partition: str
    controls: tuple
    role_name: str
    external_id: str | None
    workers: int
    tag_keys: tuple[str, ...]
    account_timeout: float | None
    session_factory: Callable[..., Any]
    collect: Callable[..., Any] | None = None  # checks.org's collect=/evaluate=: None, or importable by name
    evaluate: Callable[..., Any] | None = None


class _PipeProgress:
    """The child's Progress: one ("advance", account, error) message per finished account."""

    def __init__(self, conn) -> None:
        self._conn = conn

    def start(self, total: int) -> None:
        pass

    def advance(self, account_id: str, *, error: bool = False) -> None:
        self._conn.send(("advance", account_id, error))

    def finish(self) -> None:
        pass


def _child(job: _Job, conn) -> None:
    """Entry point of a child process: audit ``job.accounts``, send the evaluated outcomes, exit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when everybody stops
    try:
        from checks import org

        from checks.collect.slim_models import use_slim_models

        session = job.spec.session()
        use_slim_models(session)  # the child's own Session (checks/collect/slim_models.py)
        factory = job.session_factory(session, role_name=job.role_name, partition=job.partition,
                                      external_id=job.external_id, max_connections=job.workers)
        outcomes = org._run_pool(factory, job.accounts, caller=job.caller, controls=job.controls,
                                 tag_keys=job.tag_keys, external_id=job.external_id, workers=job.workers,
                                 progress=_PipeProgress(conn), account_timeout=job.account_timeout,
                                 collect=job.collect)
        org._evaluate_all(outcomes, job.controls, job.external_id, job.tag_keys, evaluate=job.evaluate)
        conn.send(("done", outcomes))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        try:
            conn.send(("failed", exc))
        except Exception:  # an exception that does not pickle: its text will do
            conn.send(("failed", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        conn.close()


class ProcessFailed(RuntimeError):
    """A child process ended without reporting its accounts (killed, out of memory)."""


def run_in_processes(session: "boto3.Session", chosen: Sequence[str], processes: int, *, caller: str,
                     partition: str, controls: Sequence["Control"], role_name: str, external_id: str | None,
                     workers: int, tag_keys: tuple[str, ...], account_timeout: float | None,
                     session_factory: Callable[..., Any], progress: "Progress",
                     collect: Callable[..., Any] | None = None, evaluate: Callable[..., Any] | None = None
                     ) -> list["_Outcome"]:
    """The evaluated outcomes of ``chosen`` audited by ``processes`` processes, owners named across them."""
    import multiprocessing
    from multiprocessing.connection import wait

    from checks.org_owners import name_owners
    from checks.org_shard import shard_of

    shards: dict[int, list[str]] = {}
    for account in chosen:
        shards.setdefault(shard_of(account, processes), []).append(account)
    spec = SessionSpec.of(session)
    ctx = multiprocessing.get_context("spawn")
    progress.start(len(chosen))
    children, readers, outcomes = [], {}, []
    try:
        for index in sorted(shards):
            job = _Job(spec, tuple(shards[index]), caller, partition, tuple(controls), role_name, external_id,
                       workers, tag_keys, account_timeout, session_factory, collect, evaluate)
            reader, writer = ctx.Pipe(duplex=False)
            child = ctx.Process(target=_child, args=(job, writer), name=f"trailguard-org-{index}", daemon=True)
            child.start()
            writer.close()  # the child holds the write end; EOF here means it is gone
            children.append(child)
            readers[reader] = index
        while readers:
            for reader in wait(list(readers)):
                try:
                    message = reader.recv()
                except EOFError:
                    raise ProcessFailed(f"audit process {readers[reader]} of {len(shards)} ended without "
                                        "reporting its accounts; nothing was reported.") from None
                if message[0] == "advance":
                    progress.advance(message[1], error=message[2])
                elif message[0] == "done":
                    outcomes.extend(message[1])
                    del readers[reader]
                    reader.close()
                else:
                    raise message[1]
        for child in children:
            child.join()
    finally:
        _stop(children)
    progress.finish()
    evidence = {o.account_id: o.ownership for o in outcomes if o.ownership}
    named = iter(name_owners((f for o in outcomes for f in o.findings), evidence))  # one pass, not one per account
    for o in outcomes:
        o.findings = [next(named) for _ in o.findings]
    return outcomes


def _stop(children) -> None:
    """Terminate (SIGTERM) every child still running and reap them all, killing any that lingers."""
    for child in children:
        if child.is_alive():
            child.terminate()
    for child in children:
        child.join(_JOIN_TIMEOUT_S)
        if child.is_alive():
            child.kill()
            child.join()
