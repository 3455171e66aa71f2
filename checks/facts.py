"""Normalized facts about an account, as collectors (boto3) and the policy adapter (Pulumi props) see them.

Conventions, relied on by every rule:
- ``None`` means *unknown* (the call failed, or the value is not known at preview). Never "false".
- A string field that AWS reports as absent (no KMS key, no SNS topic, ...) is ``""``, not None.
- When something is unknown because a call failed, ``errors`` holds a sentence naming the API call, keyed
  by the fact it left unknown (for example ``errors["status"] = "cloudtrail:GetTrailStatus failed:
  AccessDenied"``). Rules turn that into ERROR, never PASS.
- ``owner_account_id`` is the account that owns a resource. When it is not the audited account, the
  ownership-dependent controls are NOT_APPLICABLE ("owned by account <id>"), never FAIL.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from checks.history.facts import HistoryFacts
    from checks.lake import LakeFacts


# --- CloudTrail -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataResource:
    type: str  # e.g. "AWS::S3::Object"
    values: tuple[str, ...]


@dataclass(frozen=True)
class ClassicSelector:
    read_write_type: str = "All"  # All | ReadOnly | WriteOnly
    include_management_events: bool = True
    data_resources: tuple[DataResource, ...] = ()
    exclude_management_event_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldSelector:
    field: str  # eventCategory, readOnly, eventSource, eventName, resources.type, resources.ARN, ...
    equals: tuple[str, ...] = ()
    not_equals: tuple[str, ...] = ()
    starts_with: tuple[str, ...] = ()
    not_starts_with: tuple[str, ...] = ()
    ends_with: tuple[str, ...] = ()
    not_ends_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdvancedSelector:
    name: str = ""
    field_selectors: tuple[FieldSelector, ...] = ()


@dataclass(frozen=True)
class EventSelectors:
    """GetEventSelectors returns either classic or advanced selectors, never both."""

    classic: tuple[ClassicSelector, ...] = ()
    advanced: tuple[AdvancedSelector, ...] = ()


@dataclass(frozen=True)
class TrailStatus:
    is_logging: bool | None = None
    latest_delivery_time: dt.datetime | None = None  # None inside a known status: never delivered
    latest_delivery_error: str = ""
    latest_digest_delivery_time: dt.datetime | None = None
    latest_digest_delivery_error: str = ""
    latest_cloudwatch_logs_delivery_time: dt.datetime | None = None
    latest_cloudwatch_logs_delivery_error: str = ""
    start_logging_time: dt.datetime | None = None
    stop_logging_time: dt.datetime | None = None


@dataclass
class TrailFacts:
    arn: str
    name: str
    home_region: str
    owner_account_id: str
    is_multi_region: bool | None = None
    is_organization: bool | None = None
    include_global_service_events: bool | None = None
    log_file_validation_enabled: bool | None = None
    kms_key_id: str | None = None  # "" when the trail has no KMS key
    s3_bucket_name: str | None = None
    s3_key_prefix: str | None = None
    sns_topic_arn: str | None = None
    cloudwatch_logs_log_group_arn: str | None = None
    cloudwatch_logs_role_arn: str | None = None
    status: TrailStatus | None = None  # None: unknown (see errors["status"])
    selectors: EventSelectors | None = None  # None: unknown (errors["selectors"])
    insight_types: tuple[str, ...] | None = None  # () when none are enabled
    tags: dict[str, str] | None = None
    errors: dict[str, str] = field(default_factory=dict)


# --- S3 ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicAccessBlock:
    block_public_acls: bool = False
    ignore_public_acls: bool = False
    block_public_policy: bool = False
    restrict_public_buckets: bool = False

    @property
    def all_on(self) -> bool:
        return all((self.block_public_acls, self.ignore_public_acls, self.block_public_policy,
                    self.restrict_public_buckets))


@dataclass(frozen=True)
class Grant:
    grantee_type: str  # CanonicalUser | Group | AmazonCustomerByEmail
    grantee: str  # URI for groups, id otherwise
    permission: str


@dataclass
class BucketFacts:
    name: str
    owner_account_id: str | None = None  # None: unknown
    region: str | None = None
    public_access_block: PublicAccessBlock | None = None  # all False when the bucket has none configured
    policy_is_public: bool | None = None  # GetBucketPolicyStatus
    acl_grants: tuple[Grant, ...] | None = None
    policy: dict | None = None  # {} when the bucket has no policy
    logging_target_bucket: str | None = None  # "" when server access logging is off
    versioning_status: str | None = None  # "Enabled" | "Suspended" | "" (never enabled)
    mfa_delete: str | None = None  # "Enabled" | "Disabled" | ""
    object_lock_enabled: bool | None = None
    object_lock_mode: str | None = None  # "COMPLIANCE" | "GOVERNANCE" | "" (no default retention)
    object_lock_days: int | None = None
    sse_algorithm: str | None = None  # "aws:kms" | "aws:kms:dsse" | "AES256" | ""
    sse_kms_key_id: str | None = None
    bucket_key_enabled: bool | None = None
    object_ownership: str | None = None  # BucketOwnerEnforced | BucketOwnerPreferred | ObjectWriter | ""
    errors: dict[str, str] = field(default_factory=dict)
    # Not in the audited account's s3:ListBuckets and its owner id is unknown (owner_account_id stays None):
    # owned by another account, so ownership-dependent controls are NOT_APPLICABLE, not ERROR.
    owned_elsewhere: bool = False
    exists: bool | None = None  # False: s3 answered NoSuchBucket (deleted); None: not asked or unknown
    # No ``arn`` here: a bucket's ARN depends on the account's partition (checks.arns.s3_bucket_arn).


# --- KMS and CloudWatch Logs ------------------------------------------------------------------------


@dataclass
class KeyFacts:
    arn: str
    owner_account_id: str | None = None
    key_manager: str | None = None  # CUSTOMER | AWS
    key_state: str | None = None  # Enabled | Disabled | PendingDeletion | ...
    rotation_enabled: bool | None = None
    multi_region: bool | None = None
    exists: bool | None = None  # False: kms:DescribeKey answered NotFoundException (deleted or never existed)
    errors: dict[str, str] = field(default_factory=dict)
    # Create-time flag only a Pulumi stack states (no API reads it back); None in live audits.
    bypass_policy_lockout_safety_check: bool | None = None


@dataclass(frozen=True)
class MetricTransformation:
    metric_name: str
    metric_namespace: str
    metric_value: str = "1"
    # (dimension name, field selector such as "$.eventName"), sorted; () publishes without dimensions
    dimensions: tuple[tuple[str, str], ...] = ()
    default_value: float | None = None  # emitted for every event the pattern does not match; None: nothing


@dataclass(frozen=True)
class MetricFilter:
    name: str
    log_group_name: str
    pattern: str
    transformations: tuple[MetricTransformation, ...] = ()


@dataclass
class LogGroupFacts:
    arn: str  # without the ":*" suffix
    name: str
    region: str
    owner_account_id: str | None = None
    exists: bool | None = None
    retention_in_days: int | None = None  # 0 when logs never expire
    kms_key_id: str | None = None  # "" when not encrypted with a customer key
    metric_filters: tuple[MetricFilter, ...] | None = None
    errors: dict[str, str] = field(default_factory=dict)


# --- CloudWatch alarms and SNS ----------------------------------------------------------------------


@dataclass(frozen=True)
class MetricQuery:
    """One MetricDataQuery of a metric-math alarm: a MetricStat (namespace, name, dimensions) or an expression."""

    id: str
    return_data: bool = True
    namespace: str = ""
    metric_name: str = ""
    dimensions: tuple[tuple[str, str], ...] = ()  # (name, value), sorted
    expression: str = ""
    account_id: str = ""  # MetricStat of another account (cross-account observability); "" for this one


@dataclass(frozen=True)
class Alarm:
    name: str
    arn: str
    metric_name: str  # "" for a metric-math alarm (see queries)
    namespace: str
    actions_enabled: bool
    alarm_actions: tuple[str, ...] = ()
    statistic: str = ""
    comparison_operator: str = ""
    threshold: float | None = None
    period: int | None = None
    evaluation_periods: int | None = None
    dimensions: tuple[tuple[str, str], ...] = ()  # (name, value), sorted; a metric is namespace+name+dimensions
    queries: tuple[MetricQuery, ...] = ()  # the alarm's Metrics (MetricDataQueries), when it uses metric math


@dataclass
class TopicFacts:
    arn: str
    owner_account_id: str | None = None
    confirmed_subscriptions: int | None = None  # subscriptions with a real SubscriptionArn
    pending_subscriptions: int | None = None
    exists: bool | None = None  # False: SNS answered NotFound (the topic was deleted), so nobody is notified
    kms_master_key_id: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


# --- The account ------------------------------------------------------------------------------------


@dataclass
class AccountFacts:
    """Everything the rules need about one audited account."""

    account_id: str
    partition: str = "aws"
    enabled_regions: tuple[str, ...] | None = None  # None: DescribeRegions failed (errors["regions"])
    trails: list[TrailFacts] | None = None  # None: ListTrails/DescribeTrails failed (errors["trails"])
    buckets: dict[str, BucketFacts] = field(default_factory=dict)  # by bucket name
    keys: dict[str, KeyFacts] = field(default_factory=dict)  # by key ARN
    log_groups: dict[str, LogGroupFacts] = field(default_factory=dict)  # by log group ARN (no ":*")
    alarms: tuple[Alarm, ...] | None = None  # per region alarms flattened; None: unknown
    topics: dict[str, TopicFacts] = field(default_factory=dict)  # by topic ARN
    account_public_access_block: PublicAccessBlock | None = None  # s3control; all False if none set
    owned_buckets: frozenset[str] | None = None  # names in this account's s3:ListBuckets; None: not listed
    errors: dict[str, str] = field(default_factory=dict)
    # When the facts were collected (UTC). Run parameters (required tags, minimum retention, the
    # organization-trail expectation, the instant ages are measured from) are checks.params.AuditParams.
    collected_at: dt.datetime | None = None
    history: "HistoryFacts | None" = None  # checks.history.facts; None: not collected (history off or failed)
    lake: "LakeFacts | None" = None  # checks.collect.lake; None: not collected
    # Organization runs only (checks/org_guests.py): this account's buckets and KMS keys that trails of OTHER
    # accounts use and no trail visible here does, by bucket name / key ARN -> the using trail (the lowest ARN).
    guest_buckets: dict[str, TrailFacts] = field(default_factory=dict)
    guest_keys: dict[str, TrailFacts] = field(default_factory=dict)
