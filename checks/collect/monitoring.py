"""Collect what CM-01..CM-16 need: metric filters of the trails' log groups, alarms, alarm topic subscribers.

Read-only (logs:DescribeMetricFilters, cloudwatch:DescribeAlarms, sns:ListSubscriptionsByTopic), paginated,
clients from the shared :class:`checks.collect.clients.Clients` (injected session, adaptive retries).
A failed call is recorded in the ``errors`` of the fact it left unknown, naming the API, so the rules
report ERROR, never PASS.
"""
from __future__ import annotations

from checks.arns import arn_account, arn_region, arn_service
from checks.collect.clients import CALL_ERRORS, Clients, error_code, failure
from checks.facts import AccountFacts, Alarm, LogGroupFacts, MetricFilter, MetricTransformation, TopicFacts

PENDING = "PendingConfirmation"


def _own_log_groups(facts: AccountFacts) -> list[LogGroupFacts]:
    """Log groups in this account that a visible trail delivers to (other accounts' groups: not ours to read)."""
    groups: dict[str, LogGroupFacts] = {}
    for trail in facts.trails or []:
        arn = (trail.cloudwatch_logs_log_group_arn or "").removesuffix(":*")
        if arn_account(arn) != facts.account_id or arn in groups:
            continue
        name = arn.split(":log-group:", 1)[1]
        group = facts.log_groups.get(arn)
        if group is None:  # the core collector normally made it; keep ours minimal (unknowns stay None)
            group = facts.log_groups[arn] = LogGroupFacts(arn=arn, name=name, region=arn_region(arn),
                                                          owner_account_id=facts.account_id)
        groups[arn] = group
    return list(groups.values())


def _collect_filters(clients: Clients, group: LogGroupFacts) -> None:
    try:
        pages = clients.get("logs", group.region).get_paginator("describe_metric_filters").paginate(
            logGroupName=group.name)
        group.metric_filters = tuple(
            MetricFilter(
                name=f.get("filterName", ""), log_group_name=f.get("logGroupName", group.name),
                pattern=f.get("filterPattern", ""),
                transformations=tuple(MetricTransformation(
                    t["metricName"], t["metricNamespace"], str(t.get("metricValue", ""))
                ) for t in f.get("metricTransformations", [])),
            )
            for page in pages for f in page.get("metricFilters", []))
    except CALL_ERRORS as exc:
        if error_code(exc) == "ResourceNotFoundException":
            group.exists, group.metric_filters = False, ()
            return
        group.errors["metric_filters"] = failure("logs:DescribeMetricFilters", f"log group {group.name}", exc)


def _collect_alarms(clients: Clients, regions: list[str]) -> tuple[Alarm, ...] | str:
    alarms: list[Alarm] = []
    for region in regions:
        try:
            pages = clients.get("cloudwatch", region).get_paginator("describe_alarms").paginate(
                AlarmTypes=["MetricAlarm"])
            alarms.extend(_alarm(a) for page in pages for a in page.get("MetricAlarms", []) if a.get("MetricName"))
        except CALL_ERRORS as exc:
            return failure("cloudwatch:DescribeAlarms", f"region {region}", exc)
    return tuple(alarms)


def _alarm(a: dict) -> Alarm:
    return Alarm(
        name=a.get("AlarmName", ""), arn=a.get("AlarmArn", ""), metric_name=a["MetricName"],
        namespace=a.get("Namespace", ""), actions_enabled=bool(a.get("ActionsEnabled", False)),
        alarm_actions=tuple(a.get("AlarmActions", [])), statistic=a.get("Statistic", ""),
        comparison_operator=a.get("ComparisonOperator", ""), threshold=a.get("Threshold"),
        period=a.get("Period"), evaluation_periods=a.get("EvaluationPeriods"))


def _collect_topic(clients: Clients, facts: AccountFacts, arn: str) -> None:
    topic = facts.topics.get(arn)
    if topic is None:
        topic = facts.topics[arn] = TopicFacts(arn=arn, owner_account_id=arn_account(arn) or None)
    try:
        pages = clients.get("sns", arn_region(arn)).get_paginator("list_subscriptions_by_topic").paginate(TopicArn=arn)
        subs = [s.get("SubscriptionArn", "") for page in pages for s in page.get("Subscriptions", [])]
    except CALL_ERRORS as exc:
        topic.errors["subscriptions"] = failure("sns:ListSubscriptionsByTopic", f"topic {arn}", exc)
        return
    # Only a subscription with a real ARN delivers; "PendingConfirmation" (and "Deleted") do not.
    topic.confirmed_subscriptions = sum(1 for s in subs if s.startswith("arn:"))
    topic.pending_subscriptions = sum(1 for s in subs if s == PENDING)


def collect_monitoring(session, facts: AccountFacts) -> None:
    """Fill LogGroupFacts.metric_filters, AccountFacts.alarms and AccountFacts.topics for the trails' log groups."""
    groups = _own_log_groups(facts)
    if not groups:
        return
    clients = Clients(session)
    for group in groups:
        _collect_filters(clients, group)
    regions = sorted({g.region for g in groups})
    alarms = _collect_alarms(clients, regions)
    if isinstance(alarms, str):
        facts.alarms = None
        facts.errors["alarms"] = alarms
        return
    facts.alarms = alarms
    # Only topics that an alarm on one of the filters' metrics notifies: the ones the rules look at.
    metrics = {(t.metric_namespace, t.metric_name) for g in groups for f in g.metric_filters or ()
               for t in f.transformations}
    topics = sorted({arn for a in alarms if (a.namespace, a.metric_name) in metrics
                     for arn in a.alarm_actions if arn_service(arn) == "sns"})
    for arn in topics:
        _collect_topic(clients, facts, arn)
