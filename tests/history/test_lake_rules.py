"""CL-01..CL-06 on facts: PASS, FAIL, ERROR and NOT_APPLICABLE for each, plus the collector under moto.

Expected values from the CloudTrail API reference (EventDataStore: KmsKeyId absent means "encrypted by
an AWS owned key"; Status ENABLED means ingesting) and Security Hub CloudTrail.10 ("fails if the event
data store isn't encrypted with a customer managed key").
"""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from checks.catalog import all_controls
from checks.engine import evaluate
from checks.facts import AccountFacts, TrailFacts
from checks.lake import EventDataStore, LakeFacts
from checks.model import Status

ACCOUNT = "111111111111"
GOOD = EventDataStore(arn=f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:eventdatastore/good", name="good",
                      region="us-east-1", status="ENABLED", kms_key_id="arn:aws:kms:us-east-1:1:key/k",
                      termination_protection=True, retention_days=365, multi_region=True, organization=True)
LAKE = {c.id: c for c in all_controls() if c.family == "lake"}
BAD = {  # one store that fails exactly the control
    "cloudtrail_lake_kms_encryption_enabled": {"kms_key_id": ""},
    "cloudtrail_lake_termination_protection_enabled": {"termination_protection": False},
    "cloudtrail_lake_retention_sufficient": {"retention_days": 364},
    "cloudtrail_lake_multi_region_enabled": {"multi_region": False},
    "cloudtrail_lake_organization_enabled": {"organization": False},
    "cloudtrail_lake_ingestion_enabled": {"status": "STOPPED_INGESTION"},
}


def judge(control_id, stores, *, management=True, list_error=""):
    from dataclasses import replace as _r  # noqa: F401

    facts = AccountFacts(account_id=ACCOUNT, trails=[TrailFacts(arn="arn:aws:cloudtrail:us-east-1:1:trail/t",
                                                                name="t", home_region="us-east-1",
                                                                owner_account_id=ACCOUNT)])
    facts.lake = LakeFacts(stores=None if list_error else list(stores), is_management_account=management,
                           errors={"stores": list_error} if list_error else {})
    return [(f.status, f.reason) for f in evaluate(facts, [LAKE[control_id]])]


def _fail_case(control_id):
    from dataclasses import replace

    return judge(control_id, [GOOD, replace(GOOD, arn=GOOD.arn + "-bad", name="bad", **BAD[control_id])])


@pytest.mark.parametrize("control_id", sorted(BAD))
def test_lake_controls_sweep(control_id):
    """Every control: PASS on the good store, FAIL on the bad one, N/A without stores, ERROR when unknown."""
    assert [s for s, _ in _fail_case(control_id)] == [Status.PASS, Status.FAIL]
    assert judge(control_id, []) == [(Status.NOT_APPLICABLE,
                                      f"Account {ACCOUNT} has no CloudTrail Lake event data store.")]
    (error,) = judge(control_id, [], list_error="cloudtrail:ListEventDataStores failed for region us-east-1: "
                                                "AccessDeniedException.")
    assert error[0] == Status.ERROR and "ListEventDataStores" in error[1]
    from dataclasses import replace
    (broken,) = judge(control_id, [replace(GOOD, status=None, kms_key_id=None, termination_protection=None,
                                           retention_days=None, multi_region=None, organization=None,
                                           error="cloudtrail:GetEventDataStore failed for x: AccessDenied.")])
    assert broken[0] == Status.ERROR and "GetEventDataStore" in broken[1]


def test_cloudtrail_lake_kms_encryption_enabled_pass_customer_key():
    assert judge("cloudtrail_lake_kms_encryption_enabled", [GOOD])[0][0] == Status.PASS


def test_cloudtrail_lake_kms_encryption_enabled_fail_aws_owned_key():
    assert _fail_case("cloudtrail_lake_kms_encryption_enabled")[1][0] == Status.FAIL


def test_cloudtrail_lake_termination_protection_enabled_pass_on():
    assert judge("cloudtrail_lake_termination_protection_enabled", [GOOD])[0][0] == Status.PASS


def test_cloudtrail_lake_termination_protection_enabled_fail_off():
    assert _fail_case("cloudtrail_lake_termination_protection_enabled")[1][0] == Status.FAIL


def test_cloudtrail_lake_retention_sufficient_pass_365_days():
    assert judge("cloudtrail_lake_retention_sufficient", [GOOD])[0][0] == Status.PASS


def test_cloudtrail_lake_retention_sufficient_fail_364_days():
    assert "364 days" in _fail_case("cloudtrail_lake_retention_sufficient")[1][1]


def test_cloudtrail_lake_multi_region_enabled_pass_all_regions():
    assert judge("cloudtrail_lake_multi_region_enabled", [GOOD])[0][0] == Status.PASS


def test_cloudtrail_lake_multi_region_enabled_fail_single_region():
    assert _fail_case("cloudtrail_lake_multi_region_enabled")[1][0] == Status.FAIL


def test_cloudtrail_lake_organization_enabled_pass_management_account_org_store():
    assert judge("cloudtrail_lake_organization_enabled", [GOOD])[0][0] == Status.PASS


def test_cloudtrail_lake_organization_enabled_fail_management_account_store_not_org_wide():
    assert _fail_case("cloudtrail_lake_organization_enabled")[1][0] == Status.FAIL


def test_cloudtrail_lake_organization_enabled_not_applicable_in_a_member_account():
    from dataclasses import replace

    (got,) = judge("cloudtrail_lake_organization_enabled", [replace(GOOD, organization=False)], management=False)
    assert got[0] == Status.NOT_APPLICABLE


def test_cloudtrail_lake_ingestion_enabled_pass_enabled():
    assert judge("cloudtrail_lake_ingestion_enabled", [GOOD])[0][0] == Status.PASS


def test_cloudtrail_lake_ingestion_enabled_fail_stopped():
    assert "STOPPED_INGESTION" in _fail_case("cloudtrail_lake_ingestion_enabled")[1][1]


def test_lake_collector_reads_stores_from_the_emulator(monkeypatch):
    import checks.collect as collect
    from checks.collect import collect_account
    from sandbox import trail_history

    trail_history.install()
    monkeypatch.setattr(collect, "_regions", lambda c, facts: setattr(facts, "enabled_regions", ("us-east-1",)))
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        ct = session.client("cloudtrail")
        ct.create_event_data_store(Name="plain", RetentionPeriod=90, TerminationProtectionEnabled=False)
        facts = collect_account(session, account_id="123456789012", controls=list(LAKE.values()))
    (store,) = facts.lake.stores
    assert (store.kms_key_id, store.retention_days, store.termination_protection, store.status) == (
        "", 90, False, "ENABLED")
    assert facts.lake.is_management_account is False  # not in an organization: a definite no
