"""The 16 monitoring filters (CIS "Monitoring" 4.x/5.x plus selector tampering): the single source of truth.

Each :class:`FilterSpec` gives the pattern ``components/monitoring.py`` provisions *and* what the audit
and the policy pack demand of any pattern: the synthetic CloudTrail events it must count (``required``).
A filter is judged by what it counts: it passes when it counts every required event. Extra breadth is
fine (it still alerts on every event the control is about), so every published form passes: CIS v1.2
to v5.0 and v6.0+, Security Hub CloudWatch.1-.14, nozaq and Cloud Posse, including the CIS v1.2 /
Security Hub unauthorized-API filter without the later noise exclusions. The ``decoys`` (neighbours no
published form counts) only word the finding ("broader than needed: also counts ..."); ``advised`` events
(counted by some newer form, e.g. ModifySecurityGroupRules in CIS v5.0+) are named when missed. A filter
that misses a required event, or an ``&&`` join of event names (never fires), fails; so does one that
counts a ``floods`` probe, a routine event no published form counts (an empty or match-all pattern): its
alarm would sit in ALARM and, as alarm actions run on state changes, never notify of the control's events.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from checks.filterpattern import FilterPatternError, Node, matches, parse

NO_MFA = "NoMFAConsoleSignin"
VARIANTS = ("sso-friendly", "cis")
DEFAULT_VARIANT = "sso-friendly"


@dataclass(frozen=True)
class Probe:
    label: str  # names the event in a finding, e.g. "iam:PutRolePolicy"
    event: dict


@dataclass(frozen=True)
class FilterSpec:
    name: str  # metric name, filter name suffix and the value users put in trailguard:disabledAlarms
    ref: str  # catalog reference CM-NN
    control_id: str
    summary: str  # what the filter counts, for findings and docs
    cis_item: int | None  # N of CIS v1.4-5.0 item 4.N and v6.0+ item 5.N; None: not a CIS item
    security_hub: str  # "CloudWatch.N" or ""
    pattern: str
    required: tuple[Probe, ...]
    decoys: tuple[Probe, ...]
    advised: tuple[Probe, ...] = ()  # counted by a newer published form only: named when missed, never a FAIL
    # Routine events no published form counts: a filter counting one counts (nearly) everything, keeps its
    # alarm in ALARM and so never notifies of the control's events (actions run on state changes): FAIL.
    floods: tuple[Probe, ...] = field(default_factory=lambda: (_NOISE,))
    # console sign-in without MFA: the provisioned text and the extra probes differ by variant
    variant_patterns: dict[str, str] = field(default_factory=dict)
    variant_required: dict[str, tuple[Probe, ...]] = field(default_factory=dict)
    variant_decoys: dict[str, tuple[Probe, ...]] = field(default_factory=dict)

    def pattern_for(self, variant: str | None = None) -> str:
        return self.variant_patterns.get(variant or DEFAULT_VARIANT, self.pattern)


@dataclass(frozen=True)
class FilterVerdict:
    ok: bool
    reason: str
    missed: tuple[str, ...] = ()
    decoys_hit: tuple[str, ...] = ()
    parse_error: str = ""
    counted: int = 0  # required events counted
    advised_missed: tuple[str, ...] = ()

    @property
    def distance(self) -> tuple[int, int, int]:
        """How far from passing; the finding reports the closest filter when none passes. A filter that
        counts none of the required events (another alarm's filter) is never closer than one that counts some;
        fewer missed events come first, then fewer decoys (a filter counting everything misses nothing)."""
        if self.parse_error:
            return (2, 0, 0)
        return (0 if self.counted else 1, len(self.missed), len(self.decoys_hit))


# --- synthetic CloudTrail events ------------------------------------------------------------------

_ACCOUNT = "111122223333"


def _merge(base: dict, extra: dict) -> dict:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def event(source: str, name: str, **extra) -> dict:
    """A management-event record as CloudTrail writes it to CloudWatch Logs (fields the filters read)."""
    base = {
        "eventVersion": "1.09", "eventSource": source, "eventName": name, "eventType": "AwsApiCall",
        "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.10", "readOnly": False,
        "userIdentity": {"type": "IAMUser", "arn": f"arn:aws:iam::{_ACCOUNT}:user/alice",
                         "accountId": _ACCOUNT},
        "recipientAccountId": _ACCOUNT,
    }
    return _merge(base, copy.deepcopy(extra))


def _calls(source: str, names) -> tuple[Probe, ...]:
    service = source.split(".")[0]
    return tuple(Probe(f"{service}:{n}", event(source, n)) for n in names)


# Counted by nothing we monitor: a filter that counts it counts (nearly) everything.
_NOISE = Probe("ec2:DescribeInstances (read-only)", event("ec2.amazonaws.com", "DescribeInstances", readOnly=True))


def _names_pattern(names, source: str | None = None) -> str:
    # Compact unquoted form: CloudWatch caps a pattern at 1024 characters and Organizations has 18 names.
    names_or = " || ".join(f"($.eventName = {n})" for n in names)
    if source is None:
        return "{ " + names_or + " }"
    return "{ ($.eventSource = " + source + ") && (" + names_or + ") }"


def _names_spec(name, ref, control_id, summary, cis_item, sh, source, names, decoy_names,
                *, with_source=True, extra_decoys=(), advised=()) -> FilterSpec:
    return FilterSpec(
        name=name, ref=ref, control_id=control_id, summary=summary, cis_item=cis_item, security_hub=sh,
        pattern=_names_pattern(tuple(names) + tuple(advised), source if with_source else None),
        required=_calls(source, names), advised=_calls(source, advised),
        decoys=_calls(source, decoy_names) + tuple(extra_decoys) + (_NOISE,),
    )


# --- the specs ------------------------------------------------------------------------------------


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
        _NOISE,
    ),
    # CIS v1.4-3.0 joins the exclusions with ||, so its own text counts nearly everything (_NOISE too) and must
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
        _NOISE,
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
        _NOISE,
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
        _NOISE,
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
    _names_spec("IAMChanges", "CM-04", "cloudwatch_iam_policy_changes_alarm_configured",
                "IAM policy changes", 4, "CloudWatch.4", "iam.amazonaws.com",
                ("DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy",
                 "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
                 "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy",
                 "AttachGroupPolicy", "DetachGroupPolicy"),
                ("GetPolicy", "GetPolicyVersion", "GetRolePolicy", "ListPolicies", "ListAttachedRolePolicies"),
                with_source=False),
    _names_spec("CloudTrailCfgChanges", "CM-05", "cloudwatch_cloudtrail_changes_alarm_configured",
                "CloudTrail configuration changes", 5, "CloudWatch.5", "cloudtrail.amazonaws.com",
                ("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
                ("DescribeTrails", "GetTrailStatus", "GetEventSelectors", "LookupEvents"), with_source=False),
    _CONSOLE_FAILURES,
    _names_spec("DisableOrDeleteCMK", "CM-07", "cloudwatch_kms_key_disable_or_deletion_alarm_configured",
                "disabling or scheduled deletion of KMS keys", 7, "CloudWatch.7", "kms.amazonaws.com",
                ("DisableKey", "ScheduleKeyDeletion"), ("EnableKey", "CancelKeyDeletion", "DescribeKey")),
    _names_spec("S3BucketPolicyChanges", "CM-08", "cloudwatch_s3_bucket_policy_changes_alarm_configured",
                "S3 bucket policy, ACL, CORS, lifecycle and replication changes", 8, "CloudWatch.8",
                "s3.amazonaws.com",
                ("PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
                 "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication"),
                ("GetBucketPolicy", "GetBucketAcl", "PutObject", "ListBuckets")),
    _names_spec("AWSConfigChanges", "CM-09", "cloudwatch_config_changes_alarm_configured",
                "AWS Config recorder and delivery channel changes", 9, "CloudWatch.9", "config.amazonaws.com",
                ("StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel",
                 "PutConfigurationRecorder"),
                ("DescribeConfigurationRecorders", "DescribeDeliveryChannels", "PutEvaluations")),
    _names_spec("SecurityGroupChanges", "CM-10", "cloudwatch_security_group_changes_alarm_configured",
                "security group changes", 10, "CloudWatch.10", "ec2.amazonaws.com",
                ("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
                 "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"),
                ("DescribeSecurityGroups", "DescribeSecurityGroupRules"), with_source=False,
                # ModifySecurityGroupRules (CIS v5.0+) opens a group without any Authorize* call; CIS <= 4.0,
                # Security Hub CloudWatch.10, nozaq and Cloud Posse do not count it: provisioned and advised.
                advised=("ModifySecurityGroupRules",)),
    _names_spec("NACLChanges", "CM-11", "cloudwatch_nacl_changes_alarm_configured",
                "network ACL changes", 11, "CloudWatch.11", "ec2.amazonaws.com",
                ("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
                 "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"),
                ("DescribeNetworkAcls",), with_source=False),
    _names_spec("NetworkGWChanges", "CM-12", "cloudwatch_network_gateway_changes_alarm_configured",
                "customer and internet gateway changes", 12, "CloudWatch.12", "ec2.amazonaws.com",
                ("CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
                 "DeleteInternetGateway", "DetachInternetGateway"),
                ("DescribeInternetGateways", "DescribeCustomerGateways"), with_source=False),
    _names_spec("RouteTableChanges", "CM-13", "cloudwatch_route_table_changes_alarm_configured",
                "route table changes", 13, "CloudWatch.13", "ec2.amazonaws.com",
                ("CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
                 "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"),
                ("DescribeRouteTables",)),
    _names_spec("VPCChanges", "CM-14", "cloudwatch_vpc_changes_alarm_configured",
                "VPC, peering and ClassicLink changes", 14, "CloudWatch.14", "ec2.amazonaws.com",
                ("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
                 "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
                 "AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink", "EnableVpcClassicLink"),
                ("DescribeVpcs", "DescribeVpcAttribute"), with_source=False),
    _names_spec("OrganizationsChanges", "CM-15", "cloudwatch_organizations_changes_alarm_configured",
                "AWS Organizations changes", 15, "", "organizations.amazonaws.com", _ORG_NAMES,
                ("DescribeOrganization", "ListAccounts"),
                # Same names, other services: without the eventSource clause these would page the team.
                extra_decoys=(_calls("iam.amazonaws.com", ("CreatePolicy", "DeletePolicy"))
                              + _calls("iot.amazonaws.com", ("AttachPolicy", "DetachPolicy")))),
    _names_spec("TrailSelectorChanges", "CM-16", "cloudwatch_trail_selector_changes_alarm_configured",
                "changes to a trail's event and insight selectors", None, "", "cloudtrail.amazonaws.com",
                # PutEventSelectors can silently stop management-event logging; CIS 4.5/5.5 misses it.
                ("PutEventSelectors", "PutInsightSelectors", "UpdateTrail"),
                ("GetEventSelectors", "GetInsightSelectors", "DescribeTrails")),
)

SPECS_BY_NAME: dict[str, FilterSpec] = {s.name: s for s in FILTER_SPECS}
SPECS_BY_CONTROL: dict[str, FilterSpec] = {s.control_id: s for s in FILTER_SPECS}
FILTER_NAMES: tuple[str, ...] = tuple(SPECS_BY_NAME)


def get_spec(name: str) -> FilterSpec:
    try:
        return SPECS_BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown monitoring filter {name!r}; allowed: {', '.join(FILTER_NAMES)}") from None


def listed(labels, limit: int = 4) -> str:
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def check_filter(spec: FilterSpec, pattern: str | Node, *, variant: str | None = None) -> FilterVerdict:
    """Run the spec's events through the pattern: it passes when it counts every required event.

    variant None (the audit) accepts both CIS sign-in forms; a stack that chose a variant is held to it
    (its variant_required must be counted, its variant_decoys must not)."""
    if variant is not None and variant not in VARIANTS:
        raise ValueError(f"variant {variant!r} not in {VARIANTS}")
    try:
        node = parse(pattern) if isinstance(pattern, str) else pattern
    except FilterPatternError as exc:
        return FilterVerdict(False, f"the pattern cannot be parsed ({exc})", parse_error=str(exc))
    required = spec.required + spec.variant_required.get(variant or "", ())
    missed = tuple(p.label for p in required if not matches(node, p.event))
    wrong = tuple(p.label for p in spec.variant_decoys.get(variant or "", ()) if matches(node, p.event))
    broad = tuple(p.label for p in spec.decoys if matches(node, p.event))
    flood = tuple(p.label for p in spec.floods if matches(node, p.event))
    advised = tuple(p.label for p in spec.advised if not matches(node, p.event))
    problems = []
    if missed:
        problems.append(f"does not count {listed(missed)}")
    if flood:
        problems.append(f"counts nearly every event (even {listed(flood)}, which no published form counts), so "
                        f"its alarm would stay in ALARM and never notify of {spec.summary}")
    if wrong:
        problems.append(f"counts {listed(wrong)}, which the chosen variant {variant!r} excludes")
    if problems:
        return FilterVerdict(False, " and ".join(problems), missed, tuple(dict.fromkeys(wrong + broad + flood)),
                             counted=len(required) - len(missed), advised_missed=advised)
    notes = [f"counts {spec.summary} ({_count(len(required), 'required event')})"]
    if broad:
        notes.append(f"broader than needed, it also counts {listed(broad)}")
    if advised:
        notes.append(f"it does not count {listed(advised)}, which newer CIS versions add")
    return FilterVerdict(True, "; ".join(notes), decoys_hit=broad, counted=len(required),
                         advised_missed=advised)


def evaluate_filter(spec_name: str, pattern: str, variant: str | None = None) -> tuple[bool, str]:
    """Pure check of one pattern against one spec, for the policy pack: (passes, reason)."""
    verdict = check_filter(get_spec(spec_name), pattern, variant=variant)
    return verdict.ok, verdict.reason
