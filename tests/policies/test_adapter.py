"""The adapter alone: Pulumi props (and preview unknowns) -> the facts the rules read."""
from __future__ import annotations

import json

import pytest
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from checks.facts import ClassicSelector
from trailguard_policies.props import UNKNOWN, StackResource, plain
from trailguard_policies.stack_adapter import Params, account_from_stack
from trailguard_policies.trail_adapter import TRAIL_TYPE, trail_facts

U = UNKNOWN_STRING_VALUE


def trail(props, urn="urn:trail", deps=None) -> StackResource:
    return StackResource(TRAIL_TYPE, props, urn, "trail", tuple((deps or {}).get("*", ())), deps or {})


def facts(props):
    return trail_facts(trail(props), account_id="111111111111", region="us-east-1")


def test_engine_proxy_raises_on_membership_of_an_unknown_prop():
    # why plain() exists: the SDK's proxy reads the value even for `in`
    proxied = unknown_checking_proxy({"kmsKeyId": U})
    with pytest.raises(UnknownValueError):
        "kmsKeyId" in proxied  # noqa: B015


def test_plain_marks_unknowns_without_reading_them():
    proxied = unknown_checking_proxy({"kmsKeyId": U, "tags": {"Owner": U, "Team": "sec"}, "sel": [U, "x"]})
    assert plain(proxied) == {"kmsKeyId": UNKNOWN, "tags": {"Owner": UNKNOWN, "Team": "sec"}, "sel": [UNKNOWN, "x"]}


def test_unknown_has_no_truth_value():
    with pytest.raises(TypeError):
        bool(UNKNOWN)


def test_trail_defaults_follow_the_provider_when_props_are_absent():
    t = facts({"s3BucketName": "logs"})
    assert (t.is_multi_region, t.include_global_service_events, t.log_file_validation_enabled) == (False, True, False)
    assert t.status.is_logging is True and t.kms_key_id == "" and t.is_organization is False


def test_trail_without_selectors_gets_cloudtrails_default_selector():
    assert facts({"s3BucketName": "logs"}).selectors.classic == (ClassicSelector(),)


def test_trail_advanced_selectors_are_mapped_field_by_field():
    sel = [{"name": "mgmt", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]},
                                                {"field": "eventSource", "notEquals": ["kms.amazonaws.com"]}]}]
    adv = facts({"s3BucketName": "logs", "advancedEventSelectors": sel}).selectors.advanced[0]
    assert adv.field_selectors[0].equals == ("Management",)
    assert adv.field_selectors[1].not_equals == ("kms.amazonaws.com",)


def test_trail_classic_selectors_keep_exclusions_and_data_resources():
    sel = [{"readWriteType": "WriteOnly", "includeManagementEvents": False,
            "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}],
            "excludeManagementEventSources": ["kms.amazonaws.com"]}]
    c = facts({"s3BucketName": "logs", "eventSelectors": sel}).selectors.classic[0]
    assert (c.read_write_type, c.include_management_events) == ("WriteOnly", False)
    assert c.data_resources[0].values == ("arn:aws:s3",)
    assert c.exclude_management_event_sources == ("kms.amazonaws.com",)


def test_trail_unknown_props_become_none_with_a_reason():
    t = facts({"s3BucketName": "logs", "enableLogFileValidation": UNKNOWN_BOOLEAN_VALUE, "kmsKeyId": U,
               "eventSelectors": [{"readWriteType": U}]})
    assert t.log_file_validation_enabled is None and t.kms_key_id is None and t.selectors is None
    assert "enableLogFileValidation" in t.errors["log_file_validation_enabled"]


def test_trail_tags_merge_default_tags_from_tags_all():
    assert facts({"s3BucketName": "l", "tags": {"A": "1"}, "tagsAll": {"A": "1", "B": "2"}}).tags == {"A": "1", "B": "2"}


def bucket_stack(*extra: StackResource, name=None) -> list[StackResource]:
    bucket = StackResource("aws:s3/bucket:Bucket", {"bucket": name} if name else {}, "urn:bucket", "logs")
    t = trail({"s3BucketName": name or U}, deps={"s3BucketName": ("urn:bucket",)})
    return [bucket, *extra, t]


def side(type_, props, urn) -> StackResource:
    return StackResource(type_, {"bucket": U, **props}, urn, urn, ("urn:bucket",), {"bucket": ("urn:bucket",)})


def test_side_by_side_resources_join_by_property_dependency_when_the_name_is_unknown():
    view = account_from_stack(bucket_stack(
        side("aws:s3/bucketVersioning:BucketVersioning", {"versioningConfiguration": {"status": "Enabled"}}, "v"),
        side("aws:s3/bucketOwnershipControls:BucketOwnershipControls",
             {"rule": {"objectOwnership": "BucketOwnerEnforced"}}, "o")))
    t = view.account.trails[0]
    b = view.account.buckets[t.s3_bucket_name]
    assert (b.versioning_status, b.object_ownership) == ("Enabled", "BucketOwnerEnforced")
    assert view.urns[f"arn:aws:s3:::{b.name}"] == "urn:bucket"


def test_side_by_side_resources_join_by_name_when_known():
    enc = StackResource("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
                        {"bucket": "logs", "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"},
                                                      "bucketKeyEnabled": True}]}, "urn:enc", "enc")
    b = account_from_stack(bucket_stack(enc, name="logs")).account.buckets["logs"]
    assert (b.sse_algorithm, b.bucket_key_enabled) == ("aws:kms", True)


def test_bucket_without_side_resources_is_not_configured():
    b = account_from_stack(bucket_stack(name="logs")).account.buckets["logs"]
    assert not b.public_access_block.all_on and b.versioning_status == "" and b.policy == {}


def test_bucket_policy_json_is_parsed_and_an_unknown_policy_stays_unknown():
    doc = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]}
    known = account_from_stack(bucket_stack(side("aws:s3/bucketPolicy:BucketPolicy", {"policy": json.dumps(doc)}, "p"),
                                            name="logs")).account.buckets["logs"]
    assert known.policy == doc and known.policy_is_public is True
    unknown = account_from_stack(bucket_stack(side("aws:s3/bucketPolicy:BucketPolicy", {"policy": U}, "p"),
                                              name="logs")).account.buckets["logs"]
    assert unknown.policy is None and unknown.errors["policy"]


def test_key_log_group_and_filters_resolve_through_trail_dependencies():
    key = StackResource("aws:kms/key:Key", {"enableKeyRotation": True}, "urn:key", "key")
    group = StackResource("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 400, "kmsKeyId": U}, "urn:lg", "lg")
    flt = StackResource("aws:cloudwatch/logMetricFilter:LogMetricFilter",
                        {"logGroupName": U, "pattern": "{ $.eventName = X }",
                         "metricTransformation": {"name": "m", "namespace": "ns", "value": "1"}},
                        "urn:f", "f", (), {"logGroupName": ("urn:lg",)})
    t = trail({"s3BucketName": "logs", "kmsKeyId": U, "cloudWatchLogsGroupArn": U},
              deps={"kmsKeyId": ("urn:key",), "cloudWatchLogsGroupArn": ("urn:lg",)})
    account = account_from_stack([key, group, flt, t], Params(account_id="111111111111")).account
    tf = account.trails[0]
    assert account.keys[tf.kms_key_id].rotation_enabled is True
    lg = account.log_groups[tf.cloudwatch_logs_log_group_arn]
    assert lg.retention_in_days == 400 and lg.kms_key_id is None
    assert lg.metric_filters[0].pattern == "{ $.eventName = X }"


def test_account_id_comes_from_known_arns():
    key = StackResource("aws:kms/key:Key", {"arn": "arn:aws:kms:us-east-1:123456789012:key/k"}, "urn:key", "key")
    assert account_from_stack([key]).account.account_id == "123456789012"
