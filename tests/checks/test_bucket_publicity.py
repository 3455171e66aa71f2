"""CT-09's policy evaluation follows S3's "The meaning of public" (issue #13 item 6).

Amazon S3 User Guide, "Blocking public access to your Amazon S3 storage", section "The meaning of public",
"Bucket policies": "To be considered non-public, a bucket policy must grant access only to fixed values
(values that don't contain a wildcard or an AWS Identity and Access Management Policy Variable) for one or
more of the following: An AWS principal, user, role, or service principal (e.g. aws:PrincipalOrgID); A set
of Classless Inter-Domain Routings (CIDRs), using aws:SourceIp ... Note: Bucket policies that grant access
conditioned on the aws:SourceIp condition key with very broad IP ranges (for example, 0.0.0.0/1) are
evaluated as 'public.' This includes values broader than /8 for IPv4 and /32 for IPv6 (excluding RFC1918
private ranges). aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceOwner, aws:SourceAccount,
s3:x-amz-server-side-encryption-aws-kms-key-id, aws:userid, outside the pattern 'AROLEID:*',
s3:DataAccessPointArn (Note: ... can contain a wildcard for the access point name without rendering the
policy public, as long as the account id is fixed), s3:DataAccessPointAccount." Its examples: Principal
{"Federated": "graph.facebook.com"} is public; "aws:SourceVpc": "vpc-*" (StringLike) is public;
StringEquals "aws:SourceVpc": "vpc-91237329" is not.
"""
from __future__ import annotations

import pytest

from checks.model import Status
from checks.rules.bucket_exposure import limiting_condition, narrow_cidr, open_statements

CT09 = "cloudtrail_bucket_not_public"


def policy(condition=None, principal="*", **extra):
    st = {"Sid": "S", "Effect": "Allow", "Principal": principal, "Action": "s3:GetObject",
          "Resource": "arn:aws:s3:::b/*", **extra}
    if condition is not None:
        st["Condition"] = condition
    if principal is None:
        del st["Principal"]
    return {"Statement": [st]}


def public(pol) -> bool:
    return bool(open_statements(pol))


# --- aws:SourceIp prefix lengths: a sweep over every prefix ------------------------------------------

@pytest.mark.parametrize("prefix", range(0, 33))
def test_ipv4_source_ip_limits_from_slash_8(prefix):
    # "broader than /8" is public: /0 - /7; /8 and longer limit callers. 203.0.113.0 is not RFC1918.
    assert narrow_cidr(f"203.0.113.0/{prefix}") is (prefix >= 8)


@pytest.mark.parametrize("prefix", [0, 1, 16, 31, 32, 33, 48, 64, 127, 128])
def test_ipv6_source_ip_limits_from_slash_32(prefix):
    assert narrow_cidr(f"2001:db8::/{prefix}") is (prefix >= 32)


@pytest.mark.parametrize("value, limits", [
    ("0.0.0.0/0", False), ("0.0.0.0/1", False), ("::/0", False),
    ("10.0.0.0/8", True), ("172.16.0.0/12", True), ("192.168.0.0/16", True),  # RFC1918 ranges
    ("203.0.113.7", True), ("2001:db8::1", True),  # a bare address is a /32 or /128
    ("203.0.113.*", False), ("${aws:SourceIp}", False), ("", False), ("not-an-ip", False),
])
def test_source_ip_values(value, limits):
    assert narrow_cidr(value) is limits


# --- keys that count, operators that limit, wildcard values ---------------------------------------------

COUNTING = ["aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:SourceArn", "aws:SourceVpc",
            "aws:SourceVpce", "aws:SourceOwner", "aws:SourceAccount", "s3:x-amz-server-side-encryption-aws-kms-key-id",
            "aws:userid", "s3:DataAccessPointArn", "s3:DataAccessPointAccount"]
NOT_COUNTING = ["aws:SourceOrgID", "aws:username", "aws:RequestedRegion", "aws:SecureTransport", "s3:prefix",
                "aws:UserAgent", "aws:Referer"]


@pytest.mark.parametrize("key", COUNTING)
def test_fixed_value_of_a_listed_key_makes_star_grant_private(key):
    assert not public(policy({"StringEquals": {key: "fixed-value-123"}}))
    assert not public(policy({"StringEquals": {key.upper(): "fixed-value-123"}}))  # keys are case-insensitive


@pytest.mark.parametrize("key", NOT_COUNTING)
def test_key_not_listed_by_s3_leaves_star_grant_public(key):
    assert public(policy({"StringEquals": {key: "fixed-value-123"}}))


@pytest.mark.parametrize("value", ["*", "vpc-*", "vpc-?2345", "${aws:username}", "", ["vpc-1", "vpc-*"]])
def test_wildcard_or_variable_value_leaves_star_grant_public(value):
    assert public(policy({"StringLike": {"aws:SourceVpc": value}}))


@pytest.mark.parametrize("operator, public_", [
    ("StringEquals", False), ("StringLike", False), ("ForAnyValue:StringEquals", False),
    ("StringNotEquals", True), ("StringNotLike", True), ("StringEqualsIfExists", True),
    ("ForAllValues:StringEquals", True), ("Null", True),
])
def test_only_operators_that_limit_to_the_values_count(operator, public_):
    assert public(policy({operator: {"aws:SourceAccount": "123456789012"}})) is public_


@pytest.mark.parametrize("operator, cidr, public_", [
    ("IpAddress", "203.0.113.0/24", False), ("NotIpAddress", "203.0.113.0/24", True),
    ("IpAddress", "0.0.0.0/0", True), ("IpAddress", ["203.0.113.0/24", "0.0.0.0/0"], True),
    ("IpAddressIfExists", "203.0.113.0/24", True),
])
def test_source_ip_condition(operator, cidr, public_):
    assert public(policy({operator: {"aws:SourceIp": cidr}})) is public_


@pytest.mark.parametrize("key, value, public_", [
    ("aws:userid", "AROAEXAMPLEID:*", False),  # "outside the pattern AROLEID:*": one role, any session
    ("aws:userid", "*:alice", True),
    ("s3:DataAccessPointArn", "arn:aws:s3:us-west-2:123456789012:accesspoint/*", False),  # the page's example
    ("s3:DataAccessPointArn", "arn:aws:s3:us-west-2:*:accesspoint/*", True),  # account not fixed
    ("aws:SourceArn", "arn:aws:cloudtrail:*:123456789012:trail/*", True),
    ("aws:SourceArn", "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail", False),
])
def test_pattern_exceptions_and_wildcards(key, value, public_):
    assert public(policy({"StringLike": {key: value}})) is public_


@pytest.mark.parametrize("principal, extra, public_", [
    ("*", {}, True), ({"AWS": "*"}, {}, True), ({"AWS": ["arn:aws:iam::111122223333:root", "*"]}, {}, True),
    ({"Federated": "graph.facebook.com"}, {}, True),  # the page's first public example
    ({"AWS": "arn:aws:iam::111122223333:root"}, {}, False), ({"Service": "cloudtrail.amazonaws.com"}, {}, False),
    ({"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}, {}, False),
    (None, {"NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}}, True),  # everyone else
])
def test_principals(principal, extra, public_):
    assert public(policy(principal=principal, **extra)) is public_


def test_deny_statement_never_makes_public():
    assert not public({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]})


def test_limiting_condition_names_the_key():
    assert limiting_condition({"StringEquals": {"aws:SourceVpc": "vpc-91237329"}}) == "aws:sourcevpc"
    assert limiting_condition({"StringLike": {"aws:SourceVpc": "vpc-*"}}) == ""


# --- the control, on facts and on moto --------------------------------------------------------------

def test_cloudtrail_bucket_not_public_fail_source_ip_all_of_ipv4(kit):
    from checks.facts import PublicAccessBlock

    bucket = kit.bucket(public_access_block=PublicAccessBlock(), policy_is_public=None,
                        policy=policy({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
                        errors={"policy_is_public": "s3:GetBucketPolicyStatus failed: AccessDenied."})
    finding = kit.one(CT09, kit.account(buckets=[bucket]))
    assert finding.status is Status.FAIL and "statement S" in finding.reason


def test_cloudtrail_bucket_not_public_fail_live_source_ip_all_of_ipv4_status_unavailable(world):
    """moto end to end: with GetBucketPolicyStatus denied, our evaluation alone finds the 0.0.0.0/0 grant."""
    world.account_block_public_access(on=False)
    world.bucket("trail-archive", block_public=False, policy={"Version": "2012-10-17", "Statement": [
        {"Sid": "Office", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::trail-archive/*", "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}}]})
    world.trail()
    world.deny("s3", "GetBucketPolicyStatus")
    _, (finding,) = world.run(CT09)
    assert finding.status is Status.FAIL and "statement Office" in finding.reason


def test_cloudtrail_bucket_not_public_pass_live_source_ip_narrow_range(world):
    world.account_block_public_access(on=False)
    world.bucket("trail-archive", block_public=False, policy={"Version": "2012-10-17", "Statement": [
        {"Sid": "Office", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::trail-archive/*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})
    world.trail()
    world.deny("s3", "GetBucketPolicyStatus")
    _, (finding,) = world.run(CT09)
    assert finding.status is Status.PASS, finding.reason
