"""Waivers: accepted risks, written down with a reason and an expiry date, that turn FAIL into WAIVED.

File (YAML or JSON; a list, or a mapping with a ``waivers`` list)::

    waivers:
      - control_id: cloudtrail_kms_encryption_enabled
        resource: "arn:aws:cloudtrail:*:111111111111:trail/legacy-*"   # fnmatch over Finding.resource
        account_id: "111111111111"                                      # optional fnmatch, default "*"
        reason: Legacy trail, replaced by the org trail in Q3 (SEC-123).
        expires: 2026-09-30                                             # last day the waiver applies

Rules: only FAIL becomes WAIVED. An ERROR means the control could not be checked, and a waiver is an
accepted *known* state: waiving an unknown would hide exactly the broken trail the audit exists to find
(AccessDenied on a bucket looks the same whether the bucket is fine or public). ``expires`` is required
so a waiver cannot outlive the review that granted it; after that day it stops applying and the run
notes it. Patterns are case-sensitive because ARNs are.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Iterable

from checks.model import AuditRun, Finding, Status

FIELDS = ("control_id", "resource", "account_id", "reason", "expires")


class WaiverError(ValueError):
    """The waiver file is unreadable or invalid; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class Waiver:
    index: int  # position in the file, 0-based, for messages
    control_id: str
    resource: str
    reason: str
    expires: dt.date
    account_id: str = "*"

    def matches(self, f: Finding) -> bool:
        return (f.control_id == self.control_id and fnmatchcase(f.resource, self.resource)
                and fnmatchcase(f.account_id, self.account_id))

    def describe(self) -> str:
        return f"waiver #{self.index} ({self.control_id}, resource {self.resource!r})"


def _is_json(path: Path, text: str) -> bool:
    return path.suffix.lower() == ".json" or (
        path.suffix.lower() not in (".yaml", ".yml") and text.lstrip()[:1] in ("{", "[")
    )


def _parse_text(path: Path, text: str):
    if _is_json(path, text):
        try:
            return json.loads(text)
        except ValueError as exc:  # json.JSONDecodeError
            raise WaiverError(f"--waivers {path}: not valid JSON: {exc}") from None
    try:
        import yaml  # lazy: only runs that pass --waivers pay for PyYAML
    except ImportError as exc:
        raise WaiverError(f"--waivers {path}: reading YAML needs PyYAML ({exc}).") from None
    try:
        return yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
    except Exception as exc:  # yaml.YAMLError; imported lazily so not nameable here
        raise WaiverError(f"--waivers {path}: not valid YAML: {exc}".rstrip()) from None


def _yaml_loader():
    """PyYAML's SafeLoader without implicit timestamps: an unquoted 2026-02-30 would otherwise fail inside
    the parser with no entry or field to name; as text, _date checks it and names both."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return Loader


def _date(value, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):  # YAML turns an unquoted 2026-09-30 into a date already
        return value
    if isinstance(value, str) and len(value.strip()) == 10:  # fromisoformat also takes 20260930
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise WaiverError(f"{where} field 'expires': {value!r} is not a date; use YYYY-MM-DD.")


def _text(entry: dict, key: str, where: str, *, required: bool = True, default: str = "") -> str:
    value = entry.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise WaiverError(f"{where} field {key!r} is missing or empty.")
        return default
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise WaiverError(f"{where} field {key!r}: expected text, got {type(value).__name__}.")
    return str(value).strip()


def parse_waivers(data, *, source: str, known_ids: Iterable[str]) -> list[Waiver]:
    known = set(known_ids)
    if isinstance(data, dict) and set(data) == {"waivers"}:
        data = data["waivers"]
    if data is None:
        data = []
    if not isinstance(data, list):
        raise WaiverError(f"--waivers {source}: expected a list of waivers (or a 'waivers:' list).")
    waivers = []
    for i, entry in enumerate(data):
        where = f"--waivers {source}: entry {i}"
        if not isinstance(entry, dict):
            raise WaiverError(f"{where}: expected a mapping with fields {', '.join(FIELDS)}.")
        unknown = sorted(set(entry) - set(FIELDS))
        if unknown:
            raise WaiverError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}; allowed: "
                              f"{', '.join(FIELDS)}.")
        control_id = _text(entry, "control_id", where)
        if control_id not in known:
            raise WaiverError(f"{where} field 'control_id': unknown control id {control_id!r}; allowed: "
                              f"{', '.join(sorted(known))}.")
        if "expires" not in entry or entry["expires"] in (None, ""):
            raise WaiverError(f"{where} field 'expires' is missing; use YYYY-MM-DD.")
        waivers.append(Waiver(
            index=i,
            control_id=control_id,
            resource=_text(entry, "resource", where),
            reason=_text(entry, "reason", where),
            expires=_date(entry["expires"], where),
            account_id=_text(entry, "account_id", where, required=False, default="*"),
        ))
    return waivers


def load_waivers(path: str | Path, *, known_ids: Iterable[str]) -> list[Waiver]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WaiverError(f"--waivers {path}: cannot read the file: {exc.strerror or exc}.") from None
    except UnicodeDecodeError as exc:
        raise WaiverError(f"--waivers {path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
                          f"{exc.start}); save the file as UTF-8.") from None
    kind = "JSON" if _is_json(path, text) else "YAML"
    return parse_waivers(_parse_text(path, text), source=f"{path} ({kind})", known_ids=known_ids)


def apply_waivers(run: AuditRun, waivers: Iterable[Waiver], *, today: dt.date) -> AuditRun:
    """A new run: FAILs matched by an unexpired waiver become WAIVED; expired waivers become notes.

    A waiver applies through its ``expires`` day (inclusive). The first matching waiver in file order wins.
    """
    active, notes = [], list(run.notes)
    for w in waivers:
        if w.expires < today:
            notes.append(f"{w.describe()} expired on {w.expires.isoformat()} and no longer applies; "
                         "renew it or fix the finding.")
        else:
            active.append(w)
    findings = []
    for f in run.findings:
        w = next((w for w in active if w.matches(f)), None) if f.status is Status.FAIL else None
        if w is None:
            findings.append(f)
            continue
        findings.append(dataclasses.replace(
            f, status=Status.WAIVED, waiver_reason=w.reason,
            reason=f"Waived until {w.expires.isoformat()} ({w.reason.rstrip('.')}): {f.reason}",
        ))
    return dataclasses.replace(run, findings=findings, notes=notes)
