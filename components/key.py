"""TrailKey: the customer-managed KMS key (rotation on, alias) that encrypts logs, the log group and topics."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import documents


@dataclass
class TrailKeyArgs:
    partition: str
    region: str
    dns_suffix: str
    key_account_id: str  # where the key lives: management or log archive account
    management_account_id: str
    trail_arn: str
    alias_name: str
    reader_account_ids: list[str] = field(default_factory=list)
    log_group_arn: str | None = None  # None: CloudWatch Logs is off, no logs-service grant
    delivery_topic_arn: str | None = None  # None: no delivery topic, no grant
    alarm_topic_arn: str | None = None  # None: no CIS alarms, no CloudWatch grant
    alarms_account_id: str = ""  # where the alarms live ("" = management account)
    cloudtrail_grants: bool = True  # False: the optional separate key for the log group and topics only
    deletion_window_days: int = 30
    protect: bool = True  # protect + retain_on_delete: losing the key makes every log file unreadable
    tags: dict = field(default_factory=dict)
    lake: bool = False  # trailguard:lake: CloudTrail Lake may use the key too


def alias_for(trail_name: str) -> str:
    # Trail names may contain '.', which KMS alias names reject (ValidationException).
    return "alias/" + re.sub(r"[^A-Za-z0-9/_-]", "-", trail_name)


class TrailKey(pulumi.ComponentResource):
    key: aws.kms.Key
    alias: aws.kms.Alias

    def __init__(self, name: str, args: TrailKeyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("trailguard:index:TrailKey", name, None, opts)
        readers = sorted({args.management_account_id, args.key_account_id, *args.reader_account_ids})
        policy = pulumi.Output.from_input(args.trail_arn).apply(lambda trail: json.dumps(documents.key_policy(
            partition=args.partition,
            region=args.region,
            dns_suffix=args.dns_suffix,
            key_account=args.key_account_id,
            management_account=args.management_account_id,
            trail=trail,
            reader_accounts=readers,
            log_group=args.log_group_arn,
            delivery_topic=args.delivery_topic_arn,
            alarm_topic=args.alarm_topic_arn,
            alarms_account=args.alarms_account_id,
            cloudtrail_grants=args.cloudtrail_grants,
            lake=args.lake,
        )))
        self.key = aws.kms.Key(
            f"{name}-key",
            description=(f"trailguard CloudTrail key for {args.trail_arn}" if args.cloudtrail_grants else
                         f"trailguard CloudWatch Logs and SNS key for {args.trail_arn}"),
            enable_key_rotation=True,
            deletion_window_in_days=args.deletion_window_days,
            multi_region=False,  # Control Tower and CIS expect a single-Region key; replicas widen exposure
            policy=policy,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect),
        )
        self.alias = aws.kms.Alias(
            f"{name}-alias",
            name=args.alias_name,
            target_key_id=self.key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.key.arn
        self.register_outputs({"keyArn": self.key.arn, "aliasName": self.alias.name})
