"""A boto3 Session that sends every client it makes to one endpoint (``--endpoint-url``, a local emulator).

The endpoint is passed to each ``client()`` call explicitly, so a run never has to set AWS_ENDPOINT_URL in
the process environment (which every other thread and library in the process would see too). Organization
runs pass it on: checks.org_sessions.SessionFactory reads ``endpoint_url`` from the base session for the
clients of assumed roles. Imports boto3 at module level: import this module only when a run starts.
"""
from __future__ import annotations

import boto3


class EndpointSession(boto3.Session):
    def __init__(self, endpoint_url: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.endpoint_url = endpoint_url

    def client(self, *args, **kwargs):
        kwargs.setdefault("endpoint_url", self.endpoint_url)
        return super().client(*args, **kwargs)

    def resource(self, *args, **kwargs):
        kwargs.setdefault("endpoint_url", self.endpoint_url)
        return super().resource(*args, **kwargs)


def make_session(profile: str | None = None, region: str | None = None, endpoint_url: str | None = None):
    """boto3.Session(profile_name=profile, region_name=region), with every client on ``endpoint_url`` if given."""
    if endpoint_url:
        return EndpointSession(endpoint_url, profile_name=profile, region_name=region)
    return boto3.Session(profile_name=profile, region_name=region)


def region_problem(session, region: str | None) -> str | None:
    """Why ``region`` is not a region of any AWS partition botocore knows (a typo reaches no endpoint)."""
    if not region:
        return None
    known = {r for p in session.get_available_partitions()
             for r in session.get_available_regions("cloudtrail", partition_name=p)}
    if region in known:
        return None
    examples = ", ".join(r for r in ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1") if r in known)
    return f"{region!r} is not an AWS region; expected one of the {len(known)} regions botocore knows, e.g. {examples}"
