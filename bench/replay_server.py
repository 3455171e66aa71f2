"""The replay backend's server: recorded AWS answers over HTTP/1.1, after an injected latency (issue 16 item 2).

    python bench/replay_server.py --recording FILE [--latency 0.05] [--port 0]

Runs in its own process (the benchmark starts it), so its CPU is not the audit's: AWS does its work on
other machines. One asyncio loop, keep-alive connections, no framework: per call it parses the request
line and headers, reads the body, computes the call's key (bench/replay_common.py), sleeps the latency
without holding anything, and writes the recorded status, headers and body. A call that was never
recorded answers 599 with the key in the body and is counted as a miss (the benchmark reports misses;
a run with misses is not a measurement).

Protocol with the parent: the first line on stdout is the port; then, for every line read on stdin, one
JSON line ``{"cpu_s", "calls", "misses"}`` (this process's CPU seconds and counters so far).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from replay_common import DROPPED_RESPONSE_HEADERS, call_key, load  # noqa: E402

_EXPIRATION = re.compile(rb"<Expiration>[^<]*</Expiration>")
REASONS = {200: b"OK", 204: b"No Content", 400: b"Bad Request", 403: b"Forbidden", 404: b"Not Found",
           409: b"Conflict", 500: b"Internal Server Error", 599: b"Not Recorded"}


class Replay:
    def __init__(self, recording: dict, latency: float) -> None:
        self.keymap, self.default = recording["keymap"], recording["default_account"]
        self.latency = latency
        self.calls = self.misses = 0
        self.answers = {}
        # AssumeRole's credentials expire (1 h after recording): a replay hours later must hand out live
        # ones, or botocore refreshes them - calls AssumeRole again - before every request
        expiration = b"<Expiration>%s</Expiration>" % time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                    time.gmtime(time.time() + 12 * 3600)).encode()
        for key, (status, headers, body) in recording["answers"].items():  # pre-rendered: no work per call
            if b"<Expiration>" in body:
                body = _EXPIRATION.sub(expiration, body)
            head = [b"HTTP/1.1 %d %s\r\n" % (status, REASONS.get(status, b"Status"))]
            head += [f"{k}: {v}\r\n".encode("latin-1") for k, v in headers if k.lower() not in DROPPED_RESPONSE_HEADERS]
            head.append(b"Content-Length: %d\r\n\r\n" % len(body))
            self.answers[key] = b"".join(head) + body

    def answer(self, method: bytes, target: bytes, headers: dict, body: bytes) -> bytes:
        self.calls += 1
        key = call_key(method, target, headers, body, self.keymap, self.default)
        found = self.answers.get(key)
        if found is None:
            self.misses += 1
            text = f"not recorded: {key!r}".encode()
            if self.misses <= 3:  # the first few, for whoever reads the benchmark's stderr
                print(text.decode(errors="replace")[:400], file=sys.stderr, flush=True)
            return b"HTTP/1.1 599 Not Recorded\r\nContent-Length: %d\r\n\r\n" % len(text) + text
        return found

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head[:-4].split(b"\r\n")
                method, target, _ = lines[0].split(b" ", 2)
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get(b"content-length", b"0") or 0)
                body = await reader.readexactly(length) if length else b""
                response = self.answer(method, target, headers, body)
                if self.latency:
                    await asyncio.sleep(self.latency)
                writer.write(response)
                await writer.drain()
        finally:
            writer.close()


async def _control(replay: Replay) -> None:
    """Answer the parent's stdin lines with this process's CPU and counters; return at EOF."""
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        t = os.times()
        print(json.dumps({"cpu_s": t.user + t.system, "calls": replay.calls, "misses": replay.misses}), flush=True)


async def serve(recording_path: str, latency: float, port: int) -> None:
    replay = Replay(load(recording_path), latency)
    server = await asyncio.start_server(replay.handle, "127.0.0.1", port, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await _control(replay)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--recording", required=True, help="a recording made by bench/replay_record.py")
    p.add_argument("--latency", type=float, default=0.05, help="seconds added to every answer (default 0.05)")
    p.add_argument("--port", type=int, default=0, help="0: a free port (printed on the first line)")
    args = p.parse_args()
    asyncio.run(serve(args.recording, args.latency, args.port))


if __name__ == "__main__":
    main()
