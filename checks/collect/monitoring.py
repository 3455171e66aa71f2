"""Collect what CM-01..CM-16 need: metric filters of the trails' log groups, alarms, alarm topic subscribers.

Read-only (logs:DescribeMetricFilters, cloudwatch:DescribeAlarms, sns:ListSubscriptionsByTopic), paginated,
clients from the shared :class:`checks.collect.clients.Clients` (injected session, adaptive retries).
A failed call is recorded in the ``errors`` of the fact it left unknown, naming the API, so the rules
report ERROR, never PASS. A NotFound answer is a definite one (the log group or topic is absent), recorded
as ``exists = False``. Alarms are read whole: metric identity (with dimensions) and metric-math queries.
"""
from __future__ import annotations

from checks.arns import arn_account, arn_region, arn_service
from checks.collect.clients import CALL_ERRORS, Clients, error_code, failure
from checks.facts import (AccountFacts, Alarm, LogGroupFacts, MetricFilter, MetricQuery, MetricTransformation,
                          TopicFacts)
from checks.metricmath import watched

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
                    t["metricName"], t["metricNamespace"], str(t.get("metricValue", "")),
                    tuple(sorted((t.get("dimensions") or {}).items())), t.get("defaultValue"),
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
            alarms.extend(_alarm(a) for page in pages for a in page.get("MetricAlarms", []))
        except CALL_ERRORS as exc:
            return failure("cloudwatch:DescribeAlarms", f"region {region}", exc)
    return tuple(alarms)


def _dimensions(dims) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((d.get("Name", ""), d.get("Value", "")) for d in dims or ()))


def _query(q: dict) -> MetricQuery:
    metric = (q.get("MetricStat") or {}).get("Metric") or {}
    return MetricQuery(
        id=q.get("Id", ""), return_data=q.get("ReturnData", True) is not False,
        namespace=metric.get("Namespace", ""), metric_name=metric.get("MetricName", ""),
        dimensions=_dimensions(metric.get("Dimensions")), expression=q.get("Expression", ""),
        account_id=q.get("AccountId", ""))


def _alarm(a: dict) -> Alarm:
    return Alarm(
        name=a.get("AlarmName", ""), arn=a.get("AlarmArn", ""), metric_name=a.get("MetricName", ""),
        namespace=a.get("Namespace", ""), actions_enabled=bool(a.get("ActionsEnabled", False)),
        alarm_actions=tuple(a.get("AlarmActions", [])), statistic=a.get("Statistic", ""),
        comparison_operator=a.get("ComparisonOperator", ""), threshold=a.get("Threshold"),
        period=a.get("Period"), evaluation_periods=a.get("EvaluationPeriods"),
        dimensions=_dimensions(a.get("Dimensions")), queries=tuple(_query(q) for q in a.get("Metrics") or ()))


def _collect_topic(clients: Clients, facts: AccountFacts, arn: str) -> None:
    topic = facts.topics.get(arn)
    if topic is None:
        topic = facts.topics[arn] = TopicFacts(arn=arn, owner_account_id=arn_account(arn) or None)
    try:
        pages = clients.get("sns", arn_region(arn)).get_paginator("list_subscriptions_by_topic").paginate(TopicArn=arn)
        subs = [s.get("SubscriptionArn", "") for page in pages for s in page.get("Subscriptions", [])]
    except CALL_ERRORS as exc:
        if error_code(exc) == "NotFound":  # SNS NotFoundException: the topic was deleted, a definite answer
            topic.exists, topic.confirmed_subscriptions, topic.pending_subscriptions = False, 0, 0
            return
        topic.errors["subscriptions"] = failure("sns:ListSubscriptionsByTopic", f"topic {arn}", exc)
        return
    topic.exists = True
    # Only a subscription with a real ARN delivers; "PendingConfirmation" (and "Deleted") do not.
    topic.confirmed_subscriptions = sum(1 for s in subs if s.startswith("arn:"))
    topic.pending_subscriptions = sum(1 for s in subs if s == PENDING)


def _watches_any(alarm: Alarm, metrics: set[tuple[str, str]], account_id: str) -> bool:
    ids = watched(alarm, account_id)
    return not isinstance(ids, str) and any((ns, name) in metrics for ns, name, _ in ids)


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
    # Only topics that an alarm on one of the filters' metrics (by namespace and name; the rules then match
    # dimensions) notifies: the ones the rules look at.
    metrics = {(t.metric_namespace, t.metric_name) for g in groups for f in g.metric_filters or ()
               for t in f.transformations}
    topics = sorted({arn for a in alarms if _watches_any(a, metrics, facts.account_id)
                     for arn in a.alarm_actions if arn_service(arn) == "sns"})
    for arn in topics:
        _collect_topic(clients, facts, arn)
