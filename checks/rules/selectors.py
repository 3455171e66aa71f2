"""An exact evaluator of CloudTrail event selectors: which events does a trail record?

Semantics (CloudTrail user guide, "advanced event selectors"):
- an event is recorded when ANY advanced selector matches it; a selector matches when ALL its field
  selectors match; a field with no field selector places no restriction;
- inside one field selector the inclusive operators (Equals, StartsWith, EndsWith) are alternatives (OR)
  and the exclusive ones (NotEquals, NotStartsWith, NotEndsWith) must all hold (AND); both kinds together
  must hold.
Coverage questions ("are all writes of every event source recorded?") are answered per value of the
binary readOnly field, so two selectors (readOnly=true, readOnly=false) together count as reads and writes.
A field selector on any open-ended field (eventSource, eventName, resources.ARN, ...) is treated as
narrowing: we cannot prove it admits every value, and a false PASS is worse than a false FAIL.
"""
from __future__ import annotations

from dataclasses import dataclass

from checks.facts import AdvancedSelector, ClassicSelector, EventSelectors, FieldSelector

READ, WRITE = "true", "false"  # readOnly values
S3_OBJECT = "AWS::S3::Object"


@dataclass(frozen=True)
class Coverage:
    ok: bool
    detail: str  # why not (when not ok), or a note worth reporting (when ok); "" otherwise


def field_matches(fs: FieldSelector, value: str) -> bool:
    """Does one field selector admit `value`?"""
    inclusive = [(v, str.__eq__) for v in fs.equals] + [(v, str.startswith) for v in fs.starts_with] + [
        (v, str.endswith) for v in fs.ends_with]
    if inclusive and not any(op(value, v) for v, op in inclusive):
        return False
    exclusive = [(v, str.__eq__) for v in fs.not_equals] + [(v, str.startswith) for v in fs.not_starts_with] + [
        (v, str.endswith) for v in fs.not_ends_with]
    return not any(op(value, v) for v, op in exclusive)


def admits(selector: AdvancedSelector, field: str, value: str) -> bool:
    """Do all of the selector's conditions on `field` admit `value`? (No condition admits everything.)"""
    return all(field_matches(fs, value) for fs in selector.field_selectors if fs.field == field)


def _narrowing(selector: AdvancedSelector, handled: set[str]) -> list[str]:
    return sorted({fs.field for fs in selector.field_selectors if fs.field not in handled})


def _label(selector: AdvancedSelector) -> str:
    return f"selector '{selector.name}'" if selector.name else "an unnamed selector"


# --- management events ------------------------------------------------------------------------------


def _classic_management(selectors: tuple[ClassicSelector, ...]) -> tuple[set[str], list[str]]:
    covered, notes = set(), []
    for sel in selectors:
        if not sel.include_management_events:
            continue
        if sel.exclude_management_event_sources:
            notes.append("excludes management events from " + ", ".join(sel.exclude_management_event_sources))
            continue
        covered |= {"All": {READ, WRITE}, "ReadOnly": {READ}, "WriteOnly": {WRITE}}.get(sel.read_write_type, set())
    return covered, notes


def _advanced_management(selectors: tuple[AdvancedSelector, ...]) -> tuple[set[str], list[str]]:
    covered, notes = set(), []
    for sel in selectors:
        if not admits(sel, "eventCategory", "Management"):
            continue
        narrowed = _narrowing(sel, {"eventCategory", "readOnly"})
        if narrowed:
            notes.append(f"{_label(sel)} narrows management events by {', '.join(narrowed)}")
            continue
        covered |= {ro for ro in (READ, WRITE) if admits(sel, "readOnly", ro)}
    return covered, notes


def management_coverage(selectors: EventSelectors) -> Coverage:
    """All read and write management events of every event source recorded?"""
    if selectors.advanced:
        covered, notes = _advanced_management(selectors.advanced)
    else:
        covered, notes = _classic_management(selectors.classic)
    if covered == {READ, WRITE}:
        return Coverage(True, "")
    what = {frozenset(): "records no complete set of management events",
            frozenset({READ}): "records only read management events",
            frozenset({WRITE}): "records only write management events"}[frozenset(covered)]
    return Coverage(False, what + (f" ({'; '.join(notes)})" if notes else ""))


# --- S3 object data events --------------------------------------------------------------------------


def _all_buckets_values(partition: str) -> set[str]:
    return {f"arn:{partition}:s3", f"arn:{partition}:s3:::", f"arn:{partition}:s3:::*/*"}


def _classic_s3(selectors: tuple[ClassicSelector, ...], ro: str, partition: str) -> bool:
    wanted = {"All", "ReadOnly" if ro == READ else "WriteOnly"}
    return any(
        sel.read_write_type in wanted and dr.type == S3_OBJECT and _all_buckets_values(partition) & set(dr.values)
        for sel in selectors for dr in sel.data_resources
    )


def arn_exemptions(fs: FieldSelector, partition: str, exempt_buckets: set[str]) -> list[str] | None:
    """Buckets a resources.ARN condition leaves out, when it only leaves out `exempt_buckets`; else None.

    Only `NotStartsWith arn:<p>:s3:::<bucket>/` is accepted: without the trailing slash the prefix would
    also exclude every bucket whose name starts with the same characters.
    """
    if fs.equals or fs.ends_with or fs.not_equals or fs.not_ends_with:
        return None
    if any(not f"arn:{partition}:s3:::".startswith(v) for v in fs.starts_with):
        return None
    allowed = {f"arn:{partition}:s3:::{b}/": b for b in exempt_buckets if b}
    if any(v not in allowed for v in fs.not_starts_with):
        return None
    return sorted(allowed[v] for v in fs.not_starts_with)


def _advanced_s3(sel: AdvancedSelector, ro: str, partition: str, exempt: set[str]) -> Coverage:
    if not (admits(sel, "eventCategory", "Data") and admits(sel, "resources.type", S3_OBJECT)):
        return Coverage(False, "")
    if not admits(sel, "readOnly", ro):
        return Coverage(False, f"{_label(sel)} records only {'writes' if ro == READ else 'reads'}")
    narrowed = _narrowing(sel, {"eventCategory", "resources.type", "readOnly", "resources.ARN"})
    if narrowed:
        return Coverage(False, f"{_label(sel)} narrows S3 data events by {', '.join(narrowed)}")
    skipped: list[str] = []
    for fs in (f for f in sel.field_selectors if f.field == "resources.ARN"):
        left_out = arn_exemptions(fs, partition, exempt)
        if left_out is None:
            return Coverage(False, f"{_label(sel)} narrows S3 data events to some buckets by resources.ARN")
        skipped += left_out
    if skipped:
        # CIS 3.8/3.9 (4.8/4.9) and Config cloudtrail-all-*-s3-data-event-check: all current and future buckets.
        # Leaving out the trail's own log bucket is a defensible choice (LZA #1192), not a pass of those items.
        return Coverage(False, f"{_label(sel)} leaves out the trail's own log bucket(s) "
                               f"{', '.join(sorted(set(skipped)))} by resources.ARN, so it does not record all "
                               "buckets (waive this control if the exclusion is deliberate)")
    return Coverage(True, "")


def s3_object_coverage(selectors: EventSelectors, *, write: bool, partition: str = "aws",
                       exempt_buckets: set[str] = frozenset()) -> Coverage:
    """S3 object reads (write=False) or writes (write=True) of all current and future buckets recorded?

    "All" means all: CIS 3.8/3.9 (v6.0+ 4.8/4.9) and AWS Config's cloudtrail-all-write-s3-data-event-check /
    cloudtrail-all-read-s3-data-event-check require all current and future buckets, so any resources.ARN
    narrowing fails. `exempt_buckets` (the trail's own log bucket and its access-log target) only words the
    finding: excluding them guards against the LZA #1192 feedback loop, and is a deliberate, waivable FAIL.
    """
    ro = WRITE if write else READ
    kind = "write" if write else "read"
    if not selectors.advanced:
        if _classic_s3(selectors.classic, ro, partition):
            return Coverage(True, "")
        return Coverage(False, f"has no selector recording S3 object {kind} events for all buckets")
    reasons = []
    for sel in selectors.advanced:
        cov = _advanced_s3(sel, ro, partition, set(exempt_buckets))
        if cov.ok:
            return cov
        if cov.detail:
            reasons.append(cov.detail)
    tail = f" ({'; '.join(reasons)})" if reasons else ""
    return Coverage(False, f"has no selector recording S3 object {kind} events for all buckets{tail}")
