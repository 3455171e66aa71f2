"""DeliveryNotifications: the KMS-encrypted SNS topic CloudTrail announces each delivered log file on."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import documents


@dataclass
class DeliveryNotificationsArgs:
    trail_arn: str
    topic_name: str | None = None  # fixed name: the key policy pins its ARN before the topic exists
    kms_key_arn: pulumi.Input[str] | None = None
    tags: dict = field(default_factory=dict)


class DeliveryNotifications(pulumi.ComponentResource):
    topic: aws.sns.Topic
    topic_policy: aws.sns.TopicPolicy

    def __init__(self, name: str, args: DeliveryNotificationsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("trailguard:index:DeliveryNotifications", name, None, opts)
        self.topic = aws.sns.Topic(
            f"{name}-topic",
            name=args.topic_name,
            kms_master_key_id=args.kms_key_arn,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        policy = pulumi.Output.all(self.topic.arn, args.trail_arn).apply(
            lambda v: json.dumps(documents.delivery_topic_policy(topic=v[0], trail=v[1])))
        self.topic_policy = aws.sns.TopicPolicy(
            f"{name}-topic-policy", arn=self.topic.arn, policy=policy, opts=pulumi.ResourceOptions(parent=self))
        self.topic_arn = self.topic.arn
        self.register_outputs({"topicArn": self.topic.arn})
