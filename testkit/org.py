"""Emulator helpers for organization tests and bench/org_bench.py: what moto lacks, added with botocore hooks.

Never used by the audit itself. moto emulates Organizations, multi-account AssumeRole and trails, but:

- it does not show an organization trail to member accounts (AWS does, as a "shadow" trail whose ARN
  carries the management account id; members read its status and selectors by ARN). ``OrgTrailShadows``
  installs hooks on the audit's shared Session: ListTrails/DescribeTrails answers gain the org trail,
  and calls naming it (GetTrailStatus, GetEventSelectors, GetInsightSelectors, ListTags, GetTrail) are
  answered from the management account, exactly what a member sees in AWS;
- it does not enforce IAM, so AssumeRole never fails: ``deny_assume_role`` makes chosen role ARNs
  answer AccessDenied, and ``record_assume_role`` keeps the request parameters for assertions.

Hooks: ``before-parameter-build`` sees the caller's keyword arguments and stashes them in the request
context; ``before-call`` may answer instead of the emulator (botocore then raises a ClientError for a
4xx answer, as for a real one); ``after-call`` may add to the parsed answer.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:  # pragma: no cover
    import boto3

_KWARGS = "trailguard_test_kwargs"


def _stash(params, context, **_):
    context[_KWARGS] = dict(params)


def _answer(status: int, parsed: dict):
    from botocore.awsrequest import AWSResponse

    parsed.setdefault("ResponseMetadata", {})["HTTPStatusCode"] = status
    return AWSResponse("https://emulated.invalid/", status, {}, None), parsed


def _error(status: int, code: str, message: str):
    return _answer(status, {"Error": {"Code": code, "Message": message}})


def deny_assume_role(session: "boto3.Session", role_arns: Iterable[str]) -> None:
    """AssumeRole on these ARNs answers AccessDenied (register on the Session that makes the STS client)."""
    denied = set(role_arns)

    def deny(context, **_):
        arn = context.get(_KWARGS, {}).get("RoleArn")
        if arn in denied:
            return _error(403, "AccessDenied", f"User: arn:aws:sts::000000000000:assumed-role/auditor/x is not "
                                               f"authorized to perform: sts:AssumeRole on resource: {arn}")
        return None

    session.events.register("before-parameter-build.sts.AssumeRole", _stash)
    session.events.register("before-call.sts.AssumeRole", deny)


def record_assume_role(session: "boto3.Session") -> list[dict]:
    """A list that fills with the keyword arguments of every AssumeRole made through ``session``."""
    calls: list[dict] = []
    session.events.register("before-parameter-build.sts.AssumeRole",
                            lambda params, **_: calls.append(dict(params)))
    return calls


class OrgTrailShadows:
    """Makes the management account's organization trail visible in member Sessions, as AWS does."""

    _BY_NAME = {"GetTrailStatus": "Name", "GetEventSelectors": "TrailName", "GetInsightSelectors": "TrailName",
                "GetTrail": "Name"}

    def __init__(self, management: "boto3.Session", trail_arn: str) -> None:
        self.arn = trail_arn
        self.home_region = trail_arn.split(":")[3]
        self._client = management.client("cloudtrail", region_name=self.home_region)
        self.description = next(t for t in self._client.describe_trails()["trailList"] if t["TrailARN"] == trail_arn)
        self.name = self.description["Name"]

    def install(self, session: "boto3.Session") -> "boto3.Session":
        ev = session.events
        for op in ("ListTrails", "DescribeTrails", "ListTags", *self._BY_NAME):
            ev.register(f"before-parameter-build.cloudtrail.{op}", _stash)
        ev.register("after-call.cloudtrail.ListTrails", self._add_to_list)
        ev.register("after-call.cloudtrail.DescribeTrails", self._add_to_describe)
        for op in (*self._BY_NAME, "ListTags"):
            ev.register(f"before-call.cloudtrail.{op}", self._forward)
        return session

    def _names_org_trail(self, value: str | None) -> bool:
        return value == self.arn  # members must use the ARN; the bare name is not theirs (controls.md §0)

    def _add_to_list(self, parsed, **_):
        trails = parsed.setdefault("Trails", [])
        if not any(t.get("TrailARN") == self.arn for t in trails):
            trails.append({"TrailARN": self.arn, "Name": self.name, "HomeRegion": self.home_region})

    def _add_to_describe(self, parsed, context, **_):
        kwargs = context.get(_KWARGS, {})
        wanted = kwargs.get("trailNameList")
        if kwargs.get("includeShadowTrails") is False or (wanted and not any(map(self._names_org_trail, wanted))):
            return
        trails = parsed.setdefault("trailList", [])
        if not any(t.get("TrailARN") == self.arn for t in trails):
            trails.append(dict(self.description))

    def _forward(self, model, context, **_):
        from botocore.exceptions import ClientError

        kwargs = context.get(_KWARGS, {})
        op = model.name
        if op == "ListTags":
            if not any(map(self._names_org_trail, kwargs.get("ResourceIdList", []))):
                return None
        elif not self._names_org_trail(kwargs.get(self._BY_NAME[op])):
            return None
        method: Callable = getattr(self._client, _snake(op))
        try:
            return _answer(200, method(**kwargs))
        except ClientError as exc:
            err = exc.response["Error"]
            return _error(exc.response["ResponseMetadata"].get("HTTPStatusCode", 400), err["Code"],
                          err.get("Message", ""))


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def seed_organization(session: "boto3.Session", members: int) -> tuple[str, list[str]]:
    """An organization with ``members`` new member accounts: (management id, member ids in creation order)."""
    org = session.client("organizations")
    management = org.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"]
    ids = []
    for i in range(members):
        status = org.create_account(AccountName=f"member-{i:03d}", Email=f"member-{i:03d}@example.test")
        ids.append(status["CreateAccountStatus"]["AccountId"])
    return management, ids


def member_session(session: "boto3.Session", account_id: str, region: str = "us-east-1") -> "boto3.Session":
    """A Session in a member account (moto maps assumed-role credentials to the role's account)."""
    import boto3

    creds = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole", RoleSessionName="seed",
    )["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name=region)


def create_trail(session: "boto3.Session", name: str, bucket: str, *, multi_region: bool = True,
                 organization: bool = False, logging: bool = True, region: str = "us-east-1",
                 management_events: bool = True) -> str:
    """A trail and its bucket (bucket policy left out: moto doesn't check it); returns the trail ARN.

    AWS gives a new trail a read+write management-event selector; moto gives none, so it is put here.
    """
    s3 = session.client("s3", region_name=region)
    s3.create_bucket(Bucket=bucket)
    ct = session.client("cloudtrail", region_name=region)
    arn = ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=multi_region,
                          IsOrganizationTrail=organization, EnableLogFileValidation=True)["TrailARN"]
    if management_events:
        ct.put_event_selectors(TrailName=name, EventSelectors=[{"ReadWriteType": "All",
                                                                 "IncludeManagementEvents": True}])
    if logging:
        ct.start_logging(Name=name)
    return arn


def factory_installing(*installers: Callable[["boto3.Session"], object]):
    """A SessionFactory class whose shared Session (every audited account's clients) gets ``installers``.

    The hooks see every account's calls, the management account's too: ``OrgTrailShadows`` is a no-op
    there (the owner already lists its organization trail).
    """
    from checks.org_sessions import SessionFactory

    class _Factory(SessionFactory):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            for install in installers:
                install(self.session)

    return _Factory
