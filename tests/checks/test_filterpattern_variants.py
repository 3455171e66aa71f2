"""Real-world pattern texts judged by meaning: a filter passes when it counts every required event; breadth is named.

Texts: CIS v1.4-v7.0 as transcribed in controls.md §2.4; nozaq/terraform-aws-secure-baseline
modules/alarm-baseline and cloudposse/terraform-aws-cloudtrail-cloudwatch-alarms catalog/cis_benchmark.yaml
(provisioning.md §1c, §3a). Only the pattern strings are reproduced, as test data.
"""
from __future__ import annotations

import pytest

from checks.cis import FILTER_SPECS, VARIANTS, evaluate_filter

UNAUTH_CIS_14_30_OR = ('{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || '
                       '($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }')
UNAUTH_CIS_5_AND = ('{(($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && '
                    '(($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}')
# Without outer parentheses && binds first: A || (B && C && D). None of our decoys tells the two apart.
UNAUTH_MIXED = ('{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && '
                '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }')
UNAUTH_CLOUDPOSSE = '{($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")}'
NO_MFA_CIS = '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'
NO_MFA_SSO = ('{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
              '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }')
ROOT = ('{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
        '$.eventType != "AwsServiceEvent" }')
IAM_NAMES = ("DeleteGroupPolicy DeleteRolePolicy DeleteUserPolicy PutGroupPolicy PutRolePolicy PutUserPolicy "
             "CreatePolicy DeletePolicy CreatePolicyVersion DeletePolicyVersion AttachRolePolicy DetachRolePolicy "
             "AttachUserPolicy DetachUserPolicy AttachGroupPolicy DetachGroupPolicy").split()
IAM_NOZAQ = "{" + "||".join(f"($.eventName={n})" for n in IAM_NAMES) + "}"
IAM_AND_JOIN = "{" + " && ".join(f"($.eventName = {n})" for n in IAM_NAMES) + "}"
SG6 = ("AuthorizeSecurityGroupIngress AuthorizeSecurityGroupEgress RevokeSecurityGroupIngress "
       "RevokeSecurityGroupEgress CreateSecurityGroup DeleteSecurityGroup").split()
ROUTE = "CreateRoute CreateRouteTable ReplaceRoute ReplaceRouteTableAssociation DeleteRouteTable DeleteRoute " \
        "DisassociateRouteTable".split()
ORG = ("AcceptHandshake AttachPolicy CreateAccount CreateOrganizationalUnit CreatePolicy DeclineHandshake "
       "DeleteOrganization DeleteOrganizationalUnit DeletePolicy DetachPolicy DisablePolicyType EnablePolicyType "
       "InviteAccountToOrganization LeaveOrganization MoveAccount RemoveAccountFromOrganization UpdatePolicy "
       "UpdateOrganizationalUnit").split()


def _or(names, quote=False):
    q = '"' if quote else ""
    return " || ".join(f"($.eventName = {q}{n}{q})" for n in names)


def _with_source(source, names, quote=False):
    return "{ ($.eventSource = " + source + ") && (" + _or(names, quote) + ") }"


CASES = [
    # (spec, pattern, passes, text the reason must contain)
    ("UnauthorizedAPICalls", UNAUTH_CIS_14_30_OR, True, "broader than needed, it also counts a successful call"),
    ("UnauthorizedAPICalls", UNAUTH_CIS_5_AND, True, "(3 required events)"),
    ("UnauthorizedAPICalls", UNAUTH_MIXED, True, "(3 required events)"),
    ("UnauthorizedAPICalls", UNAUTH_CLOUDPOSSE, True, "also counts AccessDenied from delivery.logs.amazonaws.com"),
    ("NoMFAConsoleSignin", NO_MFA_CIS, True, "required event"),
    ("NoMFAConsoleSignin", NO_MFA_SSO, True, "required event"),
    ("NoMFAConsoleSignin", '{ $.eventName = "ConsoleLogin" }', True, "also counts IAM user console sign-in with MFA"),
    ("NoMFAConsoleSignin", '{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed = "Yes" }', False,
     "does not count IAM user console sign-in without MFA"),
    ("RootUsage", ROOT, True, "required event"),
    ("RootUsage", '{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }', True, "invokedBy"),
    ("RootUsage", '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy EXISTS }', False, "column"),
    ("IAMChanges", IAM_NOZAQ, True, "16 required events"),
    ("IAMChanges", IAM_AND_JOIN, False, "does not count iam:DeleteGroupPolicy"),
    ("IAMChanges", "{" + _or(IAM_NAMES[:-1]) + "}", False, "iam:DetachGroupPolicy"),
    ("IAMChanges", "{" + _or(["DeleteRolePolicies" if n == "DeleteRolePolicy" else n for n in IAM_NAMES]) + "}",
     False, "does not count iam:DeleteRolePolicy"),
    ("IAMChanges", "{ $.eventName = *Policy* }", True, "also counts iam:GetPolicy"),
    ("CloudTrailCfgChanges", "{ " + _or(["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging",
                                         "StopLogging"]) + " }", True, ""),
    ("ConsoleSigninFailures", '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
     True, ""),
    ("DisableOrDeleteCMK", "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||"
                           "($.eventName=ScheduleKeyDeletion))}", True, ""),
    ("S3BucketPolicyChanges", _with_source("s3.amazonaws.com", [
        "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
        "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication"]), True, ""),
    ("AWSConfigChanges", "{($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||"
                         "($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||"
                         "($.eventName=PutConfigurationRecorder))}", True, ""),
    # nozaq and Cloud Posse stop at the six CIS <= 4.0 names: ModifySecurityGroupRules (v5.0+) is named, not failed.
    ("SecurityGroupChanges", "{ " + _or(SG6) + " }", True, "does not count ec2:ModifySecurityGroupRules, which newer"),
    ("SecurityGroupChanges", "{ " + _or(SG6[:-1]) + " }", False, "does not count ec2:DeleteSecurityGroup"),
    ("SecurityGroupChanges", "{ " + _or(SG6 + ["ModifySecurityGroupRules"]) + " }", True, ""),
    ("NACLChanges", "{ " + _or(["CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl",
                                "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry",
                                "ReplaceNetworkAclAssociation"]) + " }", True, ""),
    ("NetworkGWChanges", "{ " + _or(["CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway",
                                     "CreateInternetGateway", "DeleteInternetGateway",
                                     "DetachInternetGateway"]) + " }", True, ""),
    ("RouteTableChanges", "{ " + _or(ROUTE) + " }", True, ""),  # CIS v1.4 / v5.0+, nozaq, Cloud Posse
    ("RouteTableChanges", _with_source("ec2.amazonaws.com", ROUTE), True, ""),  # CIS v3.0 / v4.0.1
    ("VPCChanges", "{ " + _or(["CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
                               "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection",
                               "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
                               "DisableVpcClassicLink", "EnableVpcClassicLink"]) + " }", True, ""),
    ("OrganizationsChanges", _with_source("organizations.amazonaws.com", ORG, quote=True), True, ""),
    ("OrganizationsChanges", _with_source("organizations.amazonaws.com",
                                          ORG + ["CancelHandshake", "CreateOrganization", "EnableAllFeatures"]),
     True, ""),  # Prowler's superset: extra names are fine
    ("OrganizationsChanges", "{ " + _or(ORG) + " }", True, "also counts iam:CreatePolicy"),
    ("TrailSelectorChanges", "{ " + _or(["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging",
                                         "StopLogging"]) + " }", False, "cloudtrail:PutEventSelectors"),
    ("RootUsage", '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXIST }', False,
     "cannot be parsed (column 64: expected EXISTS after NOT"),
]


@pytest.mark.parametrize("spec_name, pattern, passes, reason_part", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_pattern_variants_are_judged_by_meaning(spec_name, pattern, passes, reason_part):
    ok, reason = evaluate_filter(spec_name, pattern)
    assert ok is passes, reason
    assert reason_part in reason


@pytest.mark.parametrize("pattern, variant, passes, reason_part", [
    (NO_MFA_CIS, "cis", True, "required event"),
    (NO_MFA_SSO, "sso-friendly", True, "required event"),
    (NO_MFA_CIS, "sso-friendly", False, "counts SSO (federated) console sign-in, which the chosen variant"),
    (NO_MFA_SSO, "cis", False, "does not count SSO (federated) console sign-in without MFA"),
])
def test_console_signin_variant_chosen_by_the_stack_is_enforced(pattern, variant, passes, reason_part):
    ok, reason = evaluate_filter("NoMFAConsoleSignin", pattern, variant)
    assert ok is passes and reason_part in reason, reason


@pytest.mark.parametrize("spec", FILTER_SPECS, ids=lambda s: s.name)
def test_provisioned_patterns_pass_and_fit_cloudwatch_limit(spec):
    for variant in VARIANTS:
        pattern = spec.pattern_for(variant)
        assert len(pattern) <= 1024  # PutMetricFilter rejects longer patterns
        assert evaluate_filter(spec.name, pattern, variant)[0]


@pytest.mark.parametrize("spec", FILTER_SPECS, ids=lambda s: s.name)
def test_broad_pattern_passes_and_is_named_broader_than_needed(spec):
    """Breadth short of a flood (every write call, never a read-only Describe) passes, named; an empty or
    match-all pattern fails (test_filter_floods.py)."""
    ok, reason = evaluate_filter(spec.name, "{ $.readOnly IS FALSE }")
    assert ok and "broader than needed, it also counts" in reason, reason


def test_evaluate_filter_rejects_unknown_spec_and_variant():
    with pytest.raises(KeyError, match="allowed: UnauthorizedAPICalls"):
        evaluate_filter("NoSuchFilter", "{ $.a = 1 }")
    with pytest.raises(ValueError, match="variant"):
        evaluate_filter("RootUsage", ROOT, "strict")
