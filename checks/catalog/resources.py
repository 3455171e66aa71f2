"""CX: the resources a trail leans on (its KMS key, log group and S3 bucket), beyond what CT checks.

The CT controls judge the trail's own settings; these judge the supporting resources, so a trail that
"has a KMS key" also has a key that rotates, and a trail that "delivers to CloudWatch Logs" keeps those
logs long enough and encrypted. Targets: "live" where the audit collectors read the fact back, "stack"
where the policy pack sees it in a Pulumi program. The lockout-bypass flag and the organization-trail
expectation exist only in a stack (no API reports the flag; the expectation is stack configuration).
"""
from __future__ import annotations

from checks.catalog import Control, FrameworkRef, register
from checks.model import Severity
from checks.params import DEFAULT_MIN_RETENTION_DAYS

CIS = "CIS AWS Foundations"
SH = "AWS Security Hub"
CONFIG = "AWS Config"
BOTH = frozenset({"live", "stack"})
STACK = frozenset({"stack"})


def _control(**kw) -> Control:
    return register(Control(family="resources", **kw))


_control(
    id="kms_trail_key_rotation_enabled",
    collects=frozenset({"keys"}),
    ref="CX-01",
    title="The KMS key that encrypts trail logs rotates automatically",
    severity=Severity.MEDIUM,
    rationale="Rotation limits how much log data one key version protects; a leaked or weakened key "
    "version then exposes at most a year of audit logs.",
    remediation="Enable automatic rotation on the trail's customer managed key "
    "(aws kms enable-key-rotation --key-id <key>; Pulumi: aws.kms.Key(enable_key_rotation=True)).",
    remediation_setting="",
    frameworks=(
        FrameworkRef(CIS, "3.8", "1.4"),
        FrameworkRef(CIS, "3.6", "3.0-5.0"),
        FrameworkRef(CIS, "4.6", "6.0+"),
        FrameworkRef(SH, "KMS.4"),
        FrameworkRef(CONFIG, "cmk-backing-key-rotation-enabled"),
    ),
    targets=BOTH,
    tags=("kms", "encryption"),
)

_control(
    id="kms_trail_key_lockout_safety_check_enabled",
    collects=frozenset({"keys"}),
    ref="CX-02",
    title="The trail's KMS key is created with the policy lockout safety check on",
    severity=Severity.HIGH,
    rationale="bypass_policy_lockout_safety_check lets a key policy that locks out every administrator "
    "go through; the key, and every log it encrypts, can then no longer be managed or decrypted "
    "without AWS Support.",
    remediation="Remove bypass_policy_lockout_safety_check (or set it to false) on the aws.kms.Key and "
    "give the key policy an explicit administrator principal.",
    remediation_setting="",
    # No CIS item, Security Hub control or Config rule covers this create-time flag; Pulumi's own
    # compliance policies do (critical there too).
    frameworks=(FrameworkRef("Pulumi compliance-policies", "aws-kms-key-disallow-bypass-policy-lockout-safety-check"),),
    targets=STACK,
    tags=("kms",),
)

_control(
    id="cloudwatch_trail_log_group_retention_sufficient",
    config_schema={"minimumRetentionDays": {
        "type": "integer", "minimum": 1, "default": DEFAULT_MIN_RETENTION_DAYS,
        "description": "Fewest days the trail's log group must keep events (0 = never expire always passes).",
    }},
    collects=frozenset({"log_groups"}),
    ref="CX-03",
    title="The trail's CloudWatch Logs group keeps events long enough",
    severity=Severity.MEDIUM,
    rationale="Investigations reach back months; a short retention silently deletes the events the CIS "
    "metric filters and incident responders need (default minimum 365 days).",
    remediation="Set the log group's retention to at least the required days (aws logs "
    "put-retention-policy --retention-in-days 365), or never expire.",
    remediation_setting="trailguard:cloudWatchLogsRetentionDays",
    frameworks=(
        FrameworkRef(SH, "CloudWatch.16"),
        FrameworkRef(CONFIG, "cw-loggroup-retention-period-check"),
    ),
    targets=BOTH,
    tags=("cloudwatch", "retention"),
)

_control(
    id="cloudwatch_trail_log_group_kms_encrypted",
    collects=frozenset({"log_groups"}),
    ref="CX-04",
    title="The trail's CloudWatch Logs group is encrypted with a KMS key",
    severity=Severity.MEDIUM,
    rationale="The log group holds a copy of every API call; without a customer key its contents are "
    "readable by anyone with logs:GetLogEvents, and access cannot be revoked by disabling a key.",
    remediation="Associate a customer managed KMS key with the log group (aws logs associate-kms-key) "
    "whose key policy allows the logs service with an aws:logs:arn encryption context.",
    remediation_setting="",
    frameworks=(FrameworkRef(CONFIG, "cloudwatch-log-group-encrypted"),),
    targets=BOTH,
    tags=("cloudwatch", "encryption"),
)

_control(
    id="s3_trail_bucket_ownership_enforced",
    collects=frozenset({"bucket:all"}),
    ref="CX-05",
    title="The trail bucket enforces bucket-owner object ownership (ACLs disabled)",
    severity=Severity.MEDIUM,
    rationale="With ACLs disabled every log object belongs to the bucket owner, so no object ACL can "
    "grant read access around the bucket policy and cross-account writers cannot keep ownership.",
    remediation="Set the bucket's object ownership to BucketOwnerEnforced "
    "(aws.s3.BucketOwnershipControls(rule={'object_ownership': 'BucketOwnerEnforced'})).",
    remediation_setting="",
    frameworks=(FrameworkRef(SH, "S3.12"), FrameworkRef(CONFIG, "s3-bucket-acl-prohibited")),
    targets=BOTH,
    tags=("s3",),
)

_control(
    id="s3_trail_bucket_versioning_enabled",
    collects=frozenset({"bucket:all"}),
    ref="CX-06",
    title="The trail bucket has versioning enabled",
    severity=Severity.MEDIUM,
    rationale="Versioning keeps overwritten or deleted log objects recoverable, and Object Lock and MFA "
    "delete both require it.",
    remediation="Enable versioning on the trail bucket "
    "(aws.s3.BucketVersioning(versioning_configuration={'status': 'Enabled'})).",
    remediation_setting="",
    frameworks=(FrameworkRef(SH, "S3.14"), FrameworkRef(CONFIG, "s3-bucket-versioning-enabled")),
    targets=BOTH,
    tags=("s3",),
)

_control(
    id="s3_trail_bucket_sse_kms_enabled",
    collects=frozenset({"bucket:all"}),
    ref="CX-07",
    title="The trail bucket encrypts objects with SSE-KMS by default",
    severity=Severity.MEDIUM,
    rationale="Default SSE-KMS covers objects written without the trail's key (digests, other writers) "
    "and puts every read behind a key policy as well as the bucket policy.",
    remediation="Set the bucket's default encryption to aws:kms with a customer managed key and bucket "
    "keys (aws.s3.BucketServerSideEncryptionConfiguration).",
    remediation_setting="",
    frameworks=(FrameworkRef(SH, "S3.17"), FrameworkRef(CONFIG, "s3-default-encryption-kms")),
    targets=BOTH,
    tags=("s3", "encryption"),
)

_control(
    id="s3_trail_bucket_policy_secure",
    collects=frozenset({"bucket:all"}),
    ref="CX-08",
    title="The trail bucket policy denies non-TLS access and scopes CloudTrail writes by aws:SourceArn",
    severity=Severity.HIGH,
    rationale="Without a TLS deny, logs can be read or written in clear text; without aws:SourceArn on "
    "the CloudTrail write statement, any account's trail can write into the bucket (confused deputy).",
    remediation="Add a Deny statement for s3:* when aws:SecureTransport is false, and an aws:SourceArn "
    "condition naming your trail(s) on every statement that lets cloudtrail.amazonaws.com PutObject.",
    remediation_setting="",
    frameworks=(
        FrameworkRef(CIS, "2.1.2", "1.4"),
        FrameworkRef(CIS, "2.1.1", "3.0-5.0"),
        FrameworkRef(SH, "S3.5"),
        FrameworkRef(CONFIG, "s3-bucket-ssl-requests-only"),
    ),
    targets=BOTH,
    tags=("s3", "policy"),
)

_control(
    id="cloudtrail_organization_trail_enabled",
    policy_kind="resource",
    config_schema={"expectOrganizationTrail": {
        "type": "boolean",
        "description": "Require an organization trail. Unset: required when the stack sets trailguard:orgId.",
    }},
    collects=frozenset(),
    ref="CX-09",
    title="The trail is an organization trail when the stack is configured for an organization",
    severity=Severity.MEDIUM,
    rationale="An organization trail covers every current and future member account; a per-account "
    "trail leaves new accounts unlogged until someone remembers to add one.",
    remediation="Deploy the trail from the management account (or the CloudTrail delegated administrator) "
    "with is_organization_trail=True.",
    remediation_setting="trailguard:orgId",
    # CIS and Security Hub accept any multi-region trail; the organization trail is the baseline of
    # AWS Control Tower (landing zone 3.0+) and the AWS Security Reference Architecture.
    frameworks=(
        FrameworkRef("AWS Control Tower", "organization trail (landing zone 3.0+)"),
        FrameworkRef("AWS Security Reference Architecture", "cloudtrail_org"),
    ),
    targets=STACK,
    tags=("cloudtrail", "organization"),
)

_control(
    id="s3_trail_bucket_public_access_block_enabled",
    collects=frozenset({"bucket:all"}),
    ref="CX-10",
    title="The trail bucket blocks public access with all four bucket-level settings",
    severity=Severity.HIGH,
    rationale="CT-09 asks whether the bucket is public today; the four block-public-access flags keep a "
    "future policy or ACL mistake from making audit logs public at all.",
    remediation="Turn on BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets "
    "on the trail bucket (aws.s3.BucketPublicAccessBlock).",
    remediation_setting="",
    frameworks=(
        FrameworkRef(CIS, "2.1.5", "1.4"),
        FrameworkRef(CIS, "2.1.4", "3.0-5.0"),
        FrameworkRef(SH, "S3.8"),
        FrameworkRef(CONFIG, "s3-bucket-level-public-access-prohibited"),
    ),
    targets=BOTH,
    tags=("s3", "public-access"),
)
