"""Which metrics an alarm really watches: the full metric identity, and metric-math alarms read.

CloudWatch identifies a metric by namespace, name *and* dimensions ("each unique combination of
dimensions is a separate metric", CloudWatch User Guide, "Dimensions"): an alarm on ``NS/Name`` with a
dimension never sees the data points a metric filter publishes without dimensions, and the reverse.

An alarm either names one metric (MetricName, Namespace, Dimensions) or gives ``Metrics``, a list of
MetricDataQuery: MetricStats (one metric each) and math expressions over the other queries' ids; the one
with ReturnData true is what the alarm compares with its threshold. The alarm watches every MetricStat
that returned query depends on, through any chain of expressions. What we cannot read (a Metrics
Insights ``SELECT`` query, ``SEARCH``, a LAMBDA function, an id that names no query) is reported as a
reason, so the rule can say ERROR, never a silent "no alarm".

Pure: no boto3; the facts come from checks.facts.
"""
from __future__ import annotations

import re

from checks.facts import Alarm, MetricQuery

MetricId = tuple[str, str, frozenset]  # (namespace, name, frozenset of (dimension name, value))

# Metric math functions whose result depends only on the ids (and METRICS()) among their arguments.
# SEARCH, SERVICE_QUOTA, LAMBDA and Metrics Insights reach beyond the alarm's own queries: not read (ERROR).
# ANOMALY_DETECTION_BAND(m1, 2) is read: its band is modelled on m1 alone (an anomaly-detection alarm's
# Metrics are m1 and that band, ThresholdMetricId naming the band), so the alarm watches m1.
_UNREADABLE = ("SEARCH", "SELECT", "LAMBDA", "SERVICE_QUOTA", "INSIGHT_RULE_METRIC")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|[A-Za-z_][A-Za-z0-9_]*\s*\(?|\S')


def metric_id(namespace: str, name: str, dimensions=()) -> MetricId:
    return namespace, name, frozenset(dict(dimensions).items())


def describe(mid: MetricId) -> str:
    """NS/Name, with its dimensions when it has any: for findings."""
    dims = ", ".join(f"{k}={v}" for k, v in sorted(mid[2]))
    return f"{mid[0]}/{mid[1]}" + (f" [{dims}]" if dims else " (no dimensions)")


def watched(alarm: Alarm, account_id: str = "") -> frozenset[MetricId] | str:
    """The metric identities the alarm's value depends on, or a sentence saying why we cannot tell."""
    if not alarm.queries:
        if not alarm.metric_name:
            return f"alarm {alarm.name} names neither a metric nor metric-math queries"
        return frozenset({metric_id(alarm.namespace, alarm.metric_name, alarm.dimensions)})
    by_id = {q.id: q for q in alarm.queries}
    returned = [q for q in alarm.queries if q.return_data] or list(alarm.queries[-1:])
    out: set[MetricId] = set()
    for query in returned:
        found = _depends(alarm, query, by_id, account_id, set())
        if isinstance(found, str):
            return found
        out |= found
    return frozenset(out)


def _depends(alarm: Alarm, query: MetricQuery, by_id: dict, account_id: str, seen: set) -> set[MetricId] | str:
    if query.id in seen:
        return f"alarm {alarm.name}: query {query.id} refers to itself through its expression"
    seen = seen | {query.id}
    if not query.expression:
        if query.account_id and account_id and query.account_id != account_id:
            return set()  # another account's metric (cross-account observability): not this log group's
        return {metric_id(query.namespace, query.metric_name, query.dimensions)}
    refs = _references(alarm, query, by_id)
    if isinstance(refs, str):
        return refs
    out: set[MetricId] = set()
    for ref in refs:
        found = _depends(alarm, by_id[ref], by_id, account_id, seen)
        if isinstance(found, str):
            return found
        out |= found
    return out


def _references(alarm: Alarm, query: MetricQuery, by_id: dict) -> list[str] | str:
    """The query ids an expression reads; METRICS() reads every MetricStat query, METRICS("s") those whose id has s."""
    text, refs = query.expression, []
    tokens = _TOKEN.findall(text)
    for i, tok in enumerate(tokens):
        word = tok.rstrip("( \t")
        if tok.endswith("("):  # a function call
            if word.upper() in _UNREADABLE:
                return (f"alarm {alarm.name} uses {word.upper()} in its expression {text!r}, which trailguard "
                        "cannot read")
            if word.upper() == "METRICS":
                arg = tokens[i + 1] if i + 1 < len(tokens) else ")"
                needle = arg[1:-1] if arg[:1] in "\"'" else ""
                refs.extend(q for q, other in by_id.items()
                            if q != query.id and not other.expression and needle in q)
            continue
        if word.upper() == "SELECT":
            return f"alarm {alarm.name} uses a Metrics Insights query {text!r}, which trailguard cannot read"
        if re.fullmatch(r"[a-z][A-Za-z0-9_]*", word):
            if word not in by_id:
                return f"alarm {alarm.name}: expression {text!r} names {word!r}, which is no query of the alarm"
            refs.append(word)
    return refs
