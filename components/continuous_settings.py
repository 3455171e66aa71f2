"""``trailguard:continuousAudit``: the scheduled audit's settings, validated like every other setting.

The value is a map; an empty map (the default) leaves the scheduled audit out of the stack. Example::

    trailguard:continuousAudit:
      schedule: cron(0 5 * * ? *)        # default rate(1 day)
      memberRoleName: TrailguardAudit    # the read-only role in every member (docs/continuous.md)
      maxConcurrency: 40
      batchSize: 10

Every problem becomes one sentence naming ``continuousAudit.<key>``, the value and what is allowed, and
components/settings.py reports them with the rest before any resource is registered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

from components import validation as v

KEY = "continuousAudit"
# Distributed Map runs up to 10,000 child executions at once. Our cap is far lower on purpose: every
# child calls sts:AssumeRole from the audit account once per member, one member after another, so the
# audit account's AssumeRole rate is about MaxConcurrency / (seconds per member). bench/continuous_bench.py
# measures 16.9 calls and ~60 ms of CPU per member: at 50 ms per call a member takes at least ~0.9 s, and
# 90 keeps the rate under our 100/s budget (docs/continuous.md, "Scale").
MAX_CONCURRENCY = 90
MAX_BATCH = 100  # 100 accounts x ~3 s stays well inside Lambda's 900 s timeout
RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
CRON = re.compile(r"^cron\(\S+( \S+){5}\)$")  # six fields: minutes hours day-of-month month day-of-week year
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")


def _opt(key: str, default=None, factory=None):
    meta = {"key": key}
    return field(default_factory=factory, metadata=meta) if factory else field(default=default, metadata=meta)


@dataclass(frozen=True)
class ContinuousAuditSettings:
    enabled: bool = _opt("enabled", True)
    schedule: str = _opt("schedule", "rate(1 day)")
    schedule_timezone: str = _opt("scheduleTimezone", "UTC")
    member_role_name: str = _opt("memberRoleName", "TrailguardAudit")
    external_id: str = _opt("externalId", "")
    max_concurrency: int = _opt("maxConcurrency", 40)
    batch_size: int = _opt("batchSize", 10)
    tolerated_failure_percentage: int = _opt("toleratedFailurePercentage", 5)
    results_retention_days: int = _opt("resultsRetentionDays", 400)
    controls: tuple = _opt("controls", factory=tuple)
    fail_on: str = _opt("failOn", "low")
    lambda_memory_mb: int = _opt("lambdaMemoryMb", 1024)
    package: str = _opt("package", "")

    @classmethod
    def keys(cls) -> dict[str, str]:
        return {f.metadata["key"]: f.name for f in fields(cls)}


def parse(value: dict) -> tuple[ContinuousAuditSettings | None, list[str]]:
    """(settings or None when not opted in, problems). ``value`` is the setting's map as loaded."""
    if not value:
        return None, []
    keys = ContinuousAuditSettings.keys()
    errors = []
    unknown = sorted(k for k in value if k not in keys)
    if unknown:
        errors.append(f"{KEY}: unknown key(s) {', '.join(map(str, unknown))}; allowed: {', '.join(sorted(keys))}.")
    defaults = ContinuousAuditSettings()
    parsed = {}
    for key, name in keys.items():
        if key not in value:
            continue
        raw, kind = value[key], type(getattr(defaults, name))
        ok = isinstance(raw, kind) and not (kind is int and isinstance(raw, bool))
        if kind is tuple and isinstance(raw, list) and all(isinstance(x, str) for x in raw):
            raw, ok = tuple(raw), True
        if not ok:
            errors.append(f"{KEY}.{key}: {raw!r} is not a {kind.__name__ if kind is not tuple else 'list of strings'}.")
            continue
        parsed[name] = raw
    s = ContinuousAuditSettings(**parsed)
    errors.extend(problems(s))
    return (s if s.enabled else None), errors


def problems(s: ContinuousAuditSettings) -> list[str]:
    e: list[str | None] = []
    if not (RATE.match(s.schedule) and int(RATE.match(s.schedule).group(1)) >= 1) and not CRON.match(s.schedule):
        e.append(f"{KEY}.schedule: {s.schedule!r} is not a recurring EventBridge Scheduler expression; allowed: "
                 "rate(<n> minutes|hours|days) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>).")
    e.append(_timezone(s.schedule_timezone))
    if not ROLE_NAME.match(s.member_role_name):
        e.append(f"{KEY}.memberRoleName: {s.member_role_name!r} is not an IAM role name; allowed: 1-64 letters, "
                 "digits and +=,.@_-.")
    if s.external_id and not EXTERNAL_ID.match(s.external_id):
        e.append(f"{KEY}.externalId: the value is not a valid sts:ExternalId; allowed: 2-1224 letters, digits and "
                 "+=,.@:/_- (the value is not repeated here: it is a shared secret).")
    e.append(v.check_range(f"{KEY}.maxConcurrency", s.max_concurrency, 1, MAX_CONCURRENCY))
    e.append(v.check_range(f"{KEY}.batchSize", s.batch_size, 1, MAX_BATCH))
    e.append(v.check_range(f"{KEY}.toleratedFailurePercentage", s.tolerated_failure_percentage, 0, 100))
    e.append(v.check_range(f"{KEY}.resultsRetentionDays", s.results_retention_days, 2, 3650))
    # Lambda accepts 128 MB to 10,240 MB of memory (Lambda quotas).
    e.append(v.check_range(f"{KEY}.lambdaMemoryMb", s.lambda_memory_mb, 128, 10240))
    e.append(v.check_choice(f"{KEY}.failOn", s.fail_on, ("critical", "high", "medium", "low")))
    e.extend(_controls(s.controls))
    if s.package and not s.package.endswith(".zip"):
        e.append(f"{KEY}.package: {s.package!r} is not a .zip file; allowed: \"\" (built at deploy time) or the "
                 "path of a zip made by `python -m components.lambda_package`.")
    return [m for m in e if m]


def _timezone(name: str) -> str | None:
    from zoneinfo import available_timezones

    if name != "UTC" and name not in available_timezones():
        return f"{KEY}.scheduleTimezone: {name!r} is not an IANA time zone; allowed: e.g. UTC, Europe/Paris."
    return None


def _controls(ids: tuple) -> list[str]:
    if not ids:
        return []
    from checks.catalog import all_controls

    live = {c.id for c in all_controls() if "live" in c.targets}
    bad = [i for i in ids if i not in live]
    return [f"{KEY}.controls: {', '.join(map(repr, bad))} not live control id(s); allowed: ids from "
            "`trailguard controls` that apply to a live audit."] if bad else []
