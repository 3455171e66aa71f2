"""The sandbox's LookupEvents and event data stores answer in botocore's output shapes, with AWS's rules.

Shapes are checked twice: the raw dict the emulator serializes is validated against the operation's
output shape in botocore's service model (unknown keys and wrong types fail), and boto3 parses it.
Rules from the CloudTrail API reference (LookupEvents): "You can specify only one lookup attribute",
MaxResults "The default is 50, and the maximum is 50", events are returned newest first.
"""
from __future__ import annotations

import datetime as dt

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator
from moto import mock_aws

from sandbox import lake, trail_history

ACCOUNT, REGION = "123456789012", "us-east-1"
MODEL = botocore.session.get_session().get_service_model("cloudtrail")


def valid(operation: str, payload: dict) -> bool:
    report = ParamValidator().validate(payload, MODEL.operation_model(operation).output_shape)
    assert not report.has_errors(), report.generate_report()
    return True


@pytest.fixture
def ct():
    trail_history.install()
    with mock_aws():
        yield boto3.client("cloudtrail", region_name=REGION)


def _seed(n: int) -> None:
    base = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    trail_history.seed(ACCOUNT, REGION, [trail_history.make_record(
        account_id=ACCOUNT, region=REGION, name="StopLogging" if i % 2 else "StartLogging",
        source="cloudtrail.amazonaws.com", when=base + dt.timedelta(minutes=i), request={"name": "t"})
        for i in range(n)])


def test_lookup_events_raw_answer_matches_the_service_model(ct):
    _seed(3)
    raw = trail_history.lookup_events(ACCOUNT, REGION, {"MaxResults": 2})
    assert valid("LookupEvents", raw) and raw["NextToken"]


def test_lookup_events_pages_newest_first_and_filters_by_one_attribute(ct):
    _seed(120)
    pages = ct.get_paginator("lookup_events").paginate(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "StopLogging"}])
    events = [e for page in pages for e in page["Events"]]
    assert len(events) == 60 and {e["EventName"] for e in events} == {"StopLogging"}
    times = [e["EventTime"] for e in events]
    assert times == sorted(times, reverse=True)


def test_lookup_events_time_range_is_inclusive_of_the_window_only(ct):
    _seed(10)
    base = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    got = ct.lookup_events(StartTime=base + dt.timedelta(minutes=2), EndTime=base + dt.timedelta(minutes=4))
    assert len(got["Events"]) == 3


@pytest.mark.parametrize("kwargs,code", [
    ({"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "A"},
                           {"AttributeKey": "EventName", "AttributeValue": "B"}]}, "InvalidLookupAttributesException"),
    ({"StartTime": dt.datetime(2026, 11, 2), "EndTime": dt.datetime(2026, 11, 1)}, "InvalidTimeRangeException"),
    ({"NextToken": "not-a-token"}, "InvalidNextTokenException"),
])
def test_lookup_events_rejects_what_aws_rejects(ct, kwargs, code):
    with pytest.raises(ClientError) as err:
        ct.lookup_events(**kwargs)
    assert err.value.response["Error"]["Code"] == code
    assert code in {s.name for s in MODEL.operation_model("LookupEvents").error_shapes}


def test_calls_are_recorded_with_caller_and_camel_case_parameters(ct):
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="trail-bucket-14")
    ct.create_trail(Name="audit-trail", S3BucketName="trail-bucket-14", IsMultiRegionTrail=True)
    ct.stop_logging(Name="audit-trail")
    names = [e["EventName"] for e in ct.lookup_events()["Events"]]
    assert names == ["StopLogging", "CreateTrail"]  # newest first
    record = [e for e in ct.lookup_events()["Events"] if e["EventName"] == "CreateTrail"][0]
    import json
    body = json.loads(record["CloudTrailEvent"])
    assert body["requestParameters"]["isMultiRegionTrail"] is True
    assert body["userIdentity"]["arn"].startswith(f"arn:aws:") and body["awsRegion"] == REGION


def test_event_data_store_answers_match_the_service_model(ct):
    created = lake.create(ACCOUNT, REGION, {"Name": "org-eds", "KmsKeyId": "arn:aws:kms:us-east-1:1:key/k"})
    assert valid("CreateEventDataStore", created)
    assert valid("ListEventDataStores", lake.listing(ACCOUNT, REGION, {}))
    assert valid("GetEventDataStore", lake.get(ACCOUNT, REGION, {"EventDataStore": created["EventDataStoreArn"]}))


def test_event_data_store_defaults_and_ingestion_through_boto3(ct):
    arn = ct.create_event_data_store(Name="eds")["EventDataStoreArn"]
    got = ct.get_event_data_store(EventDataStore=arn)
    assert (got["MultiRegionEnabled"], got["OrganizationEnabled"], got["TerminationProtectionEnabled"],
            got["RetentionPeriod"], got["Status"]) == (True, False, True, 2557, "ENABLED")
    ct.stop_event_data_store_ingestion(EventDataStore=arn)
    assert ct.list_event_data_stores()["EventDataStores"][0]["Status"] == "STOPPED_INGESTION"
    with pytest.raises(ClientError) as err:
        ct.get_event_data_store(EventDataStore="missing")
    assert err.value.response["Error"]["Code"] == "EventDataStoreNotFoundException"
