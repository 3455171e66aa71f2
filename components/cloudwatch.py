"""CloudWatchDelivery: the KMS-encrypted log group and the least-privilege role CloudTrail writes it with."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import documents


@dataclass
class CloudWatchDeliveryArgs:
    log_group_name: str
    log_group_arn: str  # built before creation; the key policy and role policy name it
    trail_arn: str
    management_account_id: str
    region: str
    org_id: str = ""
    kms_key_arn: pulumi.Input[str] | None = None
    retention_days: int = 365
    protect: bool = True
    tags: dict = field(default_factory=dict)


class CloudWatchDelivery(pulumi.ComponentResource):
    log_group: aws.cloudwatch.LogGroup
    role: aws.iam.Role
    role_policy: aws.iam.RolePolicy

    def __init__(self, name: str, args: CloudWatchDeliveryArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("trailguard:index:CloudWatchDelivery", name, None, opts)
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-log-group",
            name=args.log_group_name,
            retention_in_days=args.retention_days,
            kms_key_id=args.kms_key_arn,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect),
        )
        trust = json.dumps(documents.cloudwatch_role_trust())
        self.role = aws.iam.Role(
            f"{name}-role",
            description="CloudTrail delivery to its CloudWatch Logs group (trailguard)",
            assume_role_policy=trust,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        # A separate RolePolicy, not the Role's inline argument: upstream deprecates inline policies and
        # AWSGuard flags roles whose policies are managed in two places.
        role_policy = pulumi.Output.from_input(args.log_group_arn).apply(lambda arn: json.dumps(
            documents.cloudwatch_role_policy(log_group=arn, management_account=args.management_account_id,
                                            region=args.region, org_id=args.org_id)))
        self.role_policy = aws.iam.RolePolicy(
            f"{name}-role-policy",
            role=self.role.id,
            policy=role_policy,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.log_group_name = self.log_group.name
        self.log_group_arn = self.log_group.arn
        self.register_outputs({
            "logGroupName": self.log_group.name,
            "logGroupArn": self.log_group.arn,
            "roleArn": self.role.arn,
        })
