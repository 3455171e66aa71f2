"""The organization the benchmarks audit, and the instrumented audit run (shared by org_bench and replay_record).

The world: the management account owns a logging multi-region organization trail; members, by index,
have nothing of their own (60%), a local multi-region trail too (20%), a weak local trail (single-region,
stopped; 15%) or a role that answers AccessDenied (5%). ec2:DescribeRegions answers ``regions`` Regions
from a hook (see ``Meter._regions``).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3",
           "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
           "ap-southeast-1", "ap-southeast-2", "ca-central-1", "sa-east-1"]  # the 17 default-enabled regions


def fake_env() -> None:
    from testkit.env import install_fake_credentials

    install_fake_credentials()


class Meter:
    """Counts calls per account (by worker thread), sleeps the injected latency, trims DescribeRegions.

    ``latency`` is slept after every call; ``local_latency`` only after the calls a hook answers without
    HTTP (DescribeRegions here), for backends that add the latency themselves (the replay server)."""

    def __init__(self, latency: float, regions: int, local_latency: float = 0.0) -> None:
        self.latency, self.regions, self.local_latency = latency, regions, local_latency
        self.local = threading.local()
        self.lock = threading.Lock()
        self.calls: dict[str, int] = {}

    def install(self, session) -> None:
        session.events.register("after-call", self._after)
        session.events.register("before-call.ec2.DescribeRegions", self._regions)

    def _after(self, **_) -> None:
        who = getattr(self.local, "account", "run")
        with self.lock:
            self.calls[who] = self.calls.get(who, 0) + 1
        if self.latency:
            time.sleep(self.latency)

    def _regions(self, **_):
        # Answered here, not by moto: moto builds a whole EC2 backend (default VPCs, AMI catalog: ~60 MB and
        # ~1 s of CPU) for every account that calls ec2:*, a cost real AWS doesn't have and we'd measure.
        from botocore.awsrequest import AWSResponse

        if self.local_latency:
            time.sleep(self.local_latency)
        names = REGIONS[: self.regions]
        parsed = {"Regions": [{"RegionName": r, "Endpoint": f"ec2.{r}.amazonaws.com", "OptInStatus":
                               "opt-in-not-required"} for r in names], "ResponseMetadata": {"HTTPStatusCode": 200}}
        return AWSResponse("https://emulated.invalid/", 200, {}, None), parsed


@dataclass
class World:
    management: str
    members: list
    denied: list  # role ARNs whose AssumeRole answers AccessDenied
    org_arn: str


class _Member:
    """Clients in a member account, made by the seeding Session (its loaded models are reused: a new boto3
    Session per member parses every service model again, ~0.1 s of CPU per member at 10,000 members)."""

    def __init__(self, seed, account_id: str) -> None:
        creds = seed.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole", RoleSessionName="seed",
        )["Credentials"]
        self.seed, self.creds = seed, creds

    def client(self, service: str, region_name: str = "us-east-1"):
        return self.seed.client(service, region_name=region_name, aws_access_key_id=self.creds["AccessKeyId"],
                                aws_secret_access_key=self.creds["SecretAccessKey"],
                                aws_session_token=self.creds["SessionToken"])


def seed_world(seed, members: int) -> World:
    """Seed the organization through ``seed`` (a boto3 Session on the emulator)."""
    from testkit.org import create_trail, seed_organization

    member_session = _Member

    management, ids = seed_organization(seed, members)
    org_arn = create_trail(seed, "org-trail", "bench-org-trail-bucket", organization=True)
    denied = []
    for i, member in enumerate(ids):
        kind = i % 20
        if 12 <= kind < 16:
            create_trail(member_session(seed, member), "local-trail", f"bench-local-{member}")
        elif 16 <= kind < 19:
            create_trail(member_session(seed, member), "weak-trail", f"bench-weak-{member}",
                         multi_region=False, logging=False, management_events=False)
        elif kind == 19:
            denied.append(f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole")
    return World(management, ids, denied, org_arn)


def live_controls(history_days: int = 0) -> list:
    from checks.catalog import all_controls

    controls = [c for c in all_controls() if "live" in c.targets and c.family not in ("history", "lake")]
    if history_days:
        controls += [c for c in all_controls() if c.family == "history"]
    return controls


def metered_factory(meter: Meter, *installers):
    """A SessionFactory class (pass it as ``session_factory=``) that meters every call of the audited accounts
    with ``meter`` (then runs ``installers`` on the shared Session) and counts each call for its account.

    A call counts for the account whose credentials are being fetched (AssumeRole) or which is active in the
    calling thread (``AccountSession.active()``: the account's worker thread, and the per-region threads
    of the history collector, which make the account active again); any other call is run-level.
    """
    import contextlib

    from checks.org_sessions import AccountSession, SessionFactory

    @contextlib.contextmanager
    def counted_for(account_id: str):
        previous = getattr(meter.local, "account", "run")
        meter.local.account = account_id
        try:
            yield
        finally:
            meter.local.account = previous

    class _Metered(AccountSession):
        @contextlib.contextmanager
        def active(self):
            with counted_for(self.account_id), super().active():
                yield

    class _Factory(SessionFactory):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            meter.install(self.session)  # before the other hooks, so answers they give are metered too
            for install in installers:
                install(self.session)

        def caller_session(self, account_id: str) -> AccountSession:
            return _Metered(self, account_id, super().caller_session(account_id).get_credentials())

        def assumed_session(self, account_id: str) -> AccountSession:
            with counted_for(account_id):
                return _Metered(self, account_id, super().assumed_session(account_id).get_credentials())

    return _Factory


def audit_entry(processes: int):
    """``checks.org.audit_organization``, with ``processes=N`` passed when the audit has it (issue 16 item 3,
    another branch): the process fan-out's own entry point if it exists, else the keyword if it exists,
    else one process. Returns (callable, processes actually used)."""
    import inspect

    from checks import org

    try:
        from checks import org_procs  # type: ignore[attr-defined]

        entry = getattr(org_procs, "audit_organization", None)
    except ImportError:
        entry = None
    for candidate in (entry, org.audit_organization):
        if candidate is not None and "processes" in inspect.signature(candidate).parameters:
            return (lambda *a, **k: candidate(*a, processes=processes, **k)), processes
    return org.audit_organization, 1


def findings_digest(run) -> dict:
    """What two backends must agree on: every finding (as the JSON report has it) and the coverage."""
    findings = [{k: v for k, v in f.to_dict().items() if k != "observed_at"} for f in run.findings]  # a clock
    return {"findings": sorted(findings, key=repr), "coverage": dict(run.coverage)}
