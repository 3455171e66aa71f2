"""The 16 monitoring filter specs (CIS "Monitoring" 4.x/5.x plus selector tampering): CM-01..CM-16.

One spec per filter gives the pattern ``components/monitoring.py`` provisions and the synthetic CloudTrail
events the audit and the policy pack demand any pattern count (:mod:`checks.cis` holds the machinery:
:class:`~checks.cis.FilterSpec`, the event builders and :func:`~checks.cis.check_filter`).
``checks/catalog/monitoring.py`` registers one control per spec. A filter's ``name`` is what users put in
``trailguard:disabledAlarms``; never rename one.
"""
from __future__ import annotations

from checks.cis import NO_MFA, NOISE, FilterSpec, Probe, calls, event, names_spec


def _console_login(mfa: str, identity: str = "IAMUser", result: str = "Success", **extra) -> dict:
    return event("signin.amazonaws.com", "ConsoleLogin", eventType="AwsConsoleSignIn",
                 userIdentity={"type": identity}, additionalEventData={"MFAUsed": mfa},
                 responseElements={"ConsoleLogin": result}, **extra)


_UNAUTHORIZED = FilterSpec(
    name="UnauthorizedAPICalls", ref="CM-01", control_id="cloudwatch_unauthorized_api_calls_alarm_configured",
    summary="API calls refused as unauthorized or access denied", cis_item=1, security_hub="CloudWatch.2",
    pattern='{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && '
            '(($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket")) }',
    required=(
        Probe("ec2 Client.UnauthorizedOperation", event("ec2.amazonaws.com", "RunInstances",
                                                        errorCode="Client.UnauthorizedOperation")),
        Probe("s3 AccessDenied", event("s3.amazonaws.com", "PutBucketPolicy", errorCode="AccessDenied")),
        Probe("kms AccessDeniedException", event("kms.amazonaws.com", "Decrypt", errorCode="AccessDeniedException")),
    ),
    decoys=(
        Probe("a successful call", event("iam.amazonaws.com", "CreateUser")),
        Probe("a throttled call", event("ec2.amazonaws.com", "RunInstances", errorCode="ThrottlingException")),
        # CIS v1.4+ excludes these two: log delivery probing and HeadBucket checks are noise, not attacks.
        Probe("AccessDenied from delivery.logs.amazonaws.com", event(
            "s3.amazonaws.com", "GetBucketAcl", errorCode="AccessDenied",
            sourceIPAddress="delivery.logs.amazonaws.com")),
        Probe("AccessDenied on HeadBucket", event("s3.amazonaws.com", "HeadBucket", errorCode="AccessDenied")),
        NOISE,
    ),
    # CIS v1.4-3.0 joins the exclusions with ||, so its own text counts nearly everything (NOISE too) and must
    # pass; the one event it leaves out is a successful HeadBucket by CloudTrail's log delivery.
    floods=(Probe("a successful HeadBucket by delivery.logs.amazonaws.com", event(
        "s3.amazonaws.com", "HeadBucket", sourceIPAddress="delivery.logs.amazonaws.com", readOnly=True)),),
)

_CIS_NO_MFA = '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'
_NO_MFA = FilterSpec(
    name=NO_MFA, ref="CM-02", control_id="cloudwatch_console_signin_without_mfa_alarm_configured",
    summary="console sign-ins without MFA", cis_item=2, security_hub="CloudWatch.3",
    pattern=_CIS_NO_MFA,
    variant_patterns={
        "cis": _CIS_NO_MFA,
        "sso-friendly": '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
                        '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    },
    required=(Probe("IAM user console sign-in without MFA", _console_login("No")),),
    decoys=(
        Probe("IAM user console sign-in with MFA", _console_login("Yes")),
        Probe("a non-sign-in event with MFAUsed=No",
              event("signin.amazonaws.com", "SwitchRole", additionalEventData={"MFAUsed": "No"})),
        NOISE,
    ),
    # Both CIS forms are accepted by default; a stack that chose one is held to it.
    variant_required={"cis": (
        Probe("SSO (federated) console sign-in without MFA", _console_login("No", "AssumedRole")),
        Probe("root console sign-in without MFA", _console_login("No", "Root")),
    )},
    variant_decoys={"sso-friendly": (
        Probe("SSO (federated) console sign-in", _console_login("No", "AssumedRole")),
    )},
)

_ROOT = FilterSpec(
    name="RootUsage", ref="CM-03", control_id="cloudwatch_root_usage_alarm_configured",
    summary="use of the root user", cis_item=3, security_hub="CloudWatch.1",
    pattern='{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
            '$.eventType != "AwsServiceEvent" }',
    required=(
        Probe("root console sign-in", _console_login("No", "Root")),
        Probe("root API call", event("iam.amazonaws.com", "CreateAccessKey", userIdentity={"type": "Root"})),
    ),
    decoys=(
        Probe("root call made by an AWS service (invokedBy set)", event(
            "s3.amazonaws.com", "PutObject", userIdentity={"type": "Root", "invokedBy": "cloudtrail.amazonaws.com"})),
        Probe("an AwsServiceEvent on the root identity", event(
            "kms.amazonaws.com", "RotateKey", eventType="AwsServiceEvent", userIdentity={"type": "Root"})),
        Probe("an IAM user API call", event("iam.amazonaws.com", "CreateAccessKey")),
        NOISE,
    ),
)

_CONSOLE_FAILURES = FilterSpec(
    name="ConsoleSigninFailures", ref="CM-06", control_id="cloudwatch_console_auth_failures_alarm_configured",
    summary="failed console authentications", cis_item=6, security_hub="CloudWatch.6",
    pattern='{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    required=(Probe("failed console sign-in", _console_login(
        "No", result="Failure", errorMessage="Failed authentication")),),
    decoys=(
        Probe("successful console sign-in", _console_login("Yes")),
        Probe("another call failing authentication", event(
            "sts.amazonaws.com", "GetSessionToken", errorMessage="Failed authentication")),
        NOISE,
    ),
)

_ORG_NAMES = ("AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy",
              "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy",
              "DetachPolicy", "DisablePolicyType", "EnablePolicyType", "InviteAccountToOrganization",
              "LeaveOrganization", "MoveAccount", "RemoveAccountFromOrganization", "UpdatePolicy",
              "UpdateOrganizationalUnit")

FILTER_SPECS: tuple[FilterSpec, ...] = (
    _UNAUTHORIZED,
    _NO_MFA,
    _ROOT,
    names_spec("IAMChanges", "CM-04", "cloudwatch_iam_policy_changes_alarm_configured",
                "IAM policy changes", 4, "CloudWatch.4", "iam.amazonaws.com",
                ("DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy",
                 "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
                 "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy",
                 "AttachGroupPolicy", "DetachGroupPolicy"),
                ("GetPolicy", "GetPolicyVersion", "GetRolePolicy", "ListPolicies", "ListAttachedRolePolicies"),
                with_source=False),
    names_spec("CloudTrailCfgChanges", "CM-05", "cloudwatch_cloudtrail_changes_alarm_configured",
                "CloudTrail configuration changes", 5, "CloudWatch.5", "cloudtrail.amazonaws.com",
                ("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
                ("DescribeTrails", "GetTrailStatus", "GetEventSelectors", "LookupEvents"), with_source=False),
    _CONSOLE_FAILURES,
    names_spec("DisableOrDeleteCMK", "CM-07", "cloudwatch_kms_key_disable_or_deletion_alarm_configured",
                "disabling or scheduled deletion of KMS keys", 7, "CloudWatch.7", "kms.amazonaws.com",
                ("DisableKey", "ScheduleKeyDeletion"), ("EnableKey", "CancelKeyDeletion", "DescribeKey")),
    names_spec("S3BucketPolicyChanges", "CM-08", "cloudwatch_s3_bucket_policy_changes_alarm_configured",
                "S3 bucket policy, ACL, CORS, lifecycle and replication changes", 8, "CloudWatch.8",
                "s3.amazonaws.com",
                ("PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
                 "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication"),
                ("GetBucketPolicy", "GetBucketAcl", "PutObject", "ListBuckets")),
    names_spec("AWSConfigChanges", "CM-09", "cloudwatch_config_changes_alarm_configured",
                "AWS Config recorder and delivery channel changes", 9, "CloudWatch.9", "config.amazonaws.com",
                ("StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel",
                 "PutConfigurationRecorder"),
                ("DescribeConfigurationRecorders", "DescribeDeliveryChannels", "PutEvaluations")),
    names_spec("SecurityGroupChanges", "CM-10", "cloudwatch_security_group_changes_alarm_configured",
                "security group changes", 10, "CloudWatch.10", "ec2.amazonaws.com",
                ("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
                 "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"),
                ("DescribeSecurityGroups", "DescribeSecurityGroupRules"), with_source=False,
                # ModifySecurityGroupRules (CIS v5.0+) opens a group without any Authorize* call; CIS <= 4.0,
                # Security Hub CloudWatch.10, nozaq and Cloud Posse do not count it: provisioned and advised.
                advised=("ModifySecurityGroupRules",)),
    names_spec("NACLChanges", "CM-11", "cloudwatch_nacl_changes_alarm_configured",
                "network ACL changes", 11, "CloudWatch.11", "ec2.amazonaws.com",
                ("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
                 "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"),
                ("DescribeNetworkAcls",), with_source=False),
    names_spec("NetworkGWChanges", "CM-12", "cloudwatch_network_gateway_changes_alarm_configured",
                "customer and internet gateway changes", 12, "CloudWatch.12", "ec2.amazonaws.com",
                ("CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
                 "DeleteInternetGateway", "DetachInternetGateway"),
                ("DescribeInternetGateways", "DescribeCustomerGateways"), with_source=False),
    names_spec("RouteTableChanges", "CM-13", "cloudwatch_route_table_changes_alarm_configured",
                "route table changes", 13, "CloudWatch.13", "ec2.amazonaws.com",
                ("CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
                 "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"),
                ("DescribeRouteTables",)),
    names_spec("VPCChanges", "CM-14", "cloudwatch_vpc_changes_alarm_configured",
                "VPC, peering and ClassicLink changes", 14, "CloudWatch.14", "ec2.amazonaws.com",
                ("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
                 "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
                 "AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink", "EnableVpcClassicLink"),
                ("DescribeVpcs", "DescribeVpcAttribute"), with_source=False),
    names_spec("OrganizationsChanges", "CM-15", "cloudwatch_organizations_changes_alarm_configured",
                "AWS Organizations changes", 15, "", "organizations.amazonaws.com", _ORG_NAMES,
                ("DescribeOrganization", "ListAccounts"),
                # Same names, other services: without the eventSource clause these would page the team.
                extra_decoys=(calls("iam.amazonaws.com", ("CreatePolicy", "DeletePolicy"))
                              + calls("iot.amazonaws.com", ("AttachPolicy", "DetachPolicy")))),
    names_spec("TrailSelectorChanges", "CM-16", "cloudwatch_trail_selector_changes_alarm_configured",
                "changes to a trail's event and insight selectors", None, "", "cloudtrail.amazonaws.com",
                # PutEventSelectors can silently stop management-event logging; CIS 4.5/5.5 misses it.
                ("PutEventSelectors", "PutInsightSelectors", "UpdateTrail"),
                ("GetEventSelectors", "GetInsightSelectors", "DescribeTrails")),
)

SPECS_BY_NAME: dict[str, FilterSpec] = {s.name: s for s in FILTER_SPECS}
SPECS_BY_CONTROL: dict[str, FilterSpec] = {s.control_id: s for s in FILTER_SPECS}
FILTER_NAMES: tuple[str, ...] = tuple(SPECS_BY_NAME)
