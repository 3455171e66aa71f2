"""Record the benchmark organization's answers from moto once, for the replay backend (issue 16 item 2).

    python bench/replay_record.py --accounts 1000 --regions 4 --out /tmp/replay-1000-4.pickle

moto runs in this process as an HTTP server (werkzeug, threaded) with the sandbox's patches - the shadow
organization trail members see (checks/sandbox/shadow_trails.py) and the memoized access-key lookup - and
a WSGI layer in front of it that, once the organization is seeded, stores every answer under the call's
key (bench/replay_common.py). The audit that is recorded is the benchmark's own (bench/org_world.py: same
world, same controls, same hooks), so a replayed run makes exactly the recorded calls. Its findings are
returned too: they are the moto-backed findings the replay must reproduce.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import replay_common  # noqa: E402
from org_world import Meter, attribute_calls, fake_env, findings_digest, live_controls, seed_world  # noqa: E402


class Recorder:
    """WSGI middleware: passes every request to moto; while ``on``, stores (status, headers, body) by key."""

    def __init__(self, app, default_account: str) -> None:
        self.app, self.default = app, default_account
        self.on = False
        self.lock = threading.Lock()
        self.answers: dict = {}
        self.keymap: dict[str, str] = {}
        self.conflicts = 0

    def __call__(self, environ, start_response):
        if not self.on:
            return self.app(environ, start_response)
        from moto.iam import models as iam_models

        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        headers = {k[5:].replace("_", "-").lower().encode(): v.encode("latin-1")
                   for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers[b"content-type"] = environ["CONTENT_TYPE"].encode("latin-1")
        akid, _, _ = replay_common.scope(headers.get(b"authorization", b""))
        if akid and akid not in self.keymap:
            account = iam_models.get_account_id_from(akid)  # what moto answers for this key: the same mapping
            with self.lock:
                self.keymap[akid] = account
        target = (environ.get("RAW_URI") or environ.get("PATH_INFO", "/")).encode("latin-1")
        key = replay_common.call_key(environ["REQUEST_METHOD"].encode(), target, headers, body, self.keymap,
                                     self.default)
        captured: dict = {}

        def capture(status, response_headers, exc_info=None):
            captured["status"], captured["headers"] = int(status.split()[0]), list(response_headers)
            return start_response(status, response_headers, exc_info)

        result = self.app(environ, capture)
        try:
            payload = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        answer = (captured["status"], captured["headers"], payload)
        with self.lock:
            previous = self.answers.get(key)
            if previous is not None and previous[::2] != answer[::2]:
                self.conflicts += 1  # one call, two answers: the audit changed something (it must not)
            self.answers[key] = answer
        return [payload]


def _serve(recorder) -> tuple:
    import logging

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    recorder.app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, recorder, threaded=True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def record(members: int, regions: int, out: str, workers: int = 16) -> dict:
    """Seed ``members`` member accounts in moto, record the audit of the organization into ``out``.
    Returns the moto-backed run's findings digest and the recording's figures."""
    fake_env()
    from moto.core import DEFAULT_ACCOUNT_ID

    from checks.sandbox.emulator import _patch_moto
    from checks.sandbox.moto_cache import install

    _patch_moto()  # shadow organization trails (server side, as AWS shows them), logging fixes
    install()
    from moto import mock_aws

    recorder = Recorder(None, DEFAULT_ACCOUNT_ID)
    with mock_aws():  # seeded in process (no HTTP: 3-4x faster at 1,000 members); the server shares the state
        import boto3

        from checks.org_sessions import SessionFactory
        from checks.org_testing import deny_assume_role

        started = time.perf_counter()
        world = seed_world(boto3.Session(region_name="us-east-1"), members)
        seeded = time.perf_counter() - started
        server, thread = _serve(recorder)
        os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            meter = Meter(0.0, regions)
            session = boto3.Session(region_name="us-east-1")
            meter.install(session)
            deny_assume_role(session, world.denied)

            class Factory(SessionFactory):
                def __init__(self, *args, **kwargs):
                    super().__init__(*args, **kwargs)
                    meter.install(self.session)

            attribute_calls(meter)
            from checks import org

            recorder.on = True
            started = time.perf_counter()
            run = org.audit_organization(session, live_controls(), workers=workers, session_factory=Factory)
            audited = time.perf_counter() - started
            recorder.on = False
        finally:
            os.environ.pop("AWS_ENDPOINT_URL", None)
            server.shutdown()
            thread.join()
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
