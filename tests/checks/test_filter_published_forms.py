"""Every published form of the 15 CIS monitoring filters passes, proven through the parser (issue #13 item 4).

Sources of the texts (only the pattern strings are reproduced, as test data):
- CIS AWS Foundations v1.2 3.1-3.14 = Security Hub CloudWatch.1-.14 (the Security Hub user guide gives the
  CIS v1.2 filter text per control; CloudWatch.2 has only the two errorCode terms);
- CIS v1.4-v3.0 4.x (unauthorized API: exclusions joined with ``||``; route tables v3.0/4.0.1 with the
  ``eventSource`` clause), CIS v5.0 4.x and v6.0+ 5.x (unauthorized API: exclusions joined with ``&&``;
  security groups add ModifySecurityGroupRules), transcribed in /work/shared/reference/controls.md §2.4;
- nozaq/terraform-aws-secure-baseline modules/alarm-baseline/main.tf and
  cloudposse/terraform-aws-cloudtrail-cloudwatch-alarms catalog/cis_benchmark.yaml.
A form passes when it counts every required event; breadth is named in the reason, not failed (a flood that
counts routine events no published form counts does fail: test_filter_floods.py).
"""
from __future__ import annotations

import boto3
import pytest
import test_monitoring_support as support  # tests/checks is on sys.path (conftest.py)
from moto import mock_aws

from checks.cis import FILTER_SPECS, SPECS_BY_NAME, check_filter
from checks.filterpattern import matches, parse
from checks.model import Status

IAM = ("DeleteGroupPolicy DeleteRolePolicy DeleteUserPolicy PutGroupPolicy PutRolePolicy PutUserPolicy CreatePolicy "
       "DeletePolicy CreatePolicyVersion DeletePolicyVersion AttachRolePolicy DetachRolePolicy AttachUserPolicy "
       "DetachUserPolicy AttachGroupPolicy DetachGroupPolicy").split()
TRAIL = "CreateTrail UpdateTrail DeleteTrail StartLogging StopLogging".split()
S3 = ("PutBucketAcl PutBucketPolicy PutBucketCors PutBucketLifecycle PutBucketReplication DeleteBucketPolicy "
      "DeleteBucketCors DeleteBucketLifecycle DeleteBucketReplication").split()
CONFIG = "StopConfigurationRecorder DeleteDeliveryChannel PutDeliveryChannel PutConfigurationRecorder".split()
SG = ("AuthorizeSecurityGroupIngress AuthorizeSecurityGroupEgress RevokeSecurityGroupIngress RevokeSecurityGroupEgress "
      "CreateSecurityGroup DeleteSecurityGroup").split()
NACL = ("CreateNetworkAcl CreateNetworkAclEntry DeleteNetworkAcl DeleteNetworkAclEntry ReplaceNetworkAclEntry "
        "ReplaceNetworkAclAssociation").split()
GW = ("CreateCustomerGateway DeleteCustomerGateway AttachInternetGateway CreateInternetGateway DeleteInternetGateway "
      "DetachInternetGateway").split()
ROUTE = ("CreateRoute CreateRouteTable ReplaceRoute ReplaceRouteTableAssociation DeleteRouteTable DeleteRoute "
         "DisassociateRouteTable").split()
VPC = ("CreateVpc DeleteVpc ModifyVpcAttribute AcceptVpcPeeringConnection CreateVpcPeeringConnection "
       "DeleteVpcPeeringConnection RejectVpcPeeringConnection AttachClassicLinkVpc DetachClassicLinkVpc "
       "DisableVpcClassicLink EnableVpcClassicLink").split()
ORG = ("AcceptHandshake AttachPolicy CreateAccount CreateOrganizationalUnit CreatePolicy DeclineHandshake "
       "DeleteOrganization DeleteOrganizationalUnit DeletePolicy DetachPolicy DisablePolicyType EnablePolicyType "
       "InviteAccountToOrganization LeaveOrganization MoveAccount RemoveAccountFromOrganization UpdatePolicy "
       "UpdateOrganizationalUnit").split()


def tight(names, source=None, quote=""):
    """CIS v1.2 / Security Hub layout: no spaces, e.g. {($.eventName=A)||($.eventName=B)}."""
    body = "||".join(f"($.eventName={quote}{n}{quote})" for n in names)
    return "{" + (f"($.eventSource={source}) && ({body})" if source else body) + "}"


def spaced(names, source=None, quote=""):
    """CIS v1.4+ / nozaq / Cloud Posse layout: { ($.eventName = A) || ($.eventName = B) }."""
    body = " || ".join(f"($.eventName = {quote}{n}{quote})" for n in names)
    return "{ " + (f"($.eventSource = {source}) && ({body})" if source else body) + " }"


UNAUTH_12 = '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}'
UNAUTH_14 = ('{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || '
             '($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }')
UNAUTH_50 = ('{(($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && '
             '(($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}')
MFA_12 = '{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes")}'
MFA_14 = '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'
MFA_SSO = ('{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
           '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }')
ROOT_12 = '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}'
ROOT_14 = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
FAIL_12 = '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}'
FAIL_14 = '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'

# (spec, source, text): every row must pass
PUBLISHED = [
    ("UnauthorizedAPICalls", "CIS 1.2 / SH CloudWatch.2 / Cloud Posse", UNAUTH_12),
    ("UnauthorizedAPICalls", "CIS 1.4-3.0", UNAUTH_14),
    ("UnauthorizedAPICalls", "CIS 5.0, 6.0+ / nozaq", UNAUTH_50),
    ("NoMFAConsoleSignin", "CIS 1.2 / SH CloudWatch.3", MFA_12),
    ("NoMFAConsoleSignin", "CIS 1.4+ / Cloud Posse / nozaq", MFA_14),
    ("NoMFAConsoleSignin", "CIS 1.4+ SSO variant / nozaq allow_sso", MFA_SSO),
    ("RootUsage", "CIS 1.2 / SH CloudWatch.1", ROOT_12),
    ("RootUsage", "CIS 1.4+ / nozaq / Cloud Posse", ROOT_14),
    ("IAMChanges", "CIS 1.2 / SH CloudWatch.4 / nozaq", tight(IAM)),
    ("IAMChanges", "CIS 1.4+ / Cloud Posse", spaced(IAM)),
    ("CloudTrailCfgChanges", "CIS 1.2 / SH CloudWatch.5", tight(TRAIL)),
    ("CloudTrailCfgChanges", "CIS 1.4+ / nozaq / Cloud Posse", spaced(TRAIL)),
    ("ConsoleSigninFailures", "CIS 1.2 / SH CloudWatch.6", FAIL_12),
    ("ConsoleSigninFailures", "CIS 1.4+ / nozaq / Cloud Posse", FAIL_14),
    ("DisableOrDeleteCMK", "CIS 1.2 / SH CloudWatch.7 / Cloud Posse",
     tight(["DisableKey", "ScheduleKeyDeletion"], "kms.amazonaws.com")),
    ("DisableOrDeleteCMK", "CIS 1.4+ / nozaq", spaced(["DisableKey", "ScheduleKeyDeletion"], "kms.amazonaws.com")),
    ("S3BucketPolicyChanges", "CIS 1.2 / SH CloudWatch.8", tight(S3, "s3.amazonaws.com")),
    ("S3BucketPolicyChanges", "CIS 1.4+ / nozaq / Cloud Posse", spaced(S3, "s3.amazonaws.com")),
    ("AWSConfigChanges", "CIS 1.2 / SH CloudWatch.9 / Cloud Posse", tight(CONFIG, "config.amazonaws.com")),
    ("AWSConfigChanges", "CIS 1.4+ / nozaq", spaced(CONFIG, "config.amazonaws.com")),
    ("SecurityGroupChanges", "CIS 1.2 / SH CloudWatch.10", tight(SG)),
    ("SecurityGroupChanges", "CIS 1.4-4.0 / nozaq / Cloud Posse", spaced(SG)),
    ("SecurityGroupChanges", "CIS 5.0, 6.0+", spaced(SG + ["ModifySecurityGroupRules"])),
    ("NACLChanges", "CIS 1.2 / SH CloudWatch.11", tight(NACL)),
    ("NACLChanges", "CIS 1.4+ / nozaq / Cloud Posse", spaced(NACL)),
    ("NetworkGWChanges", "CIS 1.2 / SH CloudWatch.12", tight(GW)),
    ("NetworkGWChanges", "CIS 1.4+ / nozaq / Cloud Posse", spaced(GW)),
    ("RouteTableChanges", "CIS 1.2 / SH CloudWatch.13", tight(ROUTE)),
    ("RouteTableChanges", "CIS 1.4, 5.0+ / nozaq / Cloud Posse", spaced(ROUTE)),
    ("RouteTableChanges", "CIS 3.0-4.0.1", spaced(ROUTE, "ec2.amazonaws.com")),
    ("VPCChanges", "CIS 1.2 / SH CloudWatch.14", tight(VPC)),
    ("VPCChanges", "CIS 1.4+ / nozaq / Cloud Posse", spaced(VPC)),
    ("OrganizationsChanges", "CIS 1.4+", spaced(ORG, "organizations.amazonaws.com", quote='"')),
    ("OrganizationsChanges", "nozaq", spaced(ORG, "organizations.amazonaws.com", quote='"').replace(
        "($.eventName = \"CreatePolicy\")", "($.eventName= \"CreatePolicy\")")),
]


@pytest.mark.parametrize("spec_name, source, text", PUBLISHED, ids=[f"{r[0]}:{r[1]}" for r in PUBLISHED])
def test_published_form_passes(spec_name, source, text):
    verdict = check_filter(SPECS_BY_NAME[spec_name], text)
    assert verdict.ok, f"{source}: {verdict.reason}"
    assert "required event" in verdict.reason


@pytest.mark.parametrize("spec", [s for s in FILTER_SPECS if s.cis_item], ids=lambda s: s.name)
def test_every_cis_spec_has_a_published_form_from_every_source(spec):
    sources = " ".join(src for name, src, _ in PUBLISHED if name == spec.name)
    assert "CIS 1.4" in sources
    if spec.security_hub:
        assert "CIS 1.2 / SH " + spec.security_hub in sources


@pytest.mark.parametrize("spec", FILTER_SPECS, ids=lambda s: s.name)
def test_published_forms_count_the_same_required_events_as_the_provisioned_pattern(spec):
    """Equivalence on the required events, event by event through the parser, not by comparing strings."""
    forms = [parse(spec.pattern)] + [parse(t) for name, _, t in PUBLISHED if name == spec.name]
    for probe in spec.required:
        assert all(matches(node, probe.event) for node in forms), probe.label


def _and_join(text: str) -> str:
    return text.replace("||", "&&")


# Broken copies of published forms: each misses a required event, so each fails, naming it.
BROKEN = [
    ("IAMChanges", _and_join(tight(IAM)), "does not count iam:DeleteGroupPolicy"),  # can never match
    ("VPCChanges", _and_join(spaced(VPC)), "does not count ec2:CreateVpc"),
    ("OrganizationsChanges", spaced(ORG, "organizations.amazonaws.com").replace("||", "&&"), "does not count"),
    ("CloudTrailCfgChanges", spaced(TRAIL[:-1]), "does not count cloudtrail:StopLogging"),
    ("S3BucketPolicyChanges", spaced(S3, "s3.amazonaws.com").replace("PutBucketPolicy", "PutBucketPolicies"),
     "does not count s3:PutBucketPolicy"),
    ("DisableOrDeleteCMK", spaced(["DisableKey", "ScheduleKeyDeletion"], "kms"), "does not count kms:DisableKey"),
    ("UnauthorizedAPICalls", '{ ($.errorCode = "*UnauthorizedOperation") && ($.errorCode = "AccessDenied*") }',
     "does not count ec2 Client.UnauthorizedOperation"),
    ("UnauthorizedAPICalls", '{ $.errorCode = "AccessDenied" }', "does not count ec2 Client.UnauthorizedOperation"),
    ("NoMFAConsoleSignin", MFA_14.replace('!= "Yes"', '= "Yes"'), "does not count IAM user console sign-in"),
    ("RootUsage", ROOT_14.replace("NOT EXISTS", "IS NULL"), "does not count root console sign-in"),
    ("ConsoleSigninFailures", FAIL_14.replace("Failed authentication", "Failed"), "does not count failed console"),
    ("RouteTableChanges", spaced(ROUTE, "ec2"), "does not count ec2:CreateRoute"),
]


@pytest.mark.parametrize("spec_name, text, reason", BROKEN, ids=[f"{r[0]}-{i}" for i, r in enumerate(BROKEN)])
def test_broken_form_fails_naming_the_missed_event(spec_name, text, reason):
    verdict = check_filter(SPECS_BY_NAME[spec_name], text)
    assert not verdict.ok and reason in verdict.reason, verdict.reason


def test_cloudwatch_unauthorized_api_calls_alarm_configured_pass_live_cloud_posse_and_six_name_sg_filters():
    """moto end to end: Cloud Posse's unauthorized-API filter (no exclusions) and nozaq's six-name security group
    filter, each with its alarm and a confirmed subscriber, pass; the SG finding still names the v5.0 event."""
    with mock_aws():
        session = boto3.Session(region_name=support.REGION)
        support.build(session, patterns={"UnauthorizedAPICalls": UNAUTH_12, "SecurityGroupChanges": spaced(SG)})
        unauth = support.audit("cloudwatch_unauthorized_api_calls_alarm_configured", session)
        sg = support.audit("cloudwatch_security_group_changes_alarm_configured", session)
    assert unauth.status is Status.PASS and "'UnauthorizedAPICalls'" in unauth.reason, unauth.reason
    assert sg.status is Status.PASS and "does not count ec2:ModifySecurityGroupRules" in sg.reason, sg.reason
    assert "broader than needed: it also counts AccessDenied from delivery.logs" in unauth.reason
