"""The pack through the SDK's analyzer servicer, as `pulumi preview` drives it (protobuf in, protobuf out).

This uses pulumi_policy's private ``_PolicyAnalyzerServicer`` (what PolicyPack serves over gRPC) so the
real deserialization and unknown-checking proxy run without starting a server; if the SDK renames it,
these tests fail loudly rather than silently testing less.
"""
from __future__ import annotations

from google.protobuf import struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE

from trailguard_policies import PACK_NAME, build_policies

TRAIL = "aws:cloudtrail/trail:Trail"


def servicer() -> _PolicyAnalyzerServicer:
    return _PolicyAnalyzerServicer(PACK_NAME, "0.1.0", build_policies(), EnforcementLevel.ADVISORY)


def analyze(props: dict):
    struct = struct_pb2.Struct()
    struct.update(props)
    request = proto.AnalyzeRequest(type=TRAIL, properties=struct, urn=f"urn:pulumi:s::p::{TRAIL}::t", name="t")
    return servicer().Analyze(request, None)


def test_analyzer_info_lists_every_policy_with_severity_and_schema():
    info = servicer().GetAnalyzerInfo(None, None)
    by_name = {p.name: p for p in info.policies}
    assert len(by_name) == len(build_policies())
    retention = by_name["cloudwatch-trail-log-group-retention-sufficient"]
    assert retention.policy_type == proto.PolicyType.POLICY_TYPE_STACK
    assert "minimumRetentionDays" in retention.configSchema.properties.fields
    assert by_name["cloudtrail-log-file-validation-enabled"].policy_type == proto.PolicyType.POLICY_TYPE_RESOURCE


def test_analyze_reports_a_plain_trail_with_the_policy_name_and_urn():
    response = analyze({"name": "t", "s3BucketName": "logs"})
    names = {d.policyName for d in response.diagnostics}
    assert "cloudtrail-log-file-validation-enabled" in names
    diag = next(d for d in response.diagnostics if d.policyName == "cloudtrail-log-file-validation-enabled")
    assert diag.urn.endswith("::t") and "[cloudtrail_log_file_validation_enabled]" in diag.message


def test_analyze_turns_an_engine_unknown_into_not_applicable_not_a_violation():
    response = analyze({"name": "t", "s3BucketName": "logs", "enableLogFileValidation": UNKNOWN_BOOLEAN_VALUE})
    assert "cloudtrail-log-file-validation-enabled" not in {d.policyName for d in response.diagnostics}
    reasons = {n.policy_name: n.reason for n in response.not_applicable}
    assert "enableLogFileValidation" in reasons["cloudtrail-log-file-validation-enabled"]
