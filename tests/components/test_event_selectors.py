"""Advanced event selectors built from presets (pure builder, no Pulumi)."""
from __future__ import annotations

import pytest

from components.errors import SettingsError
from components.event_selectors import build_selectors, to_args

OWN = ["trail-logs", "trail-access-logs"]


def build(presets, **kw):
    return build_selectors(presets, partition="aws", excluded_buckets=OWN, **kw)


def fields_of(selector: dict) -> dict:
    return {f["field"]: {k: v for k, v in f.items() if k != "field"} for f in selector["field_selectors"]}


def test_management_write_only_adds_the_read_only_false_field():
    (sel,) = build(["management-write-only"])
    assert fields_of(sel) == {"eventCategory": {"equals": ["Management"]}, "readOnly": {"equals": ["false"]}}


def test_exclude_kms_rds_data_filters_those_sources_from_management_events():
    (sel,) = build(["management-all", "exclude-kms-rds-data"])
    assert fields_of(sel)["eventSource"] == {"not_equals": ["kms.amazonaws.com", "rdsdata.amazonaws.com"]}


@pytest.mark.parametrize("preset,read_only", [("s3-read", ["true"]), ("s3-write", ["false"]), ("s3-read-write", None)])
def test_s3_modes_set_read_only_and_record_all_buckets(preset, read_only):
    # CIS 3.8/3.9 and Config cloudtrail-all-*-s3-data-event-check: all current and future buckets
    (sel,) = build([preset])
    f = fields_of(sel)
    assert f["eventCategory"] == {"equals": ["Data"]} and f["resources.type"] == {"equals": ["AWS::S3::Object"]}
    assert f.get("readOnly", {}).get("equals") == read_only
    assert "resources.ARN" not in f


def test_s3_modes_exclude_own_buckets_only_when_asked():
    (sel,) = build(["s3-read-write"], exclude_own_buckets=True)
    assert fields_of(sel)["resources.ARN"] == {
        "not_starts_withs": ["arn:aws:s3:::trail-logs/", "arn:aws:s3:::trail-access-logs/"]}


def test_listed_s3_buckets_are_selected_and_own_buckets_dropped_from_the_list():
    (sel,) = build(["s3-write"], s3_buckets=["payroll", "trail-logs"])
    assert fields_of(sel)["resources.ARN"] == {"starts_withs": ["arn:aws:s3:::payroll/"]}


def test_listing_only_own_buckets_is_a_settings_error():
    with pytest.raises(SettingsError, match="s3DataEventBuckets: .* lists only the trail's own log buckets"):
        build(["s3-read"], s3_buckets=["trail-logs"])


def test_data_selectors_never_include_management_events():
    selectors = build(["management-all", "s3-read-write", "lambda-all", "dynamodb-all"])
    assert [fields_of(s)["eventCategory"] for s in selectors] == [
        {"equals": ["Management"]}, {"equals": ["Data"]}, {"equals": ["Data"]}, {"equals": ["Data"]}]


def test_lambda_and_dynamodb_lists_select_exact_arns():
    fn = "arn:aws:lambda:us-east-1:111111111111:function:pay"
    table = "arn:aws:dynamodb:us-east-1:111111111111:table/ledger"
    lam, ddb = build(["lambda-all", "dynamodb-all"], lambda_function_arns=[fn], dynamodb_table_arns=[table])
    assert fields_of(lam)["resources.ARN"] == {"equals": [fn]}
    assert fields_of(lam)["resources.type"] == {"equals": ["AWS::Lambda::Function"]}
    assert fields_of(ddb)["resources.ARN"] == {"equals": [table]}


def test_lambda_all_without_arns_selects_every_function():
    (lam,) = build(["lambda-all"])
    assert "resources.ARN" not in fields_of(lam)


def test_selector_names_are_unique():
    names = [s["name"] for s in build(["management-all", "s3-read", "lambda-all", "dynamodb-all"])]
    assert len(names) == len(set(names)) == 4


def test_typed_args_accept_every_operator_the_builder_emits():
    selectors = build(["management-all", "exclude-kms-rds-data", "s3-read"], s3_buckets=[]) + \
        build(["s3-write"], s3_buckets=["payroll"])
    assert len(to_args(selectors)) == 3
