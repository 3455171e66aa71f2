"""Record the benchmark organization's answers from moto once, for the replay backend (issue 16 item 2).

    python bench/replay_record.py --accounts 1000 --regions 4 --out /tmp/replay-1000-4.pickle

moto runs in this process (``mock_aws``) with the sandbox's patches - the shadow organization trail
members see (sandbox/shadow_trails.py) and the memoized lookups (sandbox/moto_cache.py) -
and a wrapper of its request handler that, once the organization is seeded, stores every answer under
the call's key (bench/replay_common.py: a virtual-hosted S3 request here keys as the path-style request
the replay's IP endpoint gets). In process, not behind moto's HTTP server: werkzeug cost ~5 ms of CPU per
call, which made a 10,000-account recording take hours on a loaded 2-core machine. The audit that is recorded is the benchmark's own (bench/org_world.py: same
world, same controls, same hooks), so a replayed run makes exactly the recorded calls. Its findings are
returned too: they are the moto-backed findings the replay must reproduce.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from urllib.parse import urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import replay_common  # noqa: E402
from org_world import Meter, fake_env, findings_digest, live_controls, metered_factory, seed_world  # noqa: E402


class Recorder:
    """Wraps moto's in-process request handler (mock_aws): while ``on``, stores (status, headers, body) by key."""

    def __init__(self, default_account: str) -> None:
        self.default = default_account
        self.on = False
        self.lock = threading.Lock()
        self.answers: dict = {}
        self.keymap: dict[str, str] = {}
        self.conflicts = 0

    def install(self) -> None:
        from moto.core.botocore_stubber import BotocoreStubber

        original = BotocoreStubber.process_request
        recorder = self

        def process_request(stub, request):
            response = original(stub, request)
            if recorder.on and response is not None:
                recorder.store(request, response)
            return response

        BotocoreStubber.process_request = process_request

    def store(self, request, response) -> None:
        from moto.iam import models as iam_models

        url = urlsplit(request.url)
        target = (url.path or "/") + (f"?{url.query}" if url.query else "")
        headers = {k.lower().encode(): v if isinstance(v, bytes) else str(v).encode("latin-1")
                   for k, v in request.headers.items()}
        headers[b"host"] = url.netloc.encode()
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else body if isinstance(body, bytes) else body.read()
        akid, _, _ = replay_common.scope(headers.get(b"authorization", b""))
        if akid and akid not in self.keymap:
            account = iam_models.get_account_id_from(akid)  # what moto answers for this key: the same mapping
            with self.lock:
                self.keymap[akid] = account
        key = replay_common.call_key(request.method.encode(), target.encode("latin-1"), headers, body, self.keymap,
                                     self.default)
        status, response_headers, payload = response
        payload = payload.encode() if isinstance(payload, str) else bytes(payload or b"")
        answer = (int(status), [(str(k), str(v)) for k, v in dict(response_headers).items() if k != "status"],
                  payload)
        with self.lock:
            previous = self.answers.get(key)
            if previous is not None and previous[::2] != answer[::2]:
                self.conflicts += 1  # one call, two answers: the audit changed something (it must not)
            self.answers[key] = answer


def record(members: int, regions: int, out: str, workers: int = 16) -> dict:
    """Seed ``members`` member accounts in moto, record the audit of the organization into ``out``.
    Returns the moto-backed run's findings digest and the recording's figures."""
    fake_env()
    from moto.core import DEFAULT_ACCOUNT_ID

    from sandbox.emulator import _patch_moto
    from sandbox.moto_cache import install

    _patch_moto()  # shadow organization trails (server side, as AWS shows them), logging fixes
    install()
    from moto import mock_aws

    recorder = Recorder(DEFAULT_ACCOUNT_ID)
    recorder.install()
    with mock_aws():
        import boto3

        from testkit.org import deny_assume_role

        started = time.perf_counter()
        world = seed_world(boto3.Session(region_name="us-east-1"), members)
        seeded = time.perf_counter() - started
        meter = Meter(0.0, regions)
        session = boto3.Session(region_name="us-east-1")
        meter.install(session)
        deny_assume_role(session, world.denied)

        Factory = metered_factory(meter)
        from checks import org

        recorder.on = True
        started = time.perf_counter()
        run = org.audit_organization(session, live_controls(), workers=workers, session_factory=Factory)
        audited = time.perf_counter() - started
        recorder.on = False
    meta = {"members": members, "regions": regions, "denied": world.denied, "management": world.management,
            "answers": len(recorder.answers), "calls": sum(meter.calls.values()), "conflicts": recorder.conflicts,
            "seed_s": round(seeded, 1), "record_s": round(audited, 1)}
    replay_common.save(out, {**meta, "default_account": DEFAULT_ACCOUNT_ID, "keymap": recorder.keymap,
                             "answers": recorder.answers})
    with open(out + ".json", "w") as fh:  # what a replayed run needs, without loading the answers
        json.dump(meta, fh)
    return {"digest": findings_digest(run), "answers": len(recorder.answers), "conflicts": recorder.conflicts,
            "calls": sum(meter.calls.values()), "seed_s": round(seeded, 1), "record_s": round(audited, 1),
            "management": world.management, "denied": world.denied}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--accounts", type=int, required=True, help="member accounts (the management account on top)")
    p.add_argument("--regions", type=int, default=4)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    result = record(args.accounts, args.regions, args.out)
    print({k: v for k, v in result.items() if k not in ("digest", "denied")})


if __name__ == "__main__":
    main()
