"""The tamper rule names a trail's bucket, key and log group through checks/rules/subjects.py, the one reader of
a trail's resources, and the names it matches events by are the forms the events carry.

Forms, from AWS's documentation: CloudTrail's DescribeTrails returns ``KmsKeyId`` as a key ARN
(``arn:aws:kms:us-east-2:123456789012:key/12345678-1234-1234-1234-123456789012``) and
``CloudWatchLogsLogGroupArn`` with a ``:*`` suffix (``arn:aws:logs:us-east-2:123456789012:log-group:
CloudTrail/DefaultLogGroup:*``, CloudTrail API reference, Trail); KMS events name the key by its ARN or
bare key id, CloudWatch Logs events by the group's name (``logGroupName``).
"""
from __future__ import annotations

import pytest

from checks.facts import TrailFacts
from checks.rules import subjects

KEY_ID = "12345678-1234-1234-1234-123456789012"
KEY_ARN = f"arn:aws:kms:us-east-2:123456789012:key/{KEY_ID}"
GROUP_ARN = "arn:aws:logs:us-east-2:123456789012:log-group:CloudTrail/DefaultLogGroup:*"


def _trail(**kw) -> TrailFacts:
    return TrailFacts(arn="arn:aws:cloudtrail:us-east-2:123456789012:trail/t", name="t", home_region="us-east-2",
                      owner_account_id="123456789012",
                      **{"s3_bucket_name": "b", "kms_key_id": "", "cloudwatch_logs_log_group_arn": "", **kw})


@pytest.mark.parametrize("kms_key_id, names", [
    (KEY_ARN, (KEY_ARN, KEY_ID)), (KEY_ID, (KEY_ID, KEY_ID)), ("", ()),
    ("arn:aws-cn:kms:cn-north-1:123456789012:key/" + KEY_ID, ("arn:aws-cn:kms:cn-north-1:123456789012:key/" + KEY_ID,
                                                                KEY_ID)),
])
def test_key_names_are_the_arn_and_the_bare_key_id(kms_key_id, names):
    assert subjects.key_names(_trail(kms_key_id=kms_key_id)) == names


@pytest.mark.parametrize("arn, name", [
    (GROUP_ARN, "CloudTrail/DefaultLogGroup"), (GROUP_ARN.removesuffix(":*"), "CloudTrail/DefaultLogGroup"),
    ("arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:a:b:*", "a:b"), ("", ""),
])
def test_log_group_name_is_the_arns_name_without_the_wildcard(arn, name):
    assert subjects.log_group_name(_trail(cloudwatch_logs_log_group_arn=arn)) == name


@pytest.mark.parametrize("fact", subjects.RESOURCE_SETTINGS)
def test_an_unknown_setting_names_the_collectors_error_or_the_api(fact):
    trail = _trail(**{fact: None})
    assert subjects.unknown_setting(trail) == f"cloudtrail:DescribeTrails did not report {fact} for trail t."
    trail.errors[fact] = "cloudtrail:DescribeTrails failed for trail t: AccessDenied."
    assert subjects.unknown_setting(trail) == trail.errors[fact]
    assert subjects.unknown_setting(_trail()) is None
