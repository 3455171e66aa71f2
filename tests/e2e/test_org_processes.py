"""Property: ``audit_organization(processes=N)`` writes the JSON report of the single-process run byte for byte
(generated_at fixed), for seeded random organizations on a moto server and N from 2 to 4.

Child processes are fresh interpreters (spawn), so the emulator must be a server: moto in process is not
visible to them. The organizations vary what crosses processes: an organization trail (logging or not) owned
by the management account, so coverage joins accounts of different processes; members' own trails, some
writing to a bucket another member owns (the owner is named across processes, checks/org_owners.py);
a "guest" layout (testkit/guests.py): a member's trail writing to, and encrypting with, the bucket and KMS key
of an archive member that sees no trail using them, the two in different processes, so the parent's guest
step judges them in the archive's row (checks/org_guests.py); members whose role can't be assumed
(ERROR rows and notes, made in the children); a closed account and
``--accounts`` ids outside the organization (made in the parent).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import sys
from pathlib import Path

import boto3
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # org_proc_factory, importable by the children too
from org_proc_factory import DENY_ENV, PID_DIR_ENV, DenyingFactory, collect_noting_process  # noqa: E402

from checks import org  # noqa: E402
from checks.catalog import all_controls  # noqa: E402
from testkit.guests import archive, writer_trail  # noqa: E402
from testkit.org import create_trail, member_session, seed_organization  # noqa: E402
from checks.progress import Progress  # noqa: E402
from checks.report import ReportOptions, render  # noqa: E402

pytestmark = pytest.mark.e2e

CONTROLS = [c for c in all_controls() if "live" in c.targets and c.family in ("trail", "resources")]
ROLE = "OrganizationAccountAccessRole"
AT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")


def timeless(text: str) -> str:
    """moto stamps a trail's last delivery with the time of the call; the runs call at different moments."""
    return _TIME.sub("<time>", text)


def _random_org(rnd: random.Random, session, processes: int) -> tuple[dict, list[str], list[str], str]:
    """(options, denied role ARNs, accounts, the guest archive's bucket ARN)."""
    management, members = seed_organization(session, rnd.randint(3, 7))
    if rnd.random() < 0.7:
        create_trail(session, "org-trail", f"org-bucket-{rnd.randrange(10**6):06d}", organization=True,
                     logging=rnd.random() < 0.8)
    shared = None  # a bucket one member owns and other members' trails write to
    for i, m in enumerate(members):
        if rnd.random() < 0.5:
            ms = member_session(session, m)
            if shared is None or rnd.random() < 0.5:
                bucket = f"own-bucket-{m}"
                shared = shared or bucket
                create_trail(ms, f"own-{i}", bucket, logging=rnd.random() < 0.7, multi_region=rnd.random() < 0.8)
            else:  # the trail's bucket lives in another member account
                ms.client("cloudtrail").create_trail(Name=f"own-{i}", S3BucketName=shared, IsMultiRegionTrail=True)
    denied = [f"arn:aws:iam::{m}:role/{ROLE}" for m in members if rnd.random() < 0.25]
    if rnd.random() < 0.4:
        session.client("organizations").close_account(AccountId=members[-1])
    options = {}
    if rnd.random() < 0.4:
        options["accounts"] = sorted(rnd.sample([management, *members], rnd.randint(3, len(members))) +
                                     ["999999999999"])
    guest = _guests_apart(session, [*members[:-1], management], denied, processes, options)
    return options, denied, [management, *members], guest


def _guests_apart(session, accounts: list[str], denied: list[str], processes: int, options: dict) -> str:
    """An archive account's bucket and key used by another account's trail, in another process: the first such
    pair of assumable accounts (moto's ids are random), or the first with a new member made until one lands in
    another process. No random draw: the seeds' other choices stay as they were."""
    from checks.org_shard import shard_of

    ok = [a for a in accounts if f"arn:aws:iam::{a}:role/{ROLE}" not in denied]
    pair = next(((o, u) for o in ok for u in ok if shard_of(o, processes) != shard_of(u, processes)), None)
    for i in range(20):
        if pair:
            break
        made = session.client("organizations").create_account(AccountName=f"guest-{i}", Email=f"guest-{i}@example.test")
        new = made["CreateAccountStatus"]["AccountId"]
        pair = (ok[0], new) if shard_of(new, processes) != shard_of(ok[0], processes) else None
    owner, user = pair  # moto lets the management account's role be assumed too
    key = archive(session, owner, f"guest-archive-{owner}")
    writer_trail(session, user, "guest-trail", f"guest-archive-{owner}", key)
    if "accounts" in options:
        options["accounts"] = sorted(set(options["accounts"]) | {owner, user})
    return f"arn:aws:s3:::guest-archive-{owner}"


class Counting(Progress):
    def __init__(self) -> None:
        self.total, self.advanced, self.finished = None, [], 0

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, account_id: str, *, error: bool = False) -> None:
        self.advanced.append(account_id)

    def finish(self) -> None:
        self.finished += 1


def collecting_processes(directory: Path) -> set[int]:
    """The process ids that ran ``collect_noting_process``."""
    return {int(p.name) for p in directory.iterdir()}


@pytest.fixture
def server_env(moto_server, moto_reset, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    moto_reset()
    return moto_server


@pytest.mark.parametrize("seed", range(4))
def test_processes_report_equals_the_single_process_report(seed, server_env, monkeypatch, tmp_path):
    rnd = random.Random(seed)
    session = boto3.Session(region_name="us-east-1")
    processes = 2 + seed % 3  # 2, 3, 4
    options, denied, _, guest = _random_org(rnd, session, processes)
    monkeypatch.setenv(DENY_ENV, ",".join(denied))
    kwargs = dict(workers=rnd.randint(1, 4), session_factory=DenyingFactory, **options)

    def report(processes: int, progress=None, **hooks) -> str:
        run = org.audit_organization(session, CONTROLS, processes=processes, progress=progress, **kwargs, **hooks)
        return timeless(render("json", run, CONTROLS, ReportOptions(generated_at=AT)))

    single = report(1)
    owner = guest.split("-")[-1]
    judged = [f for f in json.loads(single)["findings"] if f["account_id"] == owner and f["resource"] == guest]
    assert {f["status"] for f in judged} <= {"PASS", "FAIL"} and len(judged) >= 8  # the guest step ran
    progress = Counting()
    monkeypatch.setenv(PID_DIR_ENV, str(tmp_path))
    assert report(processes, progress, collect=collect_noting_process) == single
    pids = collecting_processes(tmp_path)  # the children did audit, through the collect= they were handed
    assert os.getpid() not in pids and 1 <= len(pids) <= processes
    # one bar: the parent's Progress saw every audited account once, from all processes
    assert progress.total == len(progress.advanced) and progress.finished == 1
    assert len(set(progress.advanced)) == len(progress.advanced) >= 2


def test_a_shard_audited_by_processes_equals_the_shard_audited_by_one(server_env, monkeypatch, tmp_path):
    """``--shard K/N --processes P``: the account filter and the shard section (coverage and ownership evidence,
    gathered through ``on_trails``) come out the same when the shard's accounts are split over processes."""
    from checks.org_shard import Shard, audit_shard

    rnd = random.Random(11)
    session = boto3.Session(region_name="us-east-1")
    options, denied, _, _ = _random_org(rnd, session, 2)  # the guest's user and owner in different shards
    monkeypatch.setenv(DENY_ENV, ",".join(denied))

    def report(processes: int, **hooks) -> str:
        run = audit_shard(Shard(1, 2), session, CONTROLS, workers=2, session_factory=DenyingFactory,
                          processes=processes, **options, **hooks)
        return timeless(render("json", run, CONTROLS, ReportOptions(generated_at=AT)))

    single = report(1)
    assert '"shard"' in single
    monkeypatch.setenv(PID_DIR_ENV, str(tmp_path))
    assert report(2, collect=collect_noting_process) == single
    pids = collecting_processes(tmp_path)
    assert os.getpid() not in pids and 1 <= len(pids) <= 2  # child processes audited the shard's accounts
