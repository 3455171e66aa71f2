"""The emulator's bucket-policy condition evaluation for object requests (sandbox/s3policy.py).

IAM User Guide, "IAM JSON policy elements: Condition operators": a condition on a key that is missing
from the request context evaluates to false, except with ...IfExists, with negated operators
(StringNotEquals and the like) and with Null; a statement applies only when all its conditions match.
"""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from sandbox.s3policy import applicable_statements, condition_matches, install

SECURE = {"aws:SecureTransport": "true"}


@pytest.mark.parametrize("condition, expected", [
    ({"Bool": {"aws:SecureTransport": "false"}}, False),  # DenyInsecureTransport does not apply over TLS
    ({"Bool": {"aws:SecureTransport": "true"}}, True),
    ({"Bool": {"aws:securetransport": ["TRUE"]}}, True),  # keys and Bool values are case-insensitive
    ({"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:*"}}, False),  # key absent: false
    ({"StringEqualsIfExists": {"aws:SourceArn": "x"}}, True),  # absent, IfExists: true
    ({"StringNotEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}, True),  # absent, negated: true
    ({"Null": {"aws:SourceArn": "true"}}, True),
    ({"Null": {"aws:SecureTransport": "true"}}, False),
    ({"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:SourceArn": "x"}}, False),  # all must match
])
def test_condition_matches_per_iam_operators(condition, expected):
    assert condition_matches(condition, SECURE) is expected


def test_statements_whose_condition_fails_are_left_out():
    policy = {"Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "Plain", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}
    assert [s["Sid"] for s in applicable_statements(policy, SECURE)] == ["Plain"]
    assert [s["Sid"] for s in applicable_statements(policy, {"aws:SecureTransport": "false"})] == [
        "DenyInsecureTransport", "Plain"]


def test_hardened_bucket_objects_are_readable_over_tls_in_the_emulator():
    """moto alone denies every Get/Put on a bucket with a DenyInsecureTransport statement."""
    import json

    install()
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="hardened-logs")
        s3.put_bucket_policy(Bucket="hardened-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": ["arn:aws:s3:::hardened-logs", "arn:aws:s3:::hardened-logs/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "DenyDeletes", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
             "Resource": "arn:aws:s3:::hardened-logs/*"}]}))
        s3.put_object(Bucket="hardened-logs", Key="k", Body=b"x")
        assert s3.get_object(Bucket="hardened-logs", Key="k")["Body"].read() == b"x"
