"""ASFF: the file is valid BatchImportFindings input, checked with botocore's own validator and model.

Expected values come from the Security Hub documentation:
- ASFF required attributes and ProductArn of a custom integration: "arn:aws:securityhub:<region>:
  <account-id>:product/<account-id>/default" (Security Hub User Guide, "Using custom product integrations").
- BatchImportFindings: 1 to 100 findings per call, and with the default product ARN the caller's account
  must equal each finding's AwsAccountId (API reference, BatchImportFindings).
- Compliance.Status: PASSED | WARNING | FAILED | NOT_AVAILABLE; NOT_AVAILABLE when "the check could not be
  performed due to a service outage, API error" (API reference, Compliance).
- Workflow.Status: NEW | NOTIFIED | RESOLVED | SUPPRESSED (API reference, Workflow).
"""
from __future__ import annotations

import json

import botocore.session
import pytest
from botocore.validate import ParamValidationError, validate_parameters
from report_sample import A, B, HOSTILE, live_controls, options, sample_run

from checks.model import Status
from checks.report import render

OPERATION = botocore.session.get_session().get_service_model("securityhub").operation_model(
    "BatchImportFindings")


@pytest.fixture(scope="module")
def findings():
    return json.loads(render("asff", sample_run(), live_controls(), options(region="eu-central-1")))


def batches(findings):
    """What an importer sends: per account (the caller must own the findings), at most 100 per call."""
    accounts = sorted({f["AwsAccountId"] for f in findings})
    for account in accounts:
        mine = [f for f in findings if f["AwsAccountId"] == account]
        yield from (mine[i:i + 100] for i in range(0, len(mine), 100))


def test_every_batch_validates_against_botocores_batch_import_findings_model(findings):
    limits = OPERATION.input_shape.members["Findings"].metadata
    assert limits == {"min": 1, "max": 100}
    for batch in batches(findings):
        validate_parameters({"Findings": batch}, OPERATION.input_shape)  # raises ParamValidationError


def test_the_validator_would_catch_a_broken_finding(findings):
    broken = dict(findings[0])
    del broken["ProductArn"]
    broken["Compliance"] = {"Status": 1}
    with pytest.raises(ParamValidationError, match="ProductArn"):
        validate_parameters({"Findings": [broken]}, OPERATION.input_shape)


def test_required_members_are_all_present(findings):
    required = set(OPERATION.input_shape.members["Findings"].member.required_members)
    assert required <= set(findings[0])
    assert all(required <= set(f) for f in findings)


def test_product_arn_is_the_findings_own_accounts_default_product(findings):
    for f in findings:
        acct = f["AwsAccountId"]
        assert f["ProductArn"] == f"arn:aws:securityhub:eu-central-1:{acct}:product/{acct}/default"


@pytest.mark.parametrize(("status", "compliance", "workflow"), [
    (Status.PASS, "PASSED", "RESOLVED"),
    (Status.FAIL, "FAILED", "NEW"),
    (Status.ERROR, "NOT_AVAILABLE", "NEW"),
    (Status.WAIVED, "FAILED", "SUPPRESSED"),
    (Status.NOT_APPLICABLE, "NOT_AVAILABLE", "RESOLVED"),
])
def test_status_maps_to_compliance_and_workflow(findings, status, compliance, workflow):
    mine = [f for f in findings if f["ProductFields"]["trailguard/status"] == status.value]
    assert mine
    enum = OPERATION.input_shape.members["Findings"].member.members["Compliance"].members["Status"].enum
    assert compliance in enum
    assert {(f["Compliance"]["Status"], f["Workflow"]["Status"]) for f in mine} == {(compliance, workflow)}


def test_error_keeps_its_reason(findings):
    errors = [f for f in findings if f["ProductFields"]["trailguard/status"] == "ERROR"]
    assert errors and all(f["Description"].endswith("is ERROR.") for f in errors)
    assert all(f["ProductFields"]["trailguard/reason"] == f["Description"] for f in errors)


def test_generator_is_the_control_and_requirements_come_from_the_catalog(findings):
    by_id = {c.id: c for c in live_controls()}
    for f in findings:
        control = by_id[f["GeneratorId"]]
        cis = [r for r in control.frameworks if r.framework == "CIS AWS Foundations"]
        reqs = f["Compliance"].get("RelatedRequirements", [])
        assert len(reqs) == len(control.frameworks)
        assert all(any(r.endswith(f"/{c.item}") and "CIS AWS Foundations Benchmark" in r for r in reqs)
                   for c in cis)


def test_ids_are_unique_and_stable_across_runs(findings):
    ids = [f["Id"] for f in findings]
    assert len(ids) == len(set(ids))
    later = json.loads(render("asff", sample_run(), live_controls(), options(region="eu-central-1")))
    assert [f["Id"] for f in later] == ids


def test_resources_are_typed(findings):
    types = {(f["Resources"][0]["Type"], f["Resources"][0]["Id"].split(":")[2]) for f in findings}
    assert ("AwsCloudTrailTrail", "cloudtrail") in types and ("AwsS3Bucket", "s3") in types
    accounts = [f for f in findings if f["Resources"][0]["Type"] == "AwsAccount"]
    assert accounts and all(f["Resources"][0]["Id"] == f"AWS::::Account:{f['AwsAccountId']}" for f in accounts)


def test_severity_and_types_repeated_in_finding_provider_fields(findings):
    """API reference, BatchImportFindings: providers should not update Severity or Types directly but
    "use FindingProviderFields to provide values for these attributes"."""
    shape = OPERATION.input_shape.members["Findings"].member.members["FindingProviderFields"]
    assert {"Severity", "Types"} <= set(shape.members)
    for f in findings:
        assert f["FindingProviderFields"] == {"Severity": f["Severity"], "Types": f["Types"]}


def test_passed_findings_are_informational_and_lengths_fit(findings):
    assert {f["Severity"]["Label"] for f in findings if f["Compliance"]["Status"] == "PASSED"} == {"INFORMATIONAL"}
    assert all(len(f["Title"]) <= 256 and len(f["Description"]) <= 1024 for f in findings)
    assert all(len(f["Remediation"]["Recommendation"]["Text"]) <= 512 for f in findings if "Remediation" in f)


def test_hostile_names_stay_data(findings):
    hostile = [f for f in findings if HOSTILE in f["Resources"][0]["Id"]]
    assert len(hostile) == 1 and hostile[0]["AwsAccountId"] == B
    assert {f["AwsAccountId"] for f in findings} == {A, B, "333333333333"}


@pytest.mark.parametrize(("home", "expected"), [("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn"),
                                                ("eu-west-1", "aws")])
def test_account_wide_findings_take_the_partition_of_their_region(home, expected):
    """ARN format (IAM User Guide, "IAM identifiers"): arn:aws-cn:... in the China Regions,
    arn:aws-us-gov:... in AWS GovCloud (US). An account-wide finding has no ARN to read it from, so the
    region decides; its ProductArn and Resources[].Partition must agree with the ARN-based findings."""
    from checks.model import AuditRun, Finding, Severity

    account = "123456789012"
    run = AuditRun([Finding("CT-01", Status.FAIL, Severity.HIGH, account, "", account, "no trail"),
                    Finding("CT-01", Status.FAIL, Severity.HIGH, account, home,
                            f"arn:{expected}:cloudtrail:{home}:{account}:trail/t", "bad")], [account])
    out = json.loads(render("asff", run, live_controls(), options(region=home)))
    arn = f"arn:{expected}:securityhub:{home}:{account}:product/{account}/default"
    assert {f["ProductArn"] for f in out} == {arn}
    assert {f["Resources"][0]["Partition"] for f in out} == {expected}
    ocsf = json.loads(render("ocsf", run, live_controls(), options(region=home)))
    assert {e["resources"][0]["cloud_partition"] for e in ocsf} == {expected}
