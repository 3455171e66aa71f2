"""OCSF: every event validates as an OCSF 1.5 Compliance Finding with py-ocsf-models (Prowler's models).

Validation is strict both ways: the pydantic model must accept the event (required attributes, types,
enum ids), and dumping the model back must give the event again, so no attribute we write is unknown to
the schema (pydantic would drop it silently). Two attributes are checked apart because the package's
ComplianceFinding model does not carry them although OCSF 1.5 defines them: ``cloud`` (the cloud
profile, validated with the package's Cloud object) and ``compliance.status`` (the caption of
``compliance.status_id``). Expected ids come from the OCSF 1.5 schema pages: class Compliance Finding
uid 2003 in category Findings (2); type_uid = class_uid * 100 + activity_id; severity_id 2 Low ...
5 Critical; compliance.status_id 1 Pass, 2 Warning ("did not yield a result due to missing
information"), 3 Fail, 99 Other; account type_id 10 AWS Account.
"""
from __future__ import annotations

import copy
import json

import pytest
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from py_ocsf_models.objects.cloud import Cloud
from report_sample import HOSTILE, live_controls, options, sample_run

from checks.model import Status
from checks.report import render

APART = ("cloud",)


@pytest.fixture(scope="module")
def events():
    return json.loads(render("ocsf", sample_run(), live_controls(), options()))


def _without_apart(event: dict) -> dict:
    doc = copy.deepcopy(event)
    for key in APART:
        doc.pop(key, None)
    doc["compliance"].pop("status", None)
    return doc


def test_every_event_round_trips_through_the_compliance_finding_model(events):
    assert len(events) == len(sample_run().findings)
    for event in events:
        doc = _without_apart(event)
        model = ComplianceFinding.model_validate(doc)
        assert model.model_dump(mode="json", exclude_none=True) == doc
        Cloud.model_validate(event["cloud"])


def test_the_model_rejects_what_the_schema_rejects(events):
    broken = _without_apart(events[0])
    broken["severity_id"] = 7  # not an OCSF severity id
    del broken["finding_info"]["uid"]
    with pytest.raises(Exception, match="severity_id|uid"):
        ComplianceFinding.model_validate(broken)


def test_class_category_and_type_ids(events):
    for e in events:
        assert (e["class_uid"], e["category_uid"], e["activity_id"]) == (2003, 2, 1)
        assert e["type_uid"] == 2003 * 100 + e["activity_id"]
        assert e["metadata"]["version"].startswith("1.")


@pytest.mark.parametrize(("status", "compliance_id", "caption"), [
    (Status.PASS, 1, "Pass"), (Status.FAIL, 3, "Fail"), (Status.WAIVED, 3, "Fail"),
    (Status.ERROR, 2, "Warning"), (Status.NOT_APPLICABLE, 99, "Not Applicable"),
])
def test_compliance_status(events, status, compliance_id, caption):
    mine = [e for e in events if e["unmapped"]["trailguard"]["status"] == status.value]
    assert mine and {(e["compliance"]["status_id"], e["compliance"]["status"]) for e in mine} == {
        (compliance_id, caption)}


def test_compliance_control_and_requirements_from_the_catalog(events):
    by_id = {c.id: c for c in live_controls()}
    for e in events:
        control = by_id[e["compliance"]["control"]]
        assert e["compliance"]["requirements"] == [r.label() for r in control.frameworks]
        cis = [r.item for r in control.frameworks if r.framework == "CIS AWS Foundations"]
        assert all(any(req.endswith(" " + item) for req in e["compliance"]["requirements"]) for item in cis)


def test_severity_mapping(events):
    expected = {"low": (2, "Low"), "medium": (3, "Medium"), "high": (4, "High"), "critical": (5, "Critical")}
    by_id = {c.id: c for c in live_controls()}
    for e in events:
        assert (e["severity_id"], e["severity"]) == expected[by_id[e["compliance"]["control"]].severity.value]


def test_cloud_account_and_resources(events):
    for e in events:
        assert e["cloud"]["provider"] == "AWS"
        assert e["cloud"]["account"]["type_id"] == 10
        res = e["resources"][0]
        assert res["uid"] and res["type"] and res["cloud_partition"] == "aws"
        if res["uid"].startswith("arn:"):
            assert res.get("region", "") == res["uid"].split(":")[3] or res["type"] == "AwsS3Bucket"


def test_finding_uid_is_unique_and_stable_across_runs(events):
    uids = [e["finding_info"]["uid"] for e in events]
    assert len(set(uids)) == len(uids)
    again = json.loads(render("ocsf", sample_run(), live_controls(), options()))
    assert [e["finding_info"]["uid"] for e in again] == uids
    keys = [e["unmapped"]["trailguard"]["finding_key"] for e in events]
    assert len(set(keys)) == len(keys)


def test_cloud_org_only_when_the_run_knows_its_organization(events):
    assert not any("org" in e["cloud"] for e in events)
    run = sample_run()
    run.organization_id = "o-a1b2c3d4e5"
    org_events = json.loads(render("ocsf", run, live_controls(), options()))
    assert {e["cloud"]["org"]["uid"] for e in org_events} == {"o-a1b2c3d4e5"}
    Cloud.model_validate(org_events[0]["cloud"])


def test_hostile_text_is_kept_verbatim(events):
    assert sum(HOSTILE in e["resources"][0]["uid"] for e in events) == 1


def test_compliance_standards_always_present_even_for_a_control_with_no_framework():
    """OCSF schema, object ``compliance`` (objects/compliance.json): ``standards`` has "requirement":
    "required"; py-ocsf-models declares it Optional, so the round trip above cannot catch its absence."""
    from checks.model import AuditRun, Finding, Severity

    run = AuditRun([Finding("XX-99", Status.FAIL, Severity.LOW, "123456789012", "", "123456789012", "custom",
                            title="a control outside the catalog")], ["123456789012"])
    for e in json.loads(render("ocsf", run, [], options())) + json.loads(
            render("ocsf", sample_run(), live_controls(), options())):
        assert e["compliance"]["standards"] and all(isinstance(s, str) and s for s in e["compliance"]["standards"])
        ComplianceFinding.model_validate(_without_apart(e))
