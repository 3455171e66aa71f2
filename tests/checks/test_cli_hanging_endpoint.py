"""An endpoint that accepts connections and never answers ends an --org run with exit 2 and one line
(before: 301 s of retries). The bound itself (2 attempts x 5 s read timeout) is in docs/audit.md."""
from __future__ import annotations

import socket
import threading

from checks.cli import main


def test_org_run_against_a_hanging_endpoint_exits_2_naming_it(capsys):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []

    def accept_and_hold():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept_and_hold, daemon=True).start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}"
    try:
        assert main(["audit", "--org", "--endpoint-url", url]) == 2
    finally:
        server.close()
        for conn in held:
            conn.close()
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"trailguard: error: {url}/ did not answer (read timeout, 2 attempts): check --endpoint-url / "
                   "AWS_ENDPOINT_URL."]
