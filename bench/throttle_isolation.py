"""Does persistent throttling in one account slow the rest of an organization run down? (issue 12, item 5)

    .venv/bin/python bench/throttle_isolation.py [--members 15] [--workers 8]

moto in process: an organization (management account with a logging organization trail, members with a
trail of their own). For each operation the audit calls (recorded from a throttle-free run: the sweep's
"throttled" rows), one member ("the victim") gets that operation throttled on every attempt at the HTTP
layer (botocore's ``before-send``, so botocore's real retry handler backs off and retries: 4 attempts in
all). Printed per operation: the run's wall time, the victim's audit time, the slowest other account's
audit time, and the same two without throttling. Isolation holds when the others' time does not grow.
cloudwatch (CBOR protocol) is not throttled here.
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from testkit.env import install_fake_credentials  # noqa: E402

install_fake_credentials()

_BODIES = {
    "json": (400, b'{"__type":"ThrottlingException","message":"Rate exceeded"}'),
    "rest-xml": (503, b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"),
    "ec2": (503, b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded."
                 b"</Message></Error></Errors><RequestID>x</RequestID></Response>"),
    "query": (400, b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded"
                   b"</Message></Error><RequestId>x</RequestId></ErrorResponse>"),
}


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_):
        yield self.body


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=15)
    ap.add_argument("--workers", type=int, default=8)
    args = ap.parse_args()

    import boto3
    from botocore.awsrequest import AWSResponse
    from moto import mock_aws

    from checks import org
    from checks.catalog import all_controls
    from checks.org_sessions import SessionFactory
    from testkit.org import create_trail, member_session, seed_organization

    controls = [c for c in all_controls() if "live" in c.targets]
    state = {"victim": None, "op": None, "ops": set(), "attempts": 0}
    durations: dict[str, float] = {}
    lock = threading.Lock()

    class Factory(SessionFactory):
        def __init__(self, *a, **kw) -> None:
            super().__init__(*a, **kw)
            self.session.events.register_first("before-send", self._throttle)
            self.session.events.register("before-call", self._seen)

        def _account(self):
            active = getattr(self.routed._local, "active", None)
            return active[0] if active else None

        def _seen(self, model, **_):
            with lock:
                state["ops"].add((model.service_model.service_name, model.name))

        def _throttle(self, request, event_name, **_):
            _, service_id, op = event_name.split(".", 2)
            if self._account() != state["victim"] or state["op"] != (service_id, op):
                return None
            protocol = self.session._session.get_service_model(_service(service_id)).protocol
            if protocol not in _BODIES:
                return None
            status, body = _BODIES[protocol]
            with lock:
                state["attempts"] += 1
            headers = {"Content-Type": "application/x-amz-json-1.1" if protocol == "json" else "text/xml"}
            return AWSResponse(request.url, status, headers, _Raw(body))

    from checks.collect import collect_account

    def timed_collect(session, account_id, ctrls):
        start = time.perf_counter()
        try:
            return collect_account(session, account_id=account_id, controls=ctrls)
        finally:
            with lock:
                durations[account_id] = time.perf_counter() - start

    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, members = seed_organization(session, args.members)
        create_trail(session, "org-trail", "org-trail-logs", organization=True)
        for i, m in enumerate(members):
            create_trail(member_session(session, m), f"own-{i}", f"own-trail-{m}")
        victim = members[len(members) // 2]

        def run(op):
            state.update(victim=victim, op=op, attempts=0)
            durations.clear()
            start = time.perf_counter()
            org.audit_organization(session, controls, workers=args.workers, session_factory=Factory,
                                   collect=timed_collect)
            wall = time.perf_counter() - start
            others = max(d for a, d in durations.items() if a != victim)
            return wall, durations.get(victim, 0.0), others, state["attempts"]

        run(None)  # warm-up (moto's routers, botocore models)
        base = run(None)
        print(f"{args.members + 1} accounts, {args.workers} workers; victim {victim}; "
              f"no throttling: wall {base[0]:.2f} s, victim {base[1]:.2f} s, slowest other {base[2]:.2f} s\n")
        print("| throttled operation (victim only) | attempts | wall s | victim s | slowest other s |")
        print("|---|---|---|---|---|")
        worst_other = 0.0
        for op in sorted(state["ops"]):
            if op[0] in ("sts", "organizations"):
                continue  # run-level calls, not the victim's
            wall, mine, others, attempts = run(op)
            if not attempts:
                continue
            worst_other = max(worst_other, others)
            print(f"| {op[0]}:{op[1]} | {attempts} | {wall:.2f} | {mine:.2f} | {others:.2f} |")
        print(f"\nSlowest other account under any victim throttling: {worst_other:.2f} s "
              f"(no throttling: {base[2]:.2f} s).")
    return 0


def _service(service_id: str) -> str:
    return {"cloudtrail": "cloudtrail", "s3": "s3", "s3-control": "s3control", "ec2": "ec2", "kms": "kms",
            "cloudwatch-logs": "logs", "sns": "sns", "cloudwatch": "cloudwatch"}.get(service_id, service_id)


if __name__ == "__main__":
    raise SystemExit(main())
