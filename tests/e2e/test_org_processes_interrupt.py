"""Ctrl-C during ``audit --org --processes 2`` against a moto server: exit code 130 at once, no report, no
process left.

A terminal's Ctrl-C sends SIGINT to the whole foreground process group, children included; the CLI runs in
its own session here so the test can do the same with ``killpg``. The run-level calls (sts, organizations)
go to moto, but CloudTrail goes to an endpoint that accepts connections and never answers
(AWS_ENDPOINT_URL_CLOUDTRAIL, botocore's service-specific endpoint variable), so every child is stuck in a
call that would take minutes of read timeouts and retries. A parent that merely waited for its children
would not exit for minutes; the CLI must exit 130 within seconds, and the whole process group must be
gone: no audit process keeps calling AWS, and multiprocessing's resource tracker has left too.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # field 4: ppid
                found.append(int(entry.name))
    return found


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def _spawned_audit_children(pid: int) -> list[int]:
    out = []
    for child in _children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            out.append(child)
    return out


@pytest.fixture
def hanging_endpoint():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)  # connections complete in the kernel's backlog; nobody ever answers
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_ctrl_c_stops_every_process_and_exits_130(moto_server, moto_reset, moto_client, moto_cli_env, tmp_path,
                                                  hanging_endpoint):
    moto_reset()
    orgs = moto_client("organizations")
    orgs.create_organization(FeatureSet="ALL")
    for i in range(3):
        orgs.create_account(AccountName=f"int-{i}", Email=f"int-{i}@example.test")
    # moto picks the account ids at random: all four land in one shard one time in eight, and then the run
    # starts one process, not two (checks/org_procs.py spawns one per non-empty shard)
    from checks.org_shard import shard_of

    ids = [a["Id"] for page in orgs.get_paginator("list_accounts").paginate() for a in page["Accounts"]]
    expected = len({shard_of(a, 2) for a in ids})
    report = tmp_path / "report.json"
    proc = subprocess.Popen([sys.executable, "-m", "checks", "audit", "--org", "--processes", "2", "--workers", "1",
                             "--format", "json", "--output", str(report)],
                            env={**moto_cli_env, "AWS_ENDPOINT_URL_CLOUDTRAIL": hanging_endpoint}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(_spawned_audit_children(proc.pid)) < expected:
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, f"the {expected} audit process(es) never started"
            time.sleep(0.05)
        children = _spawned_audit_children(proc.pid)
        time.sleep(2.0)  # the children are importing or waiting for CloudTrail: either way they must stop
        assert proc.poll() is None, "the run ended before Ctrl-C"
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
        _, stderr = proc.communicate(timeout=30)  # the children's CloudTrail calls alone would take minutes
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert not report.exists()
    deadline = time.monotonic() + 10
    while _group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _group_alive(proc.pid), "a process of the run outlived it"
    assert not [c for c in children if Path(f"/proc/{c}").exists()]
