"""The scheduled audit's read permissions come from the catalog, the one home of what each control reads.

``Control.collects`` (checks/catalog/plan.py) gives each live control's IAM actions, held against botocore's
model and the collector's real calls by tests/checks/test_catalog_permissions.py. The audit_batch function reads
the account it runs in with its own role, and each member through the member role: both must allow exactly
those actions for the selected controls (anything less is an AccessDenied ERROR in every account, anything more
is not least privilege), with nothing to edit in components/ when a control starts reading something new.
"""
from __future__ import annotations

import json

import pytest

from checks.catalog import all_controls, plan
from components import continuous_documents as pol
from components.lambda_package import write_zip
from testkit.continuous_mocks import deploy

LIVE = [c for c in all_controls() if "live" in c.targets]
READ_ONLY = ("Describe", "Get", "List", "Lookup")
OWN_STATEMENTS = {"AssumeMemberAuditRole", "WriteAccountReports", "ResultsKey", "OwnLogs"}


def _catalog_actions(controls) -> set[str]:
    return {a for c in controls for a in c.iam_actions}


def _reads(policy: dict) -> set[str]:
    """The read actions a policy grants on every resource, beside the function's own statements."""
    reads = [s for s in policy["Statement"] if s.get("Sid") not in OWN_STATEMENTS]
    assert all(s["Effect"] == "Allow" and s["Resource"] == "*" for s in reads)
    return {a for s in reads for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    tree = tmp_path_factory.mktemp("tree")
    (tree / "checks").mkdir()
    (tree / "checks" / "aws_lambda.py").write_text("")
    return str(write_zip(tree, tree / "pkg.zip") and tree / "pkg.zip")


def _audit_batch_policy(settings: dict, package: str) -> dict:
    resources, _ = deploy(settings, package)
    [policy] = [r.json("policy") for r in resources if r.typ == "aws:iam/rolePolicy:RolePolicy"
                and r.name == "trailguard-continuous-audit-batch-role-policy"]
    return policy


# (continuousAudit.controls, the controls whose actions the roles get): all live controls by default, a subset
# when the stack narrows the audit (fewer controls, fewer reads).
SELECTIONS = [
    ((), LIVE),
    (("cloudtrail_trail_tagged",), [c for c in LIVE if c.id == "cloudtrail_trail_tagged"]),
    (("cloudtrail_kms_encryption_enabled", "cloudtrail_lake_ingestion_enabled"),
     [c for c in LIVE if c.id in {"cloudtrail_kms_encryption_enabled", "cloudtrail_lake_ingestion_enabled"}]),
]


@pytest.mark.parametrize("ids, controls", SELECTIONS, ids=["all-live", "one", "key-and-lake"])
def test_the_deployed_audit_role_reads_exactly_the_catalogs_actions(ids, controls, package):
    """Also within IAM's quota for a role's inline policies: 10,240 characters, whitespace not counted (IAM User
    Guide, "IAM and AWS STS quotas"), since the list now grows with the catalog."""
    policy = _audit_batch_policy({"controls": list(ids)} if ids else {}, package)
    granted = _reads(policy)
    assert granted == _catalog_actions(controls)
    assert [a for a in granted if not a.split(":")[1].startswith(READ_ONLY)] == []
    assert len(json.dumps(policy, separators=(",", ":"))) <= 10_240


def test_the_member_role_policy_is_the_catalogs_read_only_policy():
    """docs/controls.md shows plan.read_only_policy over every control; the member role gets that policy."""
    assert pol.member_role_policy() == plan.read_only_policy(all_controls())
    assert _reads(pol.member_role_policy()) == _catalog_actions(LIVE)
    assert _reads(pol.member_role_policy(["cloudtrail_trail_tagged"])) == {
        "cloudtrail:DescribeTrails", "cloudtrail:ListTags", "cloudtrail:ListTrails"}


def test_a_control_declaring_a_new_action_widens_both_roles(monkeypatch):
    """A control that starts reading something (here GetTrail, for "status") must reach the roles with no edit
    in components/: a hand-kept copy of the list would miss it and the audit would get AccessDenied."""
    before = _reads(pol.audit_batch_policy("arn:aws:s3:::b", "arn:aws:kms:k", "arn:aws:logs:g", "aws", "R"))
    assert "cloudtrail:GetTrail" not in before
    monkeypatch.setitem(plan.NEED_CALLS, "status", (*plan.NEED_CALLS["status"], "cloudtrail:GetTrail"))
    after = _reads(pol.audit_batch_policy("arn:aws:s3:::b", "arn:aws:kms:k", "arn:aws:logs:g", "aws", "R"))
    assert after == before | {"cloudtrail:GetTrail"} == _catalog_actions(LIVE)
    assert "cloudtrail:GetTrail" in _reads(pol.member_role_policy())


def test_an_unknown_control_id_is_refused_naming_the_allowed_ids():
    with pytest.raises(ValueError, match="unknown control id.*no_such_control.*allowed: "):
        pol.member_role_policy(["no_such_control"])
