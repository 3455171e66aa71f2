"""OrganizationTrail: the hardened CloudTrail organization trail and everything it writes to.

Resource types this component registers (all standard pulumi-aws v7; ids are what AWS returns, bucket id = name):

- ``pulumi:providers:aws`` (aws.Provider): only with ``sandboxEndpoint`` (emulator) and/or
  ``logArchiveRoleArn`` (assumed role into the log-archive account)
- ``aws:kms/key:Key``, ``aws:kms/alias:Alias`` (TrailKey; in the log-archive account when configured)
- ``aws:s3/bucket:Bucket``, ``aws:s3/bucketOwnershipControls:BucketOwnershipControls``,
  ``aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock``, ``aws:s3/bucketVersioning:BucketVersioning``,
  ``aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration``,
  ``aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration``, ``aws:s3/bucketPolicy:BucketPolicy``,
  ``aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration`` (log bucket only),
  ``aws:s3/bucketLogging:BucketLogging`` (log bucket -> access-log bucket) (LogBucket x2)
- ``aws:cloudwatch/logGroup:LogGroup``, ``aws:iam/role:Role``, ``aws:iam/rolePolicy:RolePolicy``
  (CloudWatchDelivery)
- ``aws:sns/topic:Topic``, ``aws:sns/topicPolicy:TopicPolicy`` (DeliveryNotifications)
- ``aws:cloudtrail/trail:Trail``
- plus whatever ``components.monitoring.CisMonitoring`` creates when ``monitoring`` is given.

Invokes: ``aws:index/getCallerIdentity:getCallerIdentity``, ``aws:index/getPartition:getPartition``,
``aws:index/getRegion:getRegion`` (v7: the region is ``.region``); with an ``orgId``, also
``aws:organizations/getOrganization:getOrganization`` and, when the caller is not the management account,
``aws:organizations/getDelegatedAdministrators:getDelegatedAdministrators`` (components.organization).
"""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import documents, organization
from components.bucket import LogBucket, LogBucketArgs
from components.cloudwatch import CloudWatchDelivery, CloudWatchDeliveryArgs
from components.errors import SettingsError
from components.event_selectors import build_selectors, to_args
from components.key import TrailKey, TrailKeyArgs, alias_for
from components.notifications import DeliveryNotifications, DeliveryNotificationsArgs
from components.providers import archive_provider, sandbox_provider
from components.settings import Settings


@dataclass
class OrganizationTrailArgs:
    settings: Settings = field(default_factory=Settings)
    monitoring: object | None = None  # components.monitoring.MonitoringArgs; None: no CIS alarms
    region: str | None = None  # region for providers this component creates; default aws:region / AWS_REGION


@dataclass(frozen=True)
class _Environment:
    partition: str
    dns_suffix: str
    region: str
    management_account: str  # owns the trail: its ARN, log paths and stream names carry this account
    deploy_account: str  # the caller: the management account or CloudTrail's delegated administrator


@dataclass(frozen=True)
class _Layout:
    """Every name and ARN the trail's resources use, fixed before any of them is registered: policies name
    resources that do not exist yet (no dependency cycle), and a bad combination fails with nothing built."""

    env: _Environment
    bucket_account: str  # owns the buckets and the trail key: the log archive account, else the caller
    trail_arn: str
    log_bucket_name: str
    access_bucket_name: str  # "" = no access-log bucket
    log_group_name: str
    log_group_arn: str | None  # None = no CloudWatch Logs delivery
    selectors: list[dict]  # components.event_selectors.build_selectors
    delivery_topic_name: str | None
    alarm_topic_name: str | None
    tags: dict
    protect: bool

    def topic_arn(self, topic: str | None) -> str | None:
        return topic and f"arn:{self.env.partition}:sns:{self.env.region}:{self.env.deploy_account}:{topic}"


class OrganizationTrail(pulumi.ComponentResource):
    def __init__(self, name: str, args: OrganizationTrailArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("trailguard:index:OrganizationTrail", name, None, opts)
        region_hint = args.region or os.environ.get("AWS_REGION") or "us-east-1"
        self._mgmt_provider = self._create_sandbox_provider(name, args.settings, region_hint)
        env, s = self._environment(args.settings)
        layout = self._layout(s, env, args.monitoring)
        self.delivery_topic_name, self.alarm_topic_name = layout.delivery_topic_name, layout.alarm_topic_name
        archive_opts = self._create_archive_provider(name, s, layout)
        self._create_keys(name, s, layout, archive_opts)
        self._create_buckets(name, s, layout, archive_opts)
        self._create_cloudwatch(name, s, layout)
        self._create_notifications(name, layout)
        self.trail = self._create_trail(name, s, layout)
        self.lake = self._create_lake(name, s, layout) if s.lake else None
        self._expose(s, name, args.monitoring, layout.tags)

    # --- layout: names, ARNs and selectors, before any resource -------------------------------------------

    def _layout(self, s: Settings, env: _Environment, monitoring) -> _Layout:
        mgmt, p, region = env.management_account, env.partition, env.region
        bucket_account = s.log_archive_account_id or env.deploy_account
        if s.cross_account and bucket_account == mgmt:
            raise SettingsError(f"logArchiveAccountId: {bucket_account!r} is the management account; allowed: a "
                                "separate log archive account, or leave both archive settings empty.")
        log_bucket_name = s.log_bucket_name or f"trailguard-logs-{bucket_account}-{region}"
        access_bucket_name = "" if s.disable_access_logging else (
            s.access_log_bucket_name or f"trailguard-access-logs-{bucket_account}-{region}")
        log_group_name = s.cloudwatch_logs_group_name or f"trailguard/cloudtrail/{s.trail_name}"
        log_group_arn = None if s.disable_cloudwatch_logs else documents.log_group_arn(
            p, region, env.deploy_account, log_group_name)
        # Computed before any cloud resource so a selector problem leaves nothing half-built.
        selectors = build_selectors(
            list(s.event_selectors), partition=p,
            excluded_buckets=[b for b in (log_bucket_name, access_bucket_name) if b],
            exclude_own_buckets=s.exclude_log_buckets_from_data_events,
            s3_buckets=list(s.s3_data_event_buckets), lambda_function_arns=list(s.lambda_function_arns),
            dynamodb_table_arns=list(s.dynamodb_table_arns))
        # Fixed topic names: the key policy pins each topic's ARN (SNS's encryption context) before it exists.
        topic_base = re.sub(r"[^A-Za-z0-9_-]", "-", s.trail_name)
        return _Layout(
            env=env, bucket_account=bucket_account, trail_arn=documents.trail_arn(p, region, mgmt, s.trail_name),
            log_bucket_name=log_bucket_name, access_bucket_name=access_bucket_name, log_group_name=log_group_name,
            log_group_arn=log_group_arn, selectors=selectors,
            delivery_topic_name=None if s.disable_delivery_notifications else f"{topic_base}-delivery",
            alarm_topic_name=f"{topic_base}-alarms" if (
                monitoring is not None and log_group_arn and monitoring.enabled_filters) else None,
            tags=s.all_tags, protect=not s.disable_destroy_protection)

    # --- resources, in registration order ---------------------------------------------------------------

    def _create_sandbox_provider(self, name: str, s: Settings, region_hint: str):
        if not s.sandbox_endpoint:
            return None
        return sandbox_provider(f"{name}-sandbox", s.sandbox_endpoint, region_hint, pulumi.ResourceOptions(parent=self))

    def _create_archive_provider(self, name: str, s: Settings, layout: _Layout) -> pulumi.ResourceOptions:
        """Options for what lives in the log archive account (buckets, trail key): the management provider
        unless an archive role is configured."""
        if not s.cross_account:
            return self._mgmt_opts()
        self.archive_provider = archive_provider(
            f"{name}-log-archive", s.log_archive_role_arn, layout.env.region, pulumi.ResourceOptions(parent=self),
            sandbox_endpoint=s.sandbox_endpoint)
        return pulumi.ResourceOptions(parent=self, providers=[self.archive_provider])

    def _create_keys(self, name: str, s: Settings, layout: _Layout, archive_opts: pulumi.ResourceOptions) -> None:
        env = layout.env
        common = dict(partition=env.partition, region=env.region, dns_suffix=env.dns_suffix,
                      management_account_id=env.management_account, trail_arn=layout.trail_arn,
                      deletion_window_days=s.kms_deletion_window_days, protect=layout.protect, tags=layout.tags)
        logs_and_topics = dict(log_group_arn=layout.log_group_arn,
                               delivery_topic_arn=layout.topic_arn(layout.delivery_topic_name),
                               alarm_topic_arn=layout.topic_arn(layout.alarm_topic_name),
                               alarms_account_id=env.deploy_account)
        separate = s.separate_logs_and_topics_key
        self.trail_key = TrailKey(f"{name}-key", TrailKeyArgs(
            key_account_id=layout.bucket_account, alias_name=alias_for(s.trail_name),
            reader_account_ids=list(s.log_reader_account_ids), **common, lake=s.lake,
            **({} if separate else logs_and_topics)), opts=archive_opts)
        self.key = self.trail_key.key
        self.logs_key = self.trail_key
        if separate:
            self.logs_key = TrailKey(f"{name}-logs-key", TrailKeyArgs(
                key_account_id=env.deploy_account, alias_name=alias_for(s.trail_name) + "-logs-topics",
                cloudtrail_grants=False, **common, **logs_and_topics), opts=self._mgmt_opts())

    def _create_buckets(self, name: str, s: Settings, layout: _Layout, archive_opts: pulumi.ResourceOptions) -> None:
        p, mgmt = layout.env.partition, layout.env.management_account
        log_bucket, access_bucket = layout.log_bucket_name, layout.access_bucket_name
        lifecycle = dict(
            transition_days=s.bucket_transition_days, transition_storage_class=s.bucket_transition_storage_class,
            expiration_days=s.bucket_expiration_days,
            noncurrent_version_expiration_days=s.noncurrent_version_expiration_days,
            abort_incomplete_multipart_upload_days=s.abort_incomplete_multipart_upload_days,
            protect=layout.protect, tags=layout.tags)
        self.access_log_storage = None
        if access_bucket:
            self.access_log_storage = LogBucket(f"{name}-access-logs", LogBucketArgs(
                bucket_name=access_bucket,
                policy=documents.access_log_bucket_policy(
                    partition=p, bucket=access_bucket, source_bucket=log_bucket,
                    source_account=layout.bucket_account),
                # S3 server access logging supports only SSE-S3 default encryption on the target bucket (S3 User
                # Guide, "Enabling server access logging"); with SSE-KMS default the log delivery fails.
                kms_key_arn=None,
                # The target "must not have a default retention period" (same guide; Cloud Posse PR #113).
                object_lock_mode=None,
                **{**lifecycle, "expiration_days": s.access_log_bucket_expiration_days}), opts=archive_opts)

        self.log_storage = LogBucket(f"{name}-logs", LogBucketArgs(
            bucket_name=log_bucket,
            policy=documents.log_bucket_policy(
                partition=p, bucket=log_bucket, key_prefix=s.s3_key_prefix, management_account=mgmt,
                org_id=s.org_id, trail=layout.trail_arn,
                reader_accounts=self._bucket_readers(s, mgmt, layout.bucket_account)),
            # With trail encryption off, an SSE-KMS default would need CloudTrail grants under the S3
            # encryption context that the key policy deliberately does not give; SSE-S3 keeps delivery working.
            kms_key_arn=None if s.disable_trail_encryption else self.key.arn,
            object_lock_mode=None if s.disable_object_lock else s.object_lock_mode,
            object_lock_days=s.object_lock_days,
            access_log_bucket=self.access_log_storage.bucket.id if self.access_log_storage else None,
            access_log_prefix=f"{log_bucket}/",
            access_log_depends_on=[self.access_log_storage.policy] if self.access_log_storage else [],
            **lifecycle), opts=archive_opts)

    def _create_cloudwatch(self, name: str, s: Settings, layout: _Layout) -> None:
        self.cloudwatch = None
        if layout.log_group_arn:
            self.cloudwatch = CloudWatchDelivery(f"{name}-cloudwatch", CloudWatchDeliveryArgs(
                log_group_name=layout.log_group_name, log_group_arn=layout.log_group_arn,
                trail_arn=layout.trail_arn, management_account_id=layout.env.management_account,
                region=layout.env.region, org_id=s.org_id, kms_key_arn=self.logs_key.key.arn,
                retention_days=s.cloudwatch_logs_retention_days, protect=layout.protect, tags=layout.tags),
                opts=self._mgmt_opts(depends_on=[self.logs_key]))

    def _create_notifications(self, name: str, layout: _Layout) -> None:
        self.notifications = None
        if layout.delivery_topic_name:
            self.notifications = DeliveryNotifications(f"{name}-delivery", DeliveryNotificationsArgs(
                trail_arn=layout.trail_arn, topic_name=layout.delivery_topic_name, kms_key_arn=self.logs_key.key.arn,
                tags=layout.tags), opts=self._mgmt_opts(depends_on=[self.logs_key]))

    def _create_trail(self, name: str, s: Settings, layout: _Layout) -> aws.cloudtrail.Trail:
        # Each dependency closes a create-time race: CreateTrail checks the bucket policy
        # (InsufficientS3BucketPolicyException), the key policy (InsufficientEncryptionPolicyException) and
        # assumes the role (InvalidCloudWatchLogsRoleArnException, aws-cdk #1963) before they are consistent.
        depends = [self.log_storage.policy, self.key, self.trail_key.alias]
        if self.log_storage.object_lock is not None:
            depends.append(self.log_storage.object_lock)
        cw = {}
        if self.cloudwatch is not None:
            depends += [self.cloudwatch.log_group, self.cloudwatch.role_policy]
            cw = {
                # CloudTrail requires the ":*" suffix (InvalidCloudWatchLogsLogGroupArnException otherwise).
                "cloud_watch_logs_group_arn": self.cloudwatch.log_group.arn.apply(lambda arn: f"{arn}:*"),
                "cloud_watch_logs_role_arn": self.cloudwatch.role.arn,
            }
        if self.notifications is not None:
            depends.append(self.notifications.topic_policy)
            # The name, not the ARN: the provider reads the trail's SnsTopicName back as the bare name for a
            # same-account, same-Region topic, so an ARN here shows a diff on every preview.
            cw["sns_topic_name"] = self.notifications.topic.name
        return aws.cloudtrail.Trail(
            f"{name}-trail",
            name=s.trail_name,
            s3_bucket_name=self.log_storage.bucket.id,
            s3_key_prefix=s.s3_key_prefix or None,
            is_organization_trail=bool(s.org_id),
            is_multi_region_trail=not s.disable_multi_region,
            include_global_service_events=not s.disable_global_service_events,
            enable_log_file_validation=not s.disable_log_file_validation,
            enable_logging=True,
            kms_key_id=None if s.disable_trail_encryption else self.key.arn,
            advanced_event_selectors=to_args(layout.selectors),
            insight_selectors=[{"insight_type": t} for t in s.insights] or None,
            tags=layout.tags,
            **cw,
            # protect: `pulumi destroy` (or a rename that replaces the trail) would stop the organization's
            # audit log; disableDestroyProtection lifts it.
            opts=self._mgmt_opts(depends_on=depends, protect=layout.protect),
        )

    def _create_lake(self, name: str, s: Settings, layout: _Layout):
        from components.lake import OrganizationLake, OrganizationLakeArgs  # issue 14: optional CloudTrail Lake

        return OrganizationLake(f"{name}-lake", OrganizationLakeArgs(
            name=f"{s.trail_name}-lake", kms_key_arn=self.key.arn, organization=bool(s.org_id),
            retention_days=s.lake_retention_days, tags=layout.tags, protect=layout.protect),
            opts=self._mgmt_opts(depends_on=[self.key]))

    # --- helpers -----------------------------------------------------------------------------------------

    @staticmethod
    def _bucket_readers(s: Settings, mgmt: str, bucket_account: str) -> list[str]:
        """Accounts besides the bucket owner that read the logs: logReaderAccountIds, and the management
        account when the bucket lives in the log archive account (the key policy already lets them decrypt)."""
        readers = set(s.log_reader_account_ids) | ({mgmt} if s.cross_account else set())
        return sorted(readers - {bucket_account})

    def _mgmt_opts(self, **kw) -> pulumi.ResourceOptions:
        if self._mgmt_provider is not None:
            kw["providers"] = [self._mgmt_provider]
        return pulumi.ResourceOptions(parent=self, **kw)

    def _environment(self, s: Settings) -> tuple[_Environment, Settings]:
        """Partition, Region and accounts; for an organization trail, its preconditions (components.organization)."""
        invoke = pulumi.InvokeOptions(parent=self, provider=self._mgmt_provider)
        part = aws.get_partition(opts=invoke)
        region = aws.get_region(opts=invoke).region
        caller = aws.get_caller_identity(opts=invoke).account_id
        if s.org_id:
            org = organization.resolve(s.org_id, s.management_account_id, caller,
                                       organization.read_organization(caller, invoke))
            s = dataclasses.replace(s, org_id=org.org_id, management_account_id=org.management_account_id)
            return _Environment(part.partition, part.dns_suffix, region, org.management_account_id, caller), s
        if s.management_account_id and s.management_account_id != caller:
            # A single-account trail belongs to the deploying account, and every policy names it.
            raise SettingsError(f"managementAccountId: {s.management_account_id!r} but the deploying credentials "
                                f"belong to account {caller}; allowed: {caller} or \"\" (use the deploying account).")
        return _Environment(part.partition, part.dns_suffix, region, caller, caller), s

    def _expose(self, s: Settings, name: str, monitoring, tags: dict) -> None:
        self.log_bucket = self.log_storage.bucket
        self.access_log_bucket = self.access_log_storage.bucket if self.access_log_storage else None
        self.log_group = self.cloudwatch.log_group if self.cloudwatch else None
        self.cloudwatch_role = self.cloudwatch.role if self.cloudwatch else None
        self.delivery_topic = self.notifications.topic if self.notifications else None
        self.trail_arn = self.trail.arn
        self.trail_name = self.trail.name
        self.log_bucket_name = self.log_bucket.bucket
        self.access_log_bucket_name = self.access_log_bucket.bucket if self.access_log_bucket else _empty()
        self.kms_key_arn = self.key.arn
        self.log_group_name = self.log_group.name if self.log_group else _empty()
        self.log_group_arn = self.log_group.arn if self.log_group else _empty()
        self.cloudwatch_role_arn = self.cloudwatch_role.arn if self.cloudwatch_role else _empty()
        self.delivery_topic_arn = self.delivery_topic.arn if self.delivery_topic else _empty()
        self.monitoring = None
        self.alarm_topic_arn = None
        if monitoring is not None and self.log_group is not None:
            from components.monitoring import CisMonitoring  # written by the monitoring engineer

            self.monitoring = CisMonitoring(
                f"{name}-monitoring", monitoring, log_group_name=self.log_group.name,
                kms_key_arn=self.logs_key.key.arn, tags=tags, topic_name=self.alarm_topic_name,
                opts=self._mgmt_opts(depends_on=[self.logs_key]))
            self.alarm_topic_arn = self.monitoring.topic_arn
        outputs = {
            "trailArn": self.trail_arn, "trailName": self.trail_name, "logBucketName": self.log_bucket_name,
            "accessLogBucketName": self.access_log_bucket_name, "kmsKeyArn": self.kms_key_arn,
            "logGroupName": self.log_group_name, "logGroupArn": self.log_group_arn,
            "cloudWatchLogsRoleArn": self.cloudwatch_role_arn, "deliveryTopicArn": self.delivery_topic_arn,
        }
        if self.alarm_topic_arn is not None:
            outputs["alarmTopicArn"] = self.alarm_topic_arn
        self.outputs = outputs
        self.register_outputs(outputs)


def _empty() -> pulumi.Output[str]:
    return pulumi.Output.from_input("")
