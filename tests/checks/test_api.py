"""checks/api.py: audit(AuditRequest) with an explicit endpoint and no environment change; errors with values.

The endpoint tests run against moto's server on 127.0.0.1 with AWS_ENDPOINT_URL unset: a client that
missed the explicit endpoint would resolve sts/cloudtrail.<region>.amazonaws.com, which tests/conftest.py's
guard fails loudly, so "every finding came back and nothing reached AWS" is the proof.
"""
from __future__ import annotations

import os

import boto3
import pytest

from checks.api import AuditError, AuditInputError, AuditRequest, NoRegionError, OrgOnlyError, audit, \
    check_org_options, select_controls
from checks.catalog import all_controls
from testkit.moto import moto_server

CONTROLS = ("cloudtrail_multi_region_management_events_enabled", "cloudtrail_log_file_validation_enabled")


@pytest.fixture(scope="module")
def endpoint():
    with moto_server() as url:
        yield url


def _seed(endpoint: str) -> tuple[str, list[str]]:
    s = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    orgs = s.client("organizations", endpoint_url=endpoint)
    management = orgs.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"]
    members = [orgs.create_account(AccountName=f"api-{i}", Email=f"api-{i}@example.test")
               ["CreateAccountStatus"]["AccountId"] for i in range(2)]
    s.client("s3", endpoint_url=endpoint).create_bucket(Bucket="api-trail-bucket")
    ct = s.client("cloudtrail", endpoint_url=endpoint)
    ct.create_trail(Name="api-trail", S3BucketName="api-trail-bucket", IsMultiRegionTrail=True,
                    EnableLogFileValidation=True)
    ct.put_event_selectors(TrailName="api-trail", EventSelectors=[{"ReadWriteType": "All",
                                                                   "IncludeManagementEvents": True}])
    ct.start_logging(Name="api-trail")
    return management, members


@pytest.fixture(scope="module")
def seeded(endpoint):
    return _seed(endpoint)


@pytest.mark.parametrize("org", [False, True], ids=["account", "organization"])
def test_audit_sends_every_call_to_the_explicit_endpoint_and_leaves_the_environment_alone(endpoint, seeded, org):
    management, members = seeded
    before = dict(os.environ)
    assert "AWS_ENDPOINT_URL" not in before
    run = audit(AuditRequest(endpoint_url=endpoint, region="us-east-1", controls=CONTROLS, history_days=None,
                             org=org, workers=2 if org else None))
    assert dict(os.environ) == before
    assert sorted(run.accounts) == (sorted([management, *members]) if org else [management])
    # multi-region and validation are on for the management trail: reaching the emulator gives verdicts,
    # not ERRORs (an unreachable or mis-addressed call would be ERROR or raise)
    mine = [f for f in run.findings if f.account_id == management]
    assert {f.control_id for f in mine} == set(CONTROLS)
    assert all(f.status.value == "PASS" for f in mine), [(f.control_id, f.status, f.reason) for f in mine]


def test_organization_clients_of_assumed_roles_use_the_endpoint(endpoint, seeded):
    from checks.endpoint_session import make_session
    from checks.org_sessions import SessionFactory

    base = make_session(region="us-east-1", endpoint_url=endpoint)
    factory = SessionFactory(base, role_name="OrganizationAccountAccessRole", partition="aws")
    member = factory.assumed_session(seeded[1][0])
    assert member.client("cloudtrail").meta.endpoint_url == endpoint


# --- errors carry request fields and values, never command-line flags ------------------------------------

STACK_ONLY = next(c.id for c in all_controls() if "live" not in c.targets)
HISTORY = [c.id for c in all_controls() if c.family == "history"]
ERRORS = {
    "unknown control": (AuditRequest(controls=("nope_control",)), AuditInputError, ("controls",), ["nope_control"]),
    "unknown skip": (AuditRequest(skip=("nope_skip",)), AuditInputError, ("skip",), ["nope_skip"]),
    "stack-only control": (AuditRequest(controls=(STACK_ONLY,)), AuditInputError, ("controls",), [STACK_ONLY]),
    "nothing left": (AuditRequest(skip=tuple(c.id for c in all_controls())), AuditInputError, ("controls", "skip"), []),
    "history off but asked for": (AuditRequest(controls=tuple(HISTORY), history_days=None), AuditInputError,
                                  ("controls", "history_days"), HISTORY),
    "org option without org": (AuditRequest(role_name="R", workers=3), OrgOnlyError, ("role_name", "workers"),
                               ("role_name", "workers")),
}


@pytest.mark.parametrize("name", ERRORS)
def test_input_errors_name_request_fields_and_carry_the_values(name):
    request, kind, fields, values = ERRORS[name]
    with pytest.raises(kind) as err:
        check_org_options(request)
        select_controls(request)
    assert (err.value.fields, list(err.value.values)) == (fields, list(values))
    assert "--" not in str(err.value)


def test_an_unknown_region_is_an_input_error_with_the_value():
    with pytest.raises(AuditInputError) as err:
        audit(AuditRequest(region="mars-north-1", controls=CONTROLS, history_days=None))
    assert err.value.fields == ("region",) and err.value.values == "mars-north-1"
    assert "'mars-north-1' is not an AWS region" in err.value.reason and "--" not in str(err.value)


def test_no_region_anywhere_is_a_no_region_error(monkeypatch):
    for key in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(NoRegionError) as err:
        audit(AuditRequest(controls=CONTROLS, history_days=None))
    assert isinstance(err.value, AuditError) and err.value.field == "region"
