"""moto's server on a free loopback port: the one starter tests/e2e, bench/ and sandbox/emulator.py use."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator


def start_server(*, quiet: bool = False):
    """Start ThreadedMotoServer on 127.0.0.1 (port chosen by the OS); returns (server, endpoint URL).

    ``quiet`` silences werkzeug's line per request (expected 404s would drown a demo's output)."""
    from moto.server import ThreadedMotoServer

    if quiet:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


@contextmanager
def moto_server(*, quiet: bool = False) -> Iterator[str]:
    """``with moto_server() as url:`` a running server, stopped on exit."""
    server, url = start_server(quiet=quiet)
    try:
        yield url
    finally:
        server.stop()
