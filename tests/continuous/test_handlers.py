"""The Lambda handlers (checks/aws_lambda.py) against moto: list, audit batches, merge, notify."""
from __future__ import annotations

import json
import re

import boto3
import pytest
from moto import mock_aws

from checks import aws_lambda, org
from checks.catalog import all_controls
from checks.continuous.runs import REPORTS, RunConfig, run_id_for
from testkit.org import create_trail, deny_assume_role, member_session, seed_organization
from checks.report import ReportOptions, render

CONTROLS = ["cloudtrail_multi_region_management_events_enabled", "cloudtrail_log_file_validation_enabled",
            "cloudtrail_kms_encryption_enabled"]
BUCKET = "trailguard-results-test"
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")


@pytest.fixture
def aws(monkeypatch):
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        management, members = seed_organization(session, 4)
        session.client("s3").create_bucket(Bucket=BUCKET)
        sns, sqs = session.client("sns"), session.client("sqs")
        topic = sns.create_topic(Name="trailguard-regressions")["TopicArn"]
        queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        qarn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn, Attributes={"RawMessageDelivery": "true"})
        monkeypatch.setenv("RESULTS_BUCKET", BUCKET)
        monkeypatch.setenv("TOPIC_ARN", topic)
        monkeypatch.setenv("CONTROLS", ",".join(CONTROLS))
        monkeypatch.setattr(aws_lambda, "_session", lambda: session)
        yield session, management, members, queue


def _inbox(session, queue) -> list[str]:
    msgs = session.client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    return [m["Body"] for m in msgs]


def _get(session, key):
    return session.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()


def _run(when="2026-03-01T04:00:00Z", batch=2, skip_batches=()):
    listed = aws_lambda.list_accounts({"scheduled_time": when})
    items = json.loads(_get(boto3.Session(region_name="us-east-1"), listed["key"]))
    outs = []
    for i in range(0, len(items), batch):
        if i // batch not in skip_batches:
            outs.append(aws_lambda.audit_batch({"Items": items[i:i + batch], "BatchInput": listed}))
    merged = aws_lambda.merge({"run_id": listed["run_id"]})
    return listed, outs, merged, aws_lambda.notify(merged)


def test_list_accounts_writes_active_accounts_as_map_items(aws):
    session, management, members, _ = aws
    session.client("organizations").close_account(AccountId=members[3])
    listed = aws_lambda.list_accounts({"scheduled_time": "2026-03-01T23:30:00-02:00"})
    assert listed["run_id"] == "2026-03-02" and listed["management_id"] == management
    assert json.loads(_get(session, listed["key"])) == [{"account_id": a} for a in sorted([management, *members[:3]])]
    manifest = json.loads(_get(session, "runs/2026-03-02/manifest.json"))
    assert any(members[3] in n and "not ACTIVE" in n for n in manifest["notes"])


def test_audit_batch_writes_one_report_per_account_and_returns_counts_only(aws):
    session, management, members, _ = aws
    deny_assume_role(session, [f"arn:aws:iam::{members[0]}:role/OrganizationAccountAccessRole"])
    listed = aws_lambda.list_accounts({"scheduled_time": "2026-03-01T04:00:00Z"})
    out = aws_lambda.audit_batch({"Items": [{"account_id": management}, {"account_id": members[0]}],
                                  "BatchInput": listed})
    assert out["accounts"] == 2 and out["errors"] == 1 and out["ERROR"] >= len(CONTROLS)
    assert set(out) == {"accounts", "errors", "FAIL", "ERROR"}
    keys = {o["Key"] for o in session.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="runs/2026-03-01/accounts/")
            ["Contents"]}
    assert keys == {f"runs/2026-03-01/accounts/{a}.json" for a in (management, members[0])}
    doc = json.loads(_get(session, f"runs/2026-03-01/accounts/{members[0]}.json"))
    assert {f["status"] for f in doc["findings"]} == {"ERROR"} and doc["summary"]["coverage"] == {members[0]: "unknown"}


def test_merge_equals_the_single_org_run_and_writes_every_report(aws):
    session, management, members, _ = aws
    create_trail(session, "org-trail", "handlers-org-trail", organization=True)
    create_trail(member_session(session, members[1]), "own", "handlers-own-trail")
    _, _, merged, _ = _run()
    for key in (*(f"runs/2026-03-01/{n}" for n in REPORTS), *(f"latest/{n}" for n in REPORTS)):
        assert _get(session, key)
    controls = [c for c in all_controls() if c.id in CONTROLS]
    whole = org.audit_organization(session, controls, workers=2)
    ours = json.loads(_get(session, "runs/2026-03-01/report.json"))
    theirs = json.loads(render("json", whole, controls, ReportOptions()))
    for doc in (ours, theirs):
        doc["summary"].pop("generated_at")
    assert _TIME.sub("T", json.dumps(ours)) == _TIME.sub("T", json.dumps(theirs))
    assert merged["exit_code"] == 1 and merged["missing"] == []


def test_merge_turns_an_account_without_result_into_an_error_row(aws):
    session, management, members, _ = aws
    listed, _, merged, _ = _run(batch=2, skip_batches=(1,))
    items = [i["account_id"] for i in json.loads(_get(session, listed["key"]))]
    assert merged["missing"] == items[2:4]
    doc = json.loads(_get(session, "latest/report.json"))
    for account in items[2:4]:
        rows = [f for f in doc["findings"] if f["account_id"] == account]
        assert len(rows) == len(CONTROLS) and {f["status"] for f in rows} == {"ERROR"}
        assert all("its batch failed" in f["reason"] for f in rows)
        assert doc["summary"]["coverage"][account] == "unknown"


def test_notify_publishes_only_the_regressions_of_the_next_run(aws):
    session, management, members, queue = aws
    trail = create_trail(session, "org-trail", "notify-org-trail", organization=True)
    first = _run("2026-03-01T04:00:00Z")[3]
    assert first["published"] and first["previous_run_id"] is None  # first run: every FAIL is news
    _inbox(session, queue)
    second = _run("2026-03-02T04:00:00Z")[3]
    assert second == {"run_id": "2026-03-02", "previous_run_id": "2026-03-01", "new_fails": 0, "resolved": 0,
                      "published": False}
    assert _inbox(session, queue) == []
    session.client("cloudtrail").update_trail(Name=trail, EnableLogFileValidation=False)  # the regression
    third = _run("2026-03-03T04:00:00Z")[3]
    assert third["published"] and third["new_fails"] == 1
    [body] = _inbox(session, queue)
    assert "cloudtrail_log_file_validation_enabled" in body and "1 finding(s) FAIL now" in body
    assert "cloudtrail_kms_encryption_enabled" not in body  # failed before too: not a regression


@pytest.mark.parametrize("env, message", [({}, "RESULTS_BUCKET"), ({"RESULTS_BUCKET": "b", "FAIL_ON": "huge"},
                                                                    "FAIL_ON: 'huge' is not a severity")])
def test_run_config_names_the_bad_environment_variable(env, message):
    with pytest.raises(ValueError, match=message):
        RunConfig.from_env(env)


def test_run_id_is_the_utc_date_of_the_scheduled_time():
    assert run_id_for("2026-12-31T23:59:59-05:00") == "2027-01-01"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", run_id_for(None))
