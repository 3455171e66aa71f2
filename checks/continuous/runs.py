"""The scheduled audit's steps on an injected boto3 Session; checks/aws_lambda.py calls them from Lambda.

Results bucket layout (one run per UTC day; ``run_id`` is the date):

    runs/<run_id>/manifest.json         who listed, the management account, the run notes, the accounts
    runs/<run_id>/accounts.json         [{"account_id": ...}, ...]: the Distributed Map's ItemReader source
    runs/<run_id>/accounts/<id>.json    one JSON report per account (with coverage evidence for the merge)
    runs/<run_id>/report.{json,sarif,md} and matrix.txt    the merged run
    latest/...                          a copy of the newest run's reports, and latest/run.json
    results/<run_id>/...                Step Functions' ResultWriter output (the Map's own manifest)

The steps are the organization audit cut at its seams: list (checks.org.select_accounts), audit each
account (checks.org's per-account audit, unchanged), merge (checks.merge, the same code as
``trailguard merge``). An account the Map never wrote a report for (its batch failed within the tolerated
percentage) becomes an ERROR row at merge time: the run never reads as PASS for it.
"""
from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from checks.model import AuditRun, Severity

if TYPE_CHECKING:  # pragma: no cover
    import boto3

REPORTS = {"report.json": "json", "report.sarif": "sarif", "report.md": "markdown", "matrix.txt": "table"}
BATCH_FAILED = "batch_failed"
MERGE_READERS = 32  # concurrent S3 GETs in merge_run


@dataclass(frozen=True)
class RunConfig:
    """What the Lambda functions get from their environment (components/continuous_audit.py sets it)."""

    bucket: str
    role_name: str = "OrganizationAccountAccessRole"
    external_id: str | None = None
    controls: tuple[str, ...] = ()  # () = every live control
    fail_on: str = "low"
    topic_arn: str = ""

    @classmethod
    def from_env(cls, env) -> "RunConfig":
        missing = [k for k in ("RESULTS_BUCKET",) if not env.get(k)]
        if missing:
            raise ValueError(f"environment variable(s) {', '.join(missing)} missing; the ContinuousAudit "
                             "component sets them.")
        fail_on = Severity.parse(env.get("FAIL_ON", "low"), option="FAIL_ON").value
        return cls(bucket=env["RESULTS_BUCKET"], role_name=env.get("MEMBER_ROLE_NAME") or cls.role_name,
                   external_id=env.get("EXTERNAL_ID") or None,
                   controls=tuple(c for c in env.get("CONTROLS", "").split(",") if c), fail_on=fail_on,
                   topic_arn=env.get("TOPIC_ARN", ""))

    def selected_controls(self):
        from checks.catalog import select

        return [c for c in select(list(self.controls) or None, None) if "live" in c.targets]


def run_id_for(when: str | None) -> str:
    """The run's id: the UTC date of the scheduled time (ISO 8601, as EventBridge Scheduler passes it)."""
    if when:
        return dt.datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(dt.timezone.utc).date().isoformat()
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def _put(s3, bucket: str, key: str, body: str, content_type: str = "application/json") -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode("utf-8"), ContentType=content_type)


def _get_json(s3, bucket: str, key: str) -> dict | list | None:
    """The object as JSON; None when it does not exist (a definite answer). Other errors propagate."""
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
    return json.loads(body)


# --- list ---------------------------------------------------------------------------------------------


def list_accounts(session: "boto3.Session", cfg: RunConfig, run_id: str) -> dict:
    """Write the ACTIVE accounts as the Map's items, and the manifest; return where they are."""
    from checks.org import _management_account_id, caller_identity, list_organization_accounts, select_accounts

    caller, partition = caller_identity(session)
    notes: list[str] = []
    org: dict = {}
    management = _management_account_id(session, notes, org)
    chosen, _unknown, select_notes = select_accounts(list_organization_accounts(session), None, None)
    s3 = session.client("s3")
    manifest = {"run_id": run_id, "caller": caller, "partition": partition, "management_id": management,
                "organization_id": org.get("Id", ""), "notes": notes + select_notes, "accounts": chosen,
                "controls": [c.id for c in cfg.selected_controls()]}
    _put(s3, cfg.bucket, f"runs/{run_id}/manifest.json", json.dumps(manifest, indent=2) + "\n")
    key = f"runs/{run_id}/accounts.json"
    _put(s3, cfg.bucket, key, json.dumps([{"account_id": a} for a in chosen]) + "\n")
    return {"run_id": run_id, "bucket": cfg.bucket, "key": key, "count": len(chosen), "caller": caller,
            "partition": partition, "management_id": management}


# --- audit a batch ------------------------------------------------------------------------------------


def account_report(run: AuditRun, controls, when: dt.datetime | None = None) -> str:
    from checks.report import ReportOptions, render

    options = ReportOptions(generated_at=when) if when else ReportOptions()
    return render("json", run, controls, options)


def audit_batch(session: "boto3.Session", cfg: RunConfig, account_ids: Sequence[str], *, run_id: str, caller: str,
                partition: str, management_id: str | None, session_factory=None) -> dict:
    """Audit each account (AssumeRole into the member role), write its JSON report; return counts only.

    ``session_factory`` (default checks.org_sessions.SessionFactory) is what checks.org.audit_organization's
    parameter of that name is; bench/continuous_bench.py passes one that meters the calls."""
    from checks.org import _audit_account, _evaluate_all
    from checks.org_coverage import attribute_coverage
    from checks.org_guests import settle_guests
    from checks.org_sessions import SessionFactory
    from checks.org_shard import coverage_evidence

    controls = cfg.selected_controls()
    factory = (session_factory or SessionFactory)(session, role_name=cfg.role_name, partition=partition,
                                                  external_id=cfg.external_id)
    s3 = session.client("s3")
    counts = {"accounts": 0, "errors": 0, "FAIL": 0, "ERROR": 0}
    outcomes = [_audit_account(factory, account, own=(account == caller), controls=controls, tag_keys=(),
                               external_id=cfg.external_id) for account in account_ids]
    _evaluate_all(outcomes, controls, cfg.external_id)  # collect first, then judge, as checks.org does
    # Guests (checks/org_guests.py): owners are judged when in the run's selection, in this batch or not.
    guesting = any(o.guests for o in outcomes)  # the run's selection is read only when a guest needs it
    manifest = (_get_json(s3, cfg.bucket, f"runs/{run_id}/manifest.json") or {}) if guesting else {}
    extra, guests = settle_guests(outcomes, selection=set(manifest.get("accounts") or account_ids),
                                  partition=partition, caller=caller, controls=controls, make_factory=lambda: factory,
                                  external_id=cfg.external_id)
    for outcome in outcomes:
        account = outcome.account_id
        trails = {account: outcome.trails}
        found = [*outcome.findings, *extra.get(account, ())]
        run = AuditRun(findings=sorted(found, key=lambda f: (*f.sort_key(), f.status.value, f.reason)),
                       accounts=[account], coverage=attribute_coverage(trails, management_id),
                       notes=[f"Account {account} was not audited: {outcome.error}"] if outcome.error else [],
                       shard={"controls": [c.id for c in controls],
                              "accounts": coverage_evidence(trails, management_id, {account: outcome.ownership}),
                              "guests": guests.get(account, [])})
        _put(s3, cfg.bucket, f"runs/{run_id}/accounts/{account}.json", account_report(run, controls))
        counts["accounts"] += 1
        counts["errors"] += bool(outcome.error)
        for f in run.findings:
            if f.status.value in counts:
                counts[f.status.value] += 1
    return counts


# --- merge --------------------------------------------------------------------------------------------


def _missing_part(account: str, controls, run_id: str):
    from checks.merge.core import Part
    from checks.org import error_findings

    reason = f"Account {account} has no result in scheduled run {run_id}: its batch failed."
    return Part(name=f"(no result for {account})",
                findings=error_findings(account, controls, reason, account, BATCH_FAILED), accounts=[account],
                coverage={account: "unknown"}, notes=[f"Account {account} was not audited: {reason}"],
                shard={"accounts": {account: {"known": False, "sees_org_trail": False, "alone": "unknown"}}})


def merge_run(session: "boto3.Session", cfg: RunConfig, run_id: str) -> dict:
    """Merge the run's per-account reports into runs/<run_id>/ and latest/; return the run's figures."""
    from checks.audit import exit_code
    from checks.catalog import all_controls
    from checks.merge.core import load_part, merge_parts
    from checks import sdk_config
    from checks.report import ReportOptions, render, status_counts

    s3 = session.client("s3", config=sdk_config.pool(MERGE_READERS))
    manifest = _get_json(s3, cfg.bucket, f"runs/{run_id}/manifest.json")
    if manifest is None:
        raise ValueError(f"s3://{cfg.bucket}/runs/{run_id}/manifest.json is missing; list_accounts did not run.")
    controls = [c for c in all_controls() if c.id in set(manifest["controls"])]
    prefix = f"runs/{run_id}/accounts/"
    keys = [obj["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=cfg.bucket, Prefix=prefix)
            for obj in page.get("Contents", [])]

    def read(key: str):
        body = s3.get_object(Bucket=cfg.bucket, Key=key)["Body"].read().decode("utf-8")
        return load_part(body, f"s3://{cfg.bucket}/{key}")

    # GETs overlap (boto3 clients are thread-safe): 20,000 sequential ~20 ms GETs would take most of
    # Lambda's 15 minutes; 32 at a time take about 15 s.
    with ThreadPoolExecutor(max_workers=MERGE_READERS) as pool:
        parts = {a: part for part in pool.map(read, keys) for a in part.accounts}
    missing = [a for a in manifest["accounts"] if a not in parts]
    chosen = [parts[a] for a in sorted(parts) if a in set(manifest["accounts"])]
    run = merge_parts(chosen + [_missing_part(a, controls, run_id) for a in missing]) if manifest["accounts"] else \
        AuditRun(findings=[], accounts=[])
    run.notes = list(manifest["notes"]) + run.notes
    run.organization_id = manifest.get("organization_id", "")
    fail_on = Severity.parse(cfg.fail_on, option="FAIL_ON")
    options = ReportOptions(fail_on=fail_on)
    previous = _get_json(s3, cfg.bucket, "latest/run.json")
    for name, fmt in REPORTS.items():
        text = render(fmt, run, controls, options)
        ctype = "text/markdown" if fmt == "markdown" else "text/plain" if fmt == "table" else "application/json"
        for key in (f"runs/{run_id}/{name}", f"latest/{name}"):
            _put(s3, cfg.bucket, key, text, ctype)
    _put(s3, cfg.bucket, "latest/run.json", json.dumps({"run_id": run_id}) + "\n")
    previous_id = (previous or {}).get("run_id")
    return {"run_id": run_id, "previous_run_id": previous_id if previous_id != run_id else None,
            "accounts": len(run.accounts), "missing": missing, "by_status": status_counts(run.findings),
            "exit_code": exit_code(run, fail_on), "report": f"s3://{cfg.bucket}/runs/{run_id}/report.json"}


# --- notify -------------------------------------------------------------------------------------------


def notify(session: "boto3.Session", cfg: RunConfig, run_id: str, previous_run_id: str | None) -> dict:
    """Publish the regression diff to SNS when the run has FAILs the previous run did not have."""
    from checks.continuous.diff import fixed, message, new_fails

    s3 = session.client("s3")
    current = _get_json(s3, cfg.bucket, f"runs/{run_id}/report.json")
    if current is None:
        raise ValueError(f"s3://{cfg.bucket}/runs/{run_id}/report.json is missing; merge did not run.")
    previous = _get_json(s3, cfg.bucket, f"runs/{previous_run_id}/report.json") if previous_run_id else None
    regressions, resolved = new_fails(previous, current), fixed(previous, current)
    published = False
    if regressions and cfg.topic_arn:
        subject, body = message(run_id, regressions, resolved, f"s3://{cfg.bucket}/runs/{run_id}/report.md")
        session.client("sns").publish(TopicArn=cfg.topic_arn, Subject=subject, Message=body)
        published = True
    return {"run_id": run_id, "previous_run_id": previous_run_id, "new_fails": len(regressions),
            "resolved": len(resolved), "published": published}
