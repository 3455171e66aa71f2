"""The local AWS emulator: moto's server in a thread of this process, on 127.0.0.1 and a free port.

`Emulator` is a context manager; leaving it (normally, on an exception or on Ctrl-C) stops the
server, so the demo and the tests never leave a listener behind.
"""
from __future__ import annotations

import json
import urllib.request

_PATCHED = False


def _patch_moto() -> None:
    """Work around moto 5.2 bugs the hardened stack trips over; each patch keeps AWS's behaviour.

    PutBucketLogging: moto checks the target bucket's policy for the S3 logging service principal but
    assumes every statement's Principal is a dict, and answers 500 when one is "*" (our deny-insecure-
    transport statement). AWS accepts such a policy; skipping non-dict principals keeps moto's check.
    """
    global _PATCHED
    if _PATCHED:
        return
    from moto.s3.models import FakeBucket

    original = FakeBucket._log_permissions_enabled_policy

    def tolerant(target_bucket, target_prefix):
        policy = target_bucket.policy
        if not policy:
            return False
        doc = json.loads(policy.decode() if isinstance(policy, bytes) else policy)
        statements = doc.get("Statement", [])
        statements = [statements] if isinstance(statements, dict) else statements
        kept = [s for s in statements if isinstance(s.get("Principal", {}), dict)]
        saved = target_bucket.policy
        target_bucket.policy = json.dumps({**doc, "Statement": kept}).encode()
        try:
            return original(target_bucket, target_prefix)
        finally:
            target_bucket.policy = saved

    FakeBucket._log_permissions_enabled_policy = staticmethod(tolerant)
    from sandbox import logs_compat

    logs_compat.apply()
    from sandbox.shadow_trails import patch_cloudtrail

    patch_cloudtrail()  # ListTrails across Regions, and organization trails shadowed in member accounts
    from sandbox import moto_cache

    moto_cache.install()  # the access-key -> account lookup, memoized (issue 16): O(1) instead of O(accounts)
    _PATCHED = True


class Emulator:
    """moto's ThreadedMotoServer with the compatibility patches; `endpoint_url` once started."""

    def __init__(self, *, quiet: bool = True) -> None:
        self.endpoint_url = ""
        self._server = None
        self._quiet = quiet

    def start(self) -> "Emulator":
        from testkit.moto import start_server

        _patch_moto()
        from sandbox import publickeys, s3policy, trail_history

        publickeys.install()  # ListPublicKeys, which moto lacks (trailguard verify, aws cloudtrail validate-logs)
        s3policy.install()  # bucket-policy conditions evaluated as AWS does for object Gets/Puts
        trail_history.install()  # LookupEvents and Lake: moto has neither
        self._server, self.endpoint_url = start_server(quiet=self._quiet)
        return self

    def reset(self) -> None:
        """Forget every resource in every account (moto's reset API); the server keeps running."""
        req = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(req, timeout=30) as resp:
            resp.read()

    def stop(self) -> None:
        if self._server is not None:
            server, self._server = self._server, None
            server.stop()

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
