"""CisMonitoring: the CIS metric filters and alarms (plus selector tampering) on the trail's log group.

The patterns come from :mod:`checks.catalog.filters`, the same specs the audit and the policy pack judge filters
with, so what we provision is by construction what CM-01..CM-16 accept (tests/components prove it). The
settings are :class:`components.monitoring_settings.MonitoringArgs`, read and checked with the other
``trailguard:*`` settings (``Settings.monitoring``).
"""
from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from checks.catalog.filters import FILTER_SPECS
from components.monitoring_settings import AlarmSubscription, MonitoringArgs  # noqa: F401 - the component's args
from components.settings import MONITORING_KEYS

TYPE_TOKEN = "trailguard:index:CisMonitoring"
# The trailguard:* config keys of the alarms (components.stack_config refuses any other).
CONFIG_KEYS = tuple(MONITORING_KEYS)


def topic_policy(topic_arn: str) -> str:
    """Only CloudWatch alarms of this account and region may publish (no confused deputy via other accounts)."""
    _, partition, _, region, account = topic_arn.split(":")[:5]
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "CloudWatchAlarmsPublish",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account},
                "ArnLike": {"aws:SourceArn": f"arn:{partition}:cloudwatch:{region}:{account}:alarm:*"},
            },
        }],
    })


class CisMonitoring(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]
    alarm_arns: pulumi.Output[dict]

    def __init__(self, name: str, args: MonitoringArgs, *, log_group_name, kms_key_arn, tags,
                 opts: pulumi.ResourceOptions | None = None, topic_name: str | None = None):
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        enabled = [s for s in FILTER_SPECS if s.name in args.enabled_filters]
        alarms: dict[str, pulumi.Output[str]] = {}
        self.topic_arn = pulumi.Output.from_input("")
        if enabled:
            # The trail's CMK keeps alarm contents (event names, accounts) encrypted at rest.
            topic = aws.sns.Topic(f"{name}-topic", name=topic_name, kms_master_key_id=kms_key_arn, tags=tags,
                                  opts=child)
            aws.sns.TopicPolicy(f"{name}-topic-policy", arn=topic.arn, policy=topic.arn.apply(topic_policy),
                                opts=child)
            for i, sub in enumerate(args.alarm_subscriptions):
                aws.sns.TopicSubscription(f"{name}-subscription-{i}", topic=topic.arn, protocol=sub.protocol,
                                          endpoint=sub.endpoint, opts=child)
            self.topic_arn = topic.arn
        for spec in enabled:
            flt = aws.cloudwatch.LogMetricFilter(
                f"{name}-{spec.name}", name=spec.name, log_group_name=log_group_name,
                pattern=spec.pattern_for(args.console_signin_no_mfa_variant),
                metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                    name=spec.name, namespace=args.alarm_namespace, value="1"),
                opts=child)
            alarm = aws.cloudwatch.MetricAlarm(
                f"{name}-{spec.name}", name=f"{name}-{spec.name}",
                alarm_description=f"{spec.ref}: {spec.summary} (metric filter {spec.name}).",
                metric_name=spec.name, namespace=args.alarm_namespace, statistic="Sum",
                comparison_operator="GreaterThanOrEqualToThreshold", threshold=args.alarm_threshold,
                period=args.alarm_period_seconds, evaluation_periods=args.alarm_evaluation_periods,
                # No log events in a period means nothing happened, not an outage: stay OK.
                treat_missing_data="notBreaching", actions_enabled=True, alarm_actions=[self.topic_arn],
                tags=tags, opts=pulumi.ResourceOptions(parent=self, depends_on=[flt]))
            alarms[spec.name] = alarm.arn
        self.alarm_arns = pulumi.Output.all(**alarms) if alarms else pulumi.Output.from_input({})
        self.register_outputs({"topic_arn": self.topic_arn, "alarm_arns": self.alarm_arns})
