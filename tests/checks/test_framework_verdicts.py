"""Every control that cites a CIS, Security Hub or AWS Config item gives that item's verdict (issue #13 item 7).

For each framework reference in the catalog (starting with the monitoring controls CM-01..CM-15, the S3
data-event controls CT-12/CT-13 and the log bucket's publicity, CT-09) a table of documented PASS and FAIL examples runs through the rule. The
expected verdicts come from the framework's own text, not from trailguard:
- CIS AWS Foundations monitoring items (v1.2 3.1-3.14, v1.4-5.0 4.1-4.15, v6.0+ 5.1-5.15), audit procedure:
  "1. Identify the log group name configured for use with active multi-region CloudTrail ... Ensure
  IsMultiRegionTrail is true ... Ensure IsLogging is true ... Ensure there is at least one Event Selector
  for a Trail with IncludeManagementEvents set to true and ReadWriteType set to All; 2. Get a list of all
  associated metric filters for this <cloudtrail_log_group_name> ... Ensure the output contains the
  filterPattern ...; 3. ... query for the metric name ... in the alarms; 4. Note the AlarmActions value -
  this will provide the SNS topic ARN value; 5. Get a list of subscribers to the SNS topic and ensure at
  least one subscriber exists ... at least one subscription should have 'SubscriptionArn' with valid aws ARN."
- Security Hub CloudWatch.1-.14: the same audit with the CIS v1.2 filter text; "FAILED if no trail";
  NO_DATA when the multi-Region trail lives in another account (trailguard: NOT_APPLICABLE).
- CIS S3 object-level write/read items (v1.4-2.0 3.10/3.11, v3.0-5.0 3.8/3.9, v6.0+ 4.8/4.9): a multi-region
  trail whose basic selector has "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]
  with ReadWriteType All or WriteOnly (reads: All or ReadOnly), or the advanced "Log all events" S3 template,
  "for all current and future buckets".
- AWS Config cloudtrail-all-write-s3-data-event-check / cloudtrail-all-read-s3-data-event-check: "Checks if
  at least one multi-Region AWS CloudTrail trail logs all write (read) S3 data events ... NON_COMPLIANT if no
  multi-Region trail logs all write (read) S3 data events for all current and future S3 buckets."
"""
from __future__ import annotations

import dataclasses

import pytest
import test_monitoring_support as support  # tests/checks is on sys.path (conftest.py)
from test_filter_published_forms import PUBLISHED

from checks.catalog import all_controls
from checks.cis import FILTER_SPECS, SPECS_BY_CONTROL
from checks.facts import (AccountFacts, AdvancedSelector, Alarm, ClassicSelector, DataResource, EventSelectors,
                          FieldSelector, LogGroupFacts, MetricFilter, MetricTransformation, TopicFacts, TrailStatus)
from checks.model import Status

FRAMEWORKS = ("CIS AWS Foundations", "AWS Security Hub", "AWS Config")
CT09 = "cloudtrail_bucket_not_public"
IN_SCOPE = {s.control_id for s in FILTER_SPECS} | {"cloudtrail_s3_write_data_events_enabled",
                                                   "cloudtrail_s3_read_data_events_enabled", CT09}
P, F, NA = Status.PASS, Status.FAIL, Status.NOT_APPLICABLE
ACCOUNT, REGION, NS = support.ACCOUNT, support.REGION, "CISBenchmark"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:cis-alarms"


# --- monitoring: the CIS audit procedure, step by step ------------------------------------------------

def _text(spec, era: str) -> str:
    """The framework's own filter text for the era: "1.2" (CIS v1.2 = Security Hub), "1.4", "6.0"."""
    want = {"1.2": ("CIS 1.2",), "1.4": ("CIS 1.4",), "6.0": ("CIS 5.0", "6.0+", "5.0+", "CIS 1.4+")}[era]
    rows = [t for name, src, t in PUBLISHED if name == spec.name and any(w in src for w in want)]
    return rows[0]


def _monitoring(spec, era, *, trail=None, pattern=None, alarm=True, confirmed=1, pending=0, owner=ACCOUNT):
    group = f"arn:aws:logs:{REGION}:{owner}:log-group:{support.GROUP}"
    flt = MetricFilter(spec.name, support.GROUP, _text(spec, era) if pattern is None else pattern,
                       (MetricTransformation(spec.name, NS),))
    alarms = (Alarm(f"cis-{spec.name}", f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:cis-{spec.name}",
                    spec.name, NS, True, (TOPIC,)),) if alarm else ()
    return AccountFacts(
        account_id=ACCOUNT, trails=[support.trail(group + ":*") if trail is None else trail],
        log_groups={group: LogGroupFacts(group, support.GROUP, REGION, owner, True,
                                         metric_filters=(flt,) if pattern != "" else ())},
        alarms=alarms, topics={TOPIC: TopicFacts(TOPIC, ACCOUNT, confirmed, pending, exists=True)})


def _trail(**changes):
    return dataclasses.replace(support.trail(), **changes)


WRITES_ONLY = EventSelectors(classic=(ClassicSelector(read_write_type="WriteOnly"),))
MONITORING_EXAMPLES = [
    # (label, facts(spec, era), expected)
    ("steps 1-5 hold: the item's filter text, an alarm on its metric, a confirmed subscriber",
     lambda s, e: _monitoring(s, e), P),
    ("step 1: the only trail is not multi-region", lambda s, e: _monitoring(s, e, trail=_trail(is_multi_region=False)), F),
    ("step 1: the only trail is not logging",
     lambda s, e: _monitoring(s, e, trail=_trail(status=TrailStatus(is_logging=False))), F),
    ("step 1: the trail records only write management events",
     lambda s, e: _monitoring(s, e, trail=_trail(selectors=WRITES_ONLY)), F),
    ("step 2: no metric filter on the log group", lambda s, e: _monitoring(s, e, pattern=""), F),
    ("step 2: a filter that counts no required event", lambda s, e: _monitoring(s, e, pattern='{ $.x = "y" }'), F),
    ("step 3: no alarm on the filter's metric", lambda s, e: _monitoring(s, e, alarm=False), F),
    ("step 5: the topic's only subscription is PendingConfirmation",
     lambda s, e: _monitoring(s, e, confirmed=0, pending=1), F),
    ("step 5: the topic has no subscription", lambda s, e: _monitoring(s, e, confirmed=0), F),
]
SECURITY_HUB_EXTRA = [
    ("FAILED if no trail", lambda s, e: dataclasses.replace(_monitoring(s, e), trails=[]), F),
    ("NO_DATA: the multi-Region trail's log group is in another account",
     lambda s, e: _monitoring(s, e, trail=support.trail(
         f"arn:aws:logs:{REGION}:999988887777:log-group:{support.GROUP}:*")), NA),
]


# --- S3 data events: "all current and future buckets" -------------------------------------------------

def _classic(rw: str, *values: str):
    return EventSelectors(classic=(ClassicSelector(read_write_type=rw, data_resources=(
        DataResource("AWS::S3::Object", values),)),))


def _advanced(*extra: FieldSelector):
    return EventSelectors(advanced=(
        AdvancedSelector("Management events", (FieldSelector("eventCategory", equals=("Management",)),)),
        AdvancedSelector("Log all S3 events", (FieldSelector("eventCategory", equals=("Data",)),
                                               FieldSelector("resources.type", equals=("AWS::S3::Object",)),
                                               *extra))))


def _s3(kit, selectors, **trail):
    return kit.account(kit.trail(selectors=selectors, **trail))


RO = lambda v: FieldSelector("readOnly", equals=(v,))  # noqa: E731
S3_EXAMPLES = {  # write?, examples
    True: [
        ("basic selector, AWS::S3::Object arn:aws:s3, ReadWriteType All", lambda k: _s3(k, _classic("All", "arn:aws:s3")), P),
        ("basic selector, WriteOnly", lambda k: _s3(k, _classic("WriteOnly", "arn:aws:s3")), P),
        ("advanced 'Log all events' S3 template", lambda k: _s3(k, _advanced()), P),
        ("advanced, readOnly = false", lambda k: _s3(k, _advanced(RO("false"))), P),
        ("basic selector, ReadOnly", lambda k: _s3(k, _classic("ReadOnly", "arn:aws:s3")), F),
        ("advanced, readOnly = true", lambda k: _s3(k, _advanced(RO("true"))), F),
        ("one bucket only", lambda k: _s3(k, _classic("All", "arn:aws:s3:::payroll/")), F),
        ("all buckets but the trail's log bucket", lambda k: _s3(k, _advanced(FieldSelector(
            "resources.ARN", not_starts_with=("arn:aws:s3:::trail-archive/",)))), F),
        ("the trail is not multi-region", lambda k: _s3(k, _classic("All", "arn:aws:s3"), is_multi_region=False), F),
        ("no data event selector", lambda k: _s3(k, EventSelectors(classic=(ClassicSelector(),))), F),
    ],
    False: [
        ("basic selector, AWS::S3::Object arn:aws:s3, ReadWriteType All", lambda k: _s3(k, _classic("All", "arn:aws:s3")), P),
        ("basic selector, ReadOnly", lambda k: _s3(k, _classic("ReadOnly", "arn:aws:s3")), P),
        ("advanced 'Log all events' S3 template", lambda k: _s3(k, _advanced()), P),
        ("basic selector, WriteOnly", lambda k: _s3(k, _classic("WriteOnly", "arn:aws:s3")), F),
        ("advanced, readOnly = false", lambda k: _s3(k, _advanced(RO("false"))), F),
        ("one bucket only", lambda k: _s3(k, _advanced(FieldSelector(
            "resources.ARN", starts_with=("arn:aws:s3:::payroll/",)))), F),
        ("all buckets but the trail's log bucket", lambda k: _s3(k, _advanced(FieldSelector(
            "resources.ARN", not_starts_with=("arn:aws:s3:::trail-archive/",)))), F),
        ("the trail is not logging", lambda k: _s3(k, _advanced(), status=TrailStatus(is_logging=False)), F),
    ],
}


# --- the log bucket is not public (CT-09) ----------------------------------------------------------------
# CIS v1.4 3.3 audit: no ACL grant to AllUsers or AuthenticatedUsers, no Allow statement with Principal "*" or
# {"AWS": "*"}. Security Hub CloudTrail.6 and Config cloudtrail-s3-bucket-public-access-prohibited rely on S3's
# own public-access evaluation ("The meaning of public", Block Public Access), so only they get the examples
# that depend on it (a limiting condition, IgnorePublicAcls).

def _bucket(kit, **over):
    from checks.facts import PublicAccessBlock

    return kit.account(buckets=[kit.bucket(public_access_block=PublicAccessBlock(), **over)])


def _grant(group):
    from checks.facts import Grant

    return (Grant("Group", f"http://acs.amazonaws.com/groups/global/{group}", "READ"),)


def _open(principal="*", condition=None):
    st = {"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::trail-archive/*"}
    return {"Statement": [{**st, **({"Condition": condition} if condition else {})}]}


BUCKET_EXAMPLES = [  # (label, build, expected, S3-evaluation only)
    ("no public ACL grant and no open policy statement", lambda k: _bucket(k), P, False),
    ("ACL grants READ to AllUsers", lambda k: _bucket(k, acl_grants=_grant("AllUsers")), F, False),
    ("ACL grants READ to AuthenticatedUsers", lambda k: _bucket(k, acl_grants=_grant("AuthenticatedUsers")), F, False),
    ('policy Allow to Principal "*"', lambda k: _bucket(k, policy=_open()), F, False),
    ('policy Allow to {"AWS": "*"}', lambda k: _bucket(k, policy=_open({"AWS": "*"})), F, False),
    ("policy Allow to a fixed account", lambda k: _bucket(k, policy=_open({"AWS": "arn:aws:iam::111122223333:root"})),
     P, False),
    ('"*" pinned to a fixed aws:SourceVpce', lambda k: _bucket(k, policy=_open(
        condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})), P, True),
    ('"*" with aws:SourceIp 0.0.0.0/0', lambda k: _bucket(k, policy=_open(
        condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})), F, True),
    ("AllUsers ACL grant neutralised by IgnorePublicAcls", lambda k: kit_ignore(k), P, True),
]


def kit_ignore(kit):
    from checks.facts import PublicAccessBlock

    return kit.account(buckets=[kit.bucket(public_access_block=PublicAccessBlock(ignore_public_acls=True),
                                           acl_grants=_grant("AllUsers"))])


# --- the catalog-level sweep --------------------------------------------------------------------------

def _cases():
    """(control id, framework label, example label, build(kit), expected) for every in-scope reference."""
    cases = []
    for control in all_controls():
        refs = [r for r in control.frameworks if r.framework in FRAMEWORKS]
        if control.id not in IN_SCOPE:
            continue
        for ref in refs:
            if control.id in SPECS_BY_CONTROL:
                spec = SPECS_BY_CONTROL[control.id]
                era = "1.2" if ref.version == "1.2" or ref.framework == "AWS Security Hub" else (
                    "6.0" if ref.version == "6.0+" else "1.4")
                table = MONITORING_EXAMPLES + (SECURITY_HUB_EXTRA if ref.framework == "AWS Security Hub" else [])
                cases += [(control.id, ref.label(), label, lambda k, b=build, s=spec, e=era: b(s, e), want)
                          for label, build, want in table]
            elif control.id == CT09:
                s3_rules = ref.framework != "CIS AWS Foundations"
                cases += [(control.id, ref.label(), label, build, want)
                          for label, build, want, needs_s3 in BUCKET_EXAMPLES if s3_rules or not needs_s3]
            else:
                table = S3_EXAMPLES[control.id == "cloudtrail_s3_write_data_events_enabled"]
                cases += [(control.id, ref.label(), label, build, want) for label, build, want in table]
    return cases


CASES = _cases()


@pytest.mark.parametrize("control_id, ref, label, build, expected", CASES,
                         ids=[f"{c[1]}:{c[2]}" for c in CASES])
def test_control_gives_the_framework_items_verdict(kit, control_id, ref, label, build, expected):
    finding = kit.one(control_id, build(kit))  # through the engine, as an audit runs it
    assert finding.status is expected, f"{ref}, {label}: {finding.reason}"


def test_every_in_scope_framework_reference_has_documented_pass_and_fail_examples():
    seen: dict[tuple[str, str], set[Status]] = {}
    for control_id, ref, _, _, expected in CASES:
        seen.setdefault((control_id, ref), set()).add(expected)
    for control in all_controls():
        if control.id not in IN_SCOPE:
            continue
        for ref in control.frameworks:
            if ref.framework in FRAMEWORKS:
                assert {P, F} <= seen.get((control.id, ref.label()), set()), (control.id, ref.label())
