"""Predicates for CM-01..CM-16: trail log group -> metric filter (judged by meaning) -> alarm -> confirmed subscriber.

Which log group: that of a multi-region, logging trail recording all management reads and writes
(the CIS audit's starting point). When every such trail delivers to a log group in another account (an
organization trail seen from a member) or outside the audited regions, the controls are
NOT_APPLICABLE, as Security Hub reports NO_DATA: only the log group's owner can fix or see it.

A chain passes when a filter on the log group counts every required event of the spec (extra breadth is
fine, a flood is not: :func:`checks.cis.check_filter`), an alarm in the log group's region watches the
filter's metric by its full identity (namespace, name AND dimensions, :mod:`checks.metricmath`; a
metric-math alarm counts when its returned value depends on that metric) and can fire on the filter's
metricValue, with actions enabled and an SNS action, and that topic exists and has at least one confirmed
subscription (a topic SNS answers NotFound for notifies nobody: FAIL). An alarm whose expression we cannot
read makes the control ERROR unless another alarm passes. Any passing chain passes the control; otherwise
an unknown link is ERROR (never PASS) and else the finding reports the chain that got furthest.
"""
from __future__ import annotations

from dataclasses import dataclass

from checks.arns import arn_part
from checks.cis import FILTER_SPECS, FilterSpec, check_filter, listed
from checks.filterpattern import field_value
from checks.metricmath import MetricId, describe, metric_id, watched
from checks.facts import AccountFacts, Alarm, LogGroupFacts, MetricFilter, MetricTransformation, TrailFacts
from checks.model import Result, Status, sentence
from checks.rules import rule
from checks.rules.selectors import management_coverage
from checks.rules.subjects import log_group_placement, unknown_logging_fact


@dataclass(frozen=True)
class _Outcome:
    status: Status
    stage: int  # how far the chain got: 0 filter, 1 alarm, 2 actions enabled, 3 SNS action, 4 subscriber
    reason: str


def _fail(stage: int, reason: str) -> _Outcome:
    return _Outcome(Status.FAIL, stage, reason)


def _error(reason: str) -> _Outcome:
    return _Outcome(Status.ERROR, -1, reason)


# --- which trails and log groups --------------------------------------------------------------------


def _trail_qualifies(trail: TrailFacts) -> bool | str:
    """True / False, or a sentence saying which fact is unknown."""
    if trail.is_multi_region is False or (trail.status and trail.status.is_logging is False):
        return False
    return unknown_logging_fact(trail) or management_coverage(trail.selectors).ok


def _qualifying(account: AccountFacts) -> tuple[list[TrailFacts], list[str]]:
    trails, unknown = [], []
    for trail in account.trails or []:
        verdict = _trail_qualifies(trail)
        if verdict is True:
            trails.append(trail)
        elif isinstance(verdict, str):
            unknown.append(verdict)
    return trails, unknown


# --- one chain --------------------------------------------------------------------------------------


def _judge_topic(account: AccountFacts, spec: FilterSpec, flt: MetricFilter, alarm: Alarm,
                 topic_arn: str) -> _Outcome:
    topic = account.topics.get(topic_arn)
    if topic is not None and topic.exists is False:
        return _fail(4, f"alarm {alarm.name} notifies topic {topic_arn}, which no longer exists (SNS answered "
                        "NotFound), so nobody is notified")
    if topic is None or topic.confirmed_subscriptions is None:
        errors = topic.errors if topic else {}
        return _error(errors.get("subscriptions")
                      or f"sns:ListSubscriptionsByTopic did not report the subscriptions of topic {topic_arn}")
    if topic.confirmed_subscriptions < 1:
        return _fail(4, f"alarm {alarm.name} notifies topic {topic_arn}, which has no confirmed subscription "
                        f"({topic.pending_subscriptions or 0} pending)")
    return _Outcome(Status.PASS, 5, f"metric filter '{flt.name}' on log group {flt.log_group_name} counts "
                                    f"{spec.summary}; alarm {alarm.name} notifies topic {topic_arn} with "
                                    f"{topic.confirmed_subscriptions} confirmed subscription(s)")


def _published(spec: FilterSpec, t: MetricTransformation) -> dict[str, MetricId]:
    """The metric each required event is counted in (probe label -> identity): one metric without dimensions,
    or, when the filter publishes dimensions, one per combination of the events' field values."""
    dims = {}
    for probe in spec.required:
        values = [(name, field_value(probe.event, sel)) for name, sel in t.dimensions]
        dims[probe.label] = metric_id(t.metric_namespace, t.metric_name,
                                      [(n, v) for n, v in values if v is not None])
    return dims


def _coverage(alarm: Alarm, ids: frozenset, published: dict[str, MetricId]) -> str:
    """"" when the alarm watches the metric of every required event; else why it does not."""
    missed = [label for label, mid in published.items() if mid not in ids]
    if not missed:
        return ""
    same = sorted(describe(m) for m in ids if m[:2] == next(iter(published.values()))[:2])
    if len(missed) == len(published):
        watching = f"watches {same[0]}" if same else "watches other metrics"
        return (f"alarm {alarm.name} {watching}, but the filter publishes {describe(published[missed[0]])}, "
                "a different metric, so the alarm never fires")
    return (f"alarm {alarm.name} watches only part of the filter's metrics: {listed(missed)} "
            f"{'is' if len(missed) == 1 else 'are'} published under {describe(published[missed[0]])}")


def _judge_alarms(account: AccountFacts, spec: FilterSpec, flt: MetricFilter, t: MetricTransformation,
                  region: str) -> list[_Outcome]:
    if account.alarms is None:
        return [_error(account.errors.get("alarms") or "cloudwatch:DescribeAlarms did not report the alarms")]
    metric, published = f"{t.metric_namespace}/{t.metric_name}", _published(spec, t)
    outcomes, unreadable, near, parts = [], [], [], []
    for alarm in account.alarms:
        if arn_part(alarm.arn, 3) not in ("", region):
            continue
        ids = watched(alarm, account.account_id)
        if isinstance(ids, str):
            unreadable.append(ids)
            continue
        if not any(m[:2] == (t.metric_namespace, t.metric_name) for m in ids):
            continue
        gap, never = _coverage(alarm, ids, published), _never_fires(alarm, t) or _fires_unprompted(alarm, t)
        chain = _notifies(account, spec, flt, alarm, metric)
        if not gap and not never:
            outcomes.extend(chain)
            continue
        near.append(_fail(1, gap or never))
        if not never and any(o.status is Status.PASS for o in chain):  # watches part of the events, notifies
            parts.append((alarm.name, {label for label, mid in published.items() if mid in ids}))
    if any(o.status is Status.PASS for o in outcomes):
        return outcomes
    if parts and set().union(*(labels for _, labels in parts)) >= set(published):
        # Several alarms, one per dimension value, together notify on every required event.
        names = ", ".join(name for name, _ in parts)
        return [_Outcome(Status.PASS, 5, f"metric filter '{flt.name}' on log group {flt.log_group_name} counts "
                                         f"{spec.summary}; alarms {names} together watch the metric of every "
                                         "required event and notify a confirmed subscriber")]
    if unreadable:  # it might be the alarm that watches this metric: say so, never "no alarm"
        outcomes.append(_error(unreadable[0]))
    return outcomes or near or [_fail(1, f"metric filter '{flt.name}' counts {spec.summary}, but no alarm in "
                                         f"{region} watches its metric {metric}")]


_COMPARE = {"GreaterThanOrEqualToThreshold": float.__ge__, "GreaterThanThreshold": float.__gt__,
            "LessThanThreshold": float.__lt__, "LessThanOrEqualToThreshold": float.__le__}


def _never_fires(alarm: Alarm, t: MetricTransformation) -> str:
    """Why no number of matching events can set the alarm off, or "" (also when we cannot tell).

    Each matching event publishes the filter's metricValue v; with n >= 1 events in a period the statistic
    is n*v (Sum), n (SampleCount) or v (Average, Minimum, Maximum, percentiles). Sum and SampleCount are
    monotonic in n, so n = 1 and n -> infinity bound every value they take."""
    compare = _COMPARE.get(alarm.comparison_operator)
    if alarm.queries or compare is None or alarm.threshold is None:
        return ""
    try:
        v = float(t.metric_value)
    except ValueError:  # a field selector ($.x) publishes the event's own value: not judged
        return ""
    inf = float("inf")
    values = {"Sum": (v, v * inf if v else 0.0), "SampleCount": (1.0, inf)}.get(alarm.statistic, (v,))
    if any(compare(x, float(alarm.threshold)) for x in values):
        return ""
    return (f"alarm {alarm.name} compares {alarm.statistic or 'its statistic'} {alarm.comparison_operator} "
            f"{float(alarm.threshold):g}, but each matching event publishes {t.metric_value}, so it can never fire")


def _fires_unprompted(alarm: Alarm, t: MetricTransformation) -> str:
    """Why the filter's defaultValue (emitted for every event the pattern does not match) alone sets the alarm
    off, or "": then every unrelated record fires it, it sits in ALARM and never tells of the control's events."""
    compare = _COMPARE.get(alarm.comparison_operator)
    if alarm.queries or compare is None or alarm.threshold is None or t.default_value is None:
        return ""
    d, inf = float(t.default_value), float("inf")
    values = {"Sum": (d, d * inf if d else 0.0), "SampleCount": (1.0, inf)}.get(alarm.statistic, (d,))
    if not any(compare(x, float(alarm.threshold)) for x in values):
        return ""
    return (f"alarm {alarm.name} compares {alarm.statistic or 'its statistic'} {alarm.comparison_operator} "
            f"{float(alarm.threshold):g}, but the filter publishes defaultValue {d:g} for every other event, so "
            "routine activity keeps it in ALARM and it never notifies of the control's events")


def _notifies(account: AccountFacts, spec: FilterSpec, flt: MetricFilter, alarm: Alarm, metric: str) -> list[_Outcome]:
    topics = [arn for arn in alarm.alarm_actions if arn_part(arn, 2) == "sns"]
    if not alarm.actions_enabled:
        return [_fail(2, f"alarm {alarm.name} on {metric} has its actions disabled")]
    if not topics:
        return [_fail(3, f"alarm {alarm.name} on {metric} has no SNS topic among its alarm actions")]
    return [_judge_topic(account, spec, flt, alarm, arn) for arn in topics]


def _judge_group(account: AccountFacts, spec: FilterSpec, group: LogGroupFacts) -> list[_Outcome]:
    if group.exists is False:  # a definite answer (ResourceNotFoundException): no filter can count anything
        return [_fail(0, f"log group {group.name} does not exist")]
    if group.metric_filters is None:
        return [_error(group.errors.get("metric_filters")
                       or f"logs:DescribeMetricFilters did not report the filters of log group {group.name}")]
    if not group.metric_filters:
        return [_fail(0, f"log group {group.name} has no metric filters")]
    verdicts = [(f, check_filter(spec, f.pattern)) for f in group.metric_filters]
    passing = [f for f, v in verdicts if v.ok]
    if not passing:
        flt, verdict = min(verdicts, key=lambda fv: fv[1].distance)
        return [_fail(0, f"no metric filter on log group {group.name} counts all {spec.summary}; "
                         f"the closest, '{flt.name}', {verdict.reason}")]
    outcomes = [_noted(o, v) for f, v in verdicts if v.ok for t in f.transformations
                for o in _judge_alarms(account, spec, f, t, group.region)]
    return outcomes or [_fail(1, f"metric filter '{passing[0].name}' on log group {group.name} publishes no metric")]


def _noted(outcome: _Outcome, verdict) -> _Outcome:
    """A PASS keeps what the filter's verdict noted: breadth beyond the control, an event newer CIS adds."""
    notes = verdict.reason.split("; ", 1)[1:]
    if outcome.status is not Status.PASS or not notes:
        return outcome
    return _Outcome(outcome.status, outcome.stage, f"{outcome.reason}; the filter is {notes[0]}"
                    .replace("is broader than needed, it", "is broader than needed: it")
                    .replace("the filter is it does not", "the filter does not"))


# --- the control ------------------------------------------------------------------------------------


def _chains(account: AccountFacts, spec: FilterSpec, trails: list[TrailFacts]) -> Result:
    """The best chain over the trails' log groups; the finding names the log group of the chain it reports."""
    judged: list[tuple[_Outcome, str]] = []  # (outcome, log group ARN it is about; "" when no group is known)
    foreign, misses = [], []
    for trail in trails:
        kind, detail = log_group_placement(account, trail)
        if kind == "group":
            group = account.log_groups.get(detail)
            judged.extend((o, detail) for o in (_judge_group(account, spec, group) if group else [_error(
                f"logs:DescribeMetricFilters was not run for log group {detail} of trail {trail.name}")]))
        elif kind == "unknown":
            judged.append((_error(detail), ""))
        else:
            (foreign if kind == "foreign" else misses).append(detail)
    hit = next((h for status in (Status.PASS, Status.ERROR) for h in judged if h[0].status is status), None)
    if hit is None and judged:
        hit = max(judged, key=lambda h: h[0].stage)
    if hit:
        outcome, group = hit
        return Result(outcome.status, sentence(outcome.reason), resource=group, region=arn_part(group, 3))
    if foreign:
        return Result.not_applicable(sentence(f"{spec.name} cannot be checked here: {foreign[0]}"))
    return Result.failed(sentence(misses[0]))


def evaluate_monitoring(account: AccountFacts, spec: FilterSpec) -> Result:
    """The shared predicate of CM-01..CM-16 for one filter spec."""
    if account.trails is None:
        return Result.error(account.errors.get("trails") or "cloudtrail:DescribeTrails failed.")
    trails, unknown = _qualifying(account)
    if not trails:
        if unknown:
            return Result.error(sentence(unknown[0]))
        return Result.failed(f"No multi-region, logging trail recording all management events exists in "
                             f"account {account.account_id}, so no log group can alarm on {spec.summary}.")
    return _chains(account, spec, trails)


def _register(spec: FilterSpec):
    def predicate(account: AccountFacts) -> Result:
        return evaluate_monitoring(account, spec)

    predicate.__name__ = predicate.__qualname__ = spec.control_id
    predicate.__doc__ = f"{spec.ref}: metric filter and alarm for {spec.summary}."
    return rule(spec.control_id, "account")(predicate)


for _spec in FILTER_SPECS:
    globals()[_spec.control_id] = _register(_spec)
