"""The emulator behind a keep-alive HTTP/1.1 server, as AWS's endpoints are (for benchmarks).

moto's ThreadedMotoServer runs Werkzeug's development server, which answers every request with
``Connection: close`` (Werkzeug disables keep-alive on purpose: its server cannot drain a request body
before the next request line). So every call pays a new TCP connection on both sides, and the server
starts a new thread per connection. S3 and CloudTrail keep HTTP/1.1 connections open, and botocore
reuses them from its urllib3 pool, so a client that makes thousands of small Gets (``trailguard verify``,
``aws cloudtrail validate-logs``) is measured against a cost AWS does not charge, and on a small machine
the emulator's extra CPU competes with the client's.

``KeepAliveEmulator`` starts the usual emulator (moto's patches and the ListPublicKeys/LookupEvents
hooks are applied by ``Emulator.start``) and serves the same WSGI application through cheroot, a
maintained pure-Python HTTP/1.1 server with persistent connections and a fixed worker-thread pool;
``endpoint_url`` points there. The Werkzeug listener stays up, unused, so nothing of ``Emulator`` changes.
"""
from __future__ import annotations

import threading

from sandbox.emulator import Emulator


class KeepAliveEmulator(Emulator):
    """``Emulator`` whose endpoint keeps connections open; ``threads`` requests are served at once."""

    def __init__(self, *, quiet: bool = True, threads: int = 32) -> None:
        super().__init__(quiet=quiet)
        self._threads = threads
        self._cheroot = None
        self._thread: threading.Thread | None = None

    def _app(self, environ, start_response):
        # read the Werkzeug server's app on every request, so a wrapper installed on it later (the
        # benchmarks' injected latency) applies here too
        return self._server._server.app(environ, start_response)

    def start(self) -> "KeepAliveEmulator":
        from cheroot import wsgi

        super().start()
        server = wsgi.Server(("127.0.0.1", 0), self._app, numthreads=self._threads, request_queue_size=64)
        server.prepare()  # binds: the real port is known from here
        self._cheroot = server
        self._thread = threading.Thread(target=server.serve, name="emulator-keepalive", daemon=True)
        self._thread.start()
        host, port = server.bind_addr[:2]
        self.endpoint_url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        if self._cheroot is not None:
            server, self._cheroot = self._cheroot, None
            server.stop()
            if self._thread is not None:
                self._thread.join(timeout=10)
        super().stop()
