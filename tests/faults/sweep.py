"""The fault sweep's machinery (used by tests/faults and bench/fault_sweep.py; never by the audit).

1. ``record``: run the real audit (collect_account + evaluate; or, for an owner's guests, an organization
   run's collect_guests + evaluate_guests) against the emulator with a botocore hook
   that keeps every call and its parsed answer. The (service, operation) pairs swept are the ones this
   run made: nothing is hand-listed.
2. ``Replay``: a Session-like object whose clients answer every call from that recording (botocore's
   ``before-call`` event answers instead of the network) except calls of one chosen operation, which get
   the chosen fault. No emulator, no sleeping: a faulted run takes milliseconds.
3. ``judge``: the invariant. Each finding of a faulted run is identical to the fault-free one, or ERROR
   with a reason that names the failed API; each fault-free finding is still there, or its control has
   such an ERROR; and the run does not raise.

A fault is what botocore hands the collector after its own retries gave up: the parsed error of the last
attempt, or the exception. So "persistent throttling" is the final ThrottlingException, "read timeout"
is botocore's ReadTimeoutError; retry timing is measured in bench/, not here.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Callable

_KWARGS = "trailguard_sweep_kwargs"
FAULTS = ("denied", "throttled", "http500", "timeout", "missing-key", "wrong-type")
# An empty answer of these operations is a valid AWS answer, not a fault (so "missing-key" is skipped):
# - GetBucketLogging: "LoggingEnabled ... Presence of this element indicates that logging is enabled."
# - GetBucketVersioning: a bucket never versioned answers without Status (S3 API reference).
# - GetBucketLocation: "Buckets in Region us-east-1 have a LocationConstraint of null."
EMPTY_IS_VALID = {("s3", "GetBucketLogging"), ("s3", "GetBucketVersioning"), ("s3", "GetBucketLocation")}
# The throttling error code each service family sends (botocore's retry handler knows them all).
_THROTTLE = {"s3": ("SlowDown", 503), "s3control": ("SlowDown", 503), "ec2": ("RequestLimitExceeded", 503)}
GLOBAL_ALIASES = {"aws-global": "us-east-1"}


@dataclass
class Call:
    service: str
    operation: str
    region: str
    kwargs: str  # JSON of the caller's arguments
    status: int
    parsed: dict


def _key(service: str, operation: str, region: str, kwargs: dict) -> tuple:
    # Times in a request (LookupEvents' StartTime/EndTime: the history window ends "now") differ between the
    # recording and each replay; the call is the same call, so a time matches any time.
    kwargs = {k: "<time>" if isinstance(v, (dt.datetime, dt.date)) else v for k, v in kwargs.items()}
    # A global service's client (organizations) names its region "aws-global" when botocore resolves AWS's
    # partition endpoint, and the region it was made for behind a custom endpoint (the emulator's recording).
    region = GLOBAL_ALIASES.get(region, region)
    return service, operation, region, json.dumps(kwargs, sort_keys=True, default=str)


def _stash(params, context, **_):
    context[_KWARGS] = dict(params)


def record(session) -> list[Call]:
    """A list that fills with every call made through clients ``session`` builds from now on."""
    calls: list[Call] = []

    def keep(model, parsed, http_response, context, **_):
        key = _key(model.service_model.service_name, model.name, context.get("client_region") or "",
                   context.get(_KWARGS, {}))
        calls.append(Call(*key, http_response.status_code, copy.deepcopy(parsed)))

    session.events.register("before-parameter-build", _stash)
    # registered first, so it sees the answer before the product's own after-call check raises
    session.events.register_first("after-call", keep)
    return calls


def ops_of(calls: list[Call]) -> list[tuple[str, str]]:
    return sorted({(c.service, c.operation) for c in calls})


def _response(status: int, parsed: dict):
    from botocore.awsrequest import AWSResponse

    parsed = dict(parsed, ResponseMetadata={"HTTPStatusCode": status})
    return AWSResponse("https://sweep.invalid/", status, {}, None), parsed


def _wrong_type(value: Any) -> Any:
    if isinstance(value, bool) or isinstance(value, (int, float, dt.datetime)):
        return "unexpected"
    if isinstance(value, str):
        return 12345
    if isinstance(value, dict):
        return ["unexpected"]
    if isinstance(value, list):
        return "unexpected"
    return 12345


def fault_answer(kind: str, service: str, operation: str, recorded: dict | None):
    """What the faulted call gets: (AWSResponse, parsed) or an exception to raise."""
    from botocore.exceptions import ReadTimeoutError

    if kind == "denied":
        return _response(403, {"Error": {"Code": "AccessDenied", "Message": "injected by the fault sweep"}})
    if kind == "throttled":
        code, status = _THROTTLE.get(service, ("ThrottlingException", 400))
        return _response(status, {"Error": {"Code": code, "Message": "Rate exceeded"}})
    if kind == "http500":
        return _response(500, {"Error": {"Code": "InternalError", "Message": "injected by the fault sweep"}})
    if kind == "timeout":
        return ReadTimeoutError(endpoint_url=f"https://{service}.sweep.invalid/")
    body = {k: v for k, v in (recorded or {}).items() if k not in ("ResponseMetadata", "Error")}
    if kind == "missing-key":
        return _response(200, {})
    if kind == "wrong-type":
        return _response(200, {k: _wrong_type(v) for k, v in body.items()} or {"Unexpected": 1})
    raise ValueError(f"unknown fault {kind!r}; expected one of {', '.join(FAULTS)}")


class Replay:
    """Answers calls from a recording; ``fault = (service, operation, kind)`` faults every call of one op."""

    def __init__(self, calls: list[Call], region: str = "us-east-1") -> None:
        import boto3

        self.region_name = region
        self.answers = {(c.service, c.operation, c.region, c.kwargs): c for c in calls}
        self.fault: tuple[str, str, str] | None = None
        self.unrecorded: list[tuple] = []
        self._session = boto3.Session(region_name=region)
        self._session.events.register("before-parameter-build", _stash)
        self._session.events.register("before-call", self._answer)
        self._clients: dict[tuple, Any] = {}

    # what collect_account uses of a boto3 Session
    def client(self, service_name: str, region_name: str | None = None, config=None):
        key = (service_name, region_name or self.region_name)
        if key not in self._clients:
            self._clients[key] = self._session.client(service_name, region_name=key[1], config=config)
        return self._clients[key]

    def get_partition_for_region(self, region: str) -> str:
        return self._session.get_partition_for_region(region)

    def _answer(self, model, context, **_):
        service, operation = model.service_model.service_name, model.name
        key = _key(service, operation, context.get("client_region") or "", context.get(_KWARGS, {}))
        recorded = self.answers.get(key)
        if self.fault and self.fault[:2] == (service, operation):
            got = fault_answer(self.fault[2], service, operation, recorded.parsed if recorded else None)
            if isinstance(got, Exception):
                raise got
            return got
        if recorded is None:  # a call the fault-free run did not make: answer it as unreadable
            self.unrecorded.append(key)
            return _response(400, {"Error": {"Code": "SweepUnrecordedCall", "Message": "not recorded"}})
        return _response(recorded.status, copy.deepcopy(recorded.parsed))


@dataclass
class Outcome:
    findings: dict[tuple, tuple[str, str]] = field(default_factory=dict)  # key -> (status, reason)
    aborted: str = ""
    facts: Any = None  # the run's AccountFacts (states.py plans the archive's guests from the member's)


class VirtualClock:
    """LookupEvents' token buckets (2/s per account and region) on a clock whose sleep only advances it:
    a replayed run is paced as a real one would be, without waiting for it."""

    def __init__(self) -> None:
        import threading

        self.now = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def run_options(end: dt.datetime):
    """History options of one run: the window ending at ``end`` (the recording's instant, as every run's
    delivery ages are), its own virtual-clock pacer, and its own board, so no run inherits an organization
    trail's history published by another (each state is audited as a single account)."""
    from checks.history.options import HistoryOptions
    from checks.history.ratelimit import Pacer
    from checks.history.shared import Board

    clock = VirtualClock()
    return HistoryOptions(end=end, pacer=Pacer(clock=clock, sleep=clock.sleep), board=Board())


def audit(session, account_id: str, controls, collected_at: dt.datetime, guests=None) -> Outcome:
    """One run: the account audit (collect_account + evaluate) or, with ``guests`` (a
    checks.org_guests.Guests of ``account_id``), what an organization run does for that owner's guests
    (collect_guests + evaluate_guests, the owner's credentials reading the buckets and keys that another
    account's trail uses)."""
    from checks.collect import collect_account
    from checks.collect.guests import collect_guests
    from checks.engine import evaluate, evaluate_guests

    try:
        if guests is None:
            facts = collect_account(session, account_id=account_id, controls=controls,
                                    history=run_options(collected_at))
        else:
            facts = collect_guests(session, account_id, session.get_partition_for_region(session.region_name),
                                   buckets=guests.buckets, keys=guests.keys, controls=controls)
        facts.collected_at = collected_at  # delivery ages measured from the same instant in every run
        found = (evaluate if guests is None else evaluate_guests)(facts, controls)
    except Exception as exc:  # the invariant's third clause: a fault never aborts the run
        return Outcome(aborted=f"{type(exc).__name__}: {exc}")
    return Outcome({(f.control_id, f.account_id, f.region, f.resource): (f.status.value, f.reason) for f in found},
                   facts=facts)


@dataclass
class Verdict:
    op: tuple[str, str]
    fault: str
    unchanged: int = 0
    to_error: int = 0
    fail_other_evidence: int = 0
    violations: list[str] = field(default_factory=list)


def judge(op: tuple[str, str], fault: str, base: Outcome, got: Outcome) -> Verdict:
    api = f"{op[0]}:{op[1]}"
    v = Verdict(op, fault)
    if got.aborted:
        v.violations.append(f"{api} {fault}: the run aborted: {got.aborted}")
        return v
    errored_controls = {k[0] for k, (status, reason) in got.findings.items() if status == "ERROR" and api in reason}
    for key, (status, reason) in got.findings.items():
        if base.findings.get(key) == (status, reason):
            v.unchanged += 1
        elif status == "ERROR" and api in reason:
            v.to_error += 1
        elif status == "FAIL" and base.findings.get(key, ("",))[0] == "FAIL":
            v.fail_other_evidence += 1  # still FAIL, proven by another answer (e.g. PolicyStatus without the policy)
        else:
            was = base.findings.get(key, ("absent", ""))[0]
            v.violations.append(f"{api} {fault}: {key[0]} {key[3]}: {was} -> {status}: {reason}")
    for key, (status, _) in base.findings.items():
        if key not in got.findings and key[0] not in errored_controls:
            v.violations.append(f"{api} {fault}: {key[0]} {key[3]}: {status} -> absent")
    return v


def sweep(calls: list[Call], account_id: str, controls, collected_at: dt.datetime,
          faults=FAULTS, on_verdict: Callable[[Verdict], None] | None = None,
          guests=None) -> tuple[Outcome, list[Verdict]]:
    """Every recorded operation x every fault class, judged against the replayed fault-free run
    (of :func:`audit`; ``guests``: the guest run of an organization's owner instead of the account audit)."""
    replay = Replay(calls)
    base = audit(replay, account_id, controls, collected_at, guests)
    verdicts = []
    for op in ops_of(calls):
        for fault in faults:
            if fault == "missing-key" and op in EMPTY_IS_VALID:
                continue
            replay.fault = (*op, fault)
            verdict = judge(op, fault, base, audit(replay, account_id, controls, collected_at, guests))
            verdicts.append(verdict)
            if on_verdict:
                on_verdict(verdict)
    replay.fault = None
    return base, verdicts
