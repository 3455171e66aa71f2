"""Organization preconditions (components.organization), checked before anything is registered.

Expected failures come from the AWS docs: CreateTrail with IsOrganizationTrail answers
CloudTrailAccessNotEnabledException unless cloudtrail.amazonaws.com has trusted access and the organization
has all features (CloudTrail User Guide, "Prepare for creating a trail for your organization"); only the
management account or a registered CloudTrail delegated administrator may create the trail, and the trail
stays owned by the management account ("Organization delegated administrator").
"""
from __future__ import annotations

import pytest

from components.errors import SettingsError
from components.organization import CLOUDTRAIL, Organization, problems

from testkit.component_mocks import MGMT, ORG, REGION, CapturingMocks, organization_answer

DELEGATE = "444444444444"
READY = Organization(ORG, MGMT, "ALL", (CLOUDTRAIL,))
ORG_TOKEN = "aws:organizations/getOrganization:getOrganization"

CASES = [
    # (id, orgId setting, managementAccountId setting, caller, organization, the settings each problem names)
    ("ready", ORG, "", MGMT, READY, []),
    ("auto-from-management", "auto", "", MGMT, READY, []),
    ("delegated-admin", ORG, "", DELEGATE, Organization(ORG, MGMT, "ALL", None, (DELEGATE,)), []),
    ("wrong-org", "o-zzzzzzzzzz", "", MGMT, READY, ["orgId"]),
    ("auto-from-member", "auto", "", DELEGATE, Organization(ORG, MGMT, "ALL", None, (DELEGATE,)), ["orgId"]),
    ("consolidated-billing", ORG, "", MGMT, Organization(ORG, MGMT, "CONSOLIDATED_BILLING", (CLOUDTRAIL,)), ["orgId"]),
    ("no-trusted-access", ORG, "", MGMT, Organization(ORG, MGMT, "ALL", ("config.amazonaws.com",)), ["orgId"]),
    ("member-not-delegated", ORG, "", DELEGATE, Organization(ORG, MGMT, "ALL", None, ()), ["orgId"]),
    ("wrong-management-setting", ORG, "999999999999", MGMT, READY, ["managementAccountId"]),
    ("everything-wrong", "o-zzzzzzzzzz", "999999999999", DELEGATE,
     Organization(ORG, MGMT, "CONSOLIDATED_BILLING", (), ()), ["orgId"] * 4 + ["managementAccountId"]),
]


@pytest.mark.parametrize("org_id,management,caller,org,keys", [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_each_problem_is_one_sentence_naming_its_setting(org_id, management, caller, org, keys):
    found = problems(org_id, management, caller, org)
    assert [p.split(":")[0] for p in found] == keys


def test_missing_trusted_access_gives_the_exact_remedy_command():
    (msg,) = problems(ORG, "", MGMT, Organization(ORG, MGMT, "ALL", ()))
    assert msg.endswith(f"aws organizations enable-aws-service-access --service-principal {CLOUDTRAIL}")


@pytest.mark.parametrize("answer", [
    organization_answer(feature_set="CONSOLIDATED_BILLING"),
    organization_answer(principals=()),
    organization_answer(org_id="o-zzzzzzzzzz"),
], ids=["features", "trusted-access", "other-org"])
def test_unready_organization_registers_nothing(deploy, monkeypatch, answer):
    created: list[str] = []
    original = CapturingMocks.new_resource
    monkeypatch.setattr(CapturingMocks, "new_resource",
                        lambda self, args: (created.append(args.typ), original(self, args))[1])
    with pytest.raises(Exception, match="not ready for an organization trail"):
        deploy({"orgId": ORG}, organization=answer)
    assert [t for t in created if t.startswith("aws:")] == []


def test_all_problems_are_reported_together(deploy):
    answer = organization_answer(org_id="o-zzzzzzzzzz", feature_set="CONSOLIDATED_BILLING", principals=())
    with pytest.raises(Exception) as exc:
        deploy({"orgId": ORG}, organization=answer)
    assert str(exc.value).count("\n  - ") == 3


def test_single_account_stack_never_reads_the_organization(deploy):
    plan = deploy({})
    assert ORG_TOKEN not in {token for token, _ in plan.mocks.calls}
    assert plan.get("tg-trail").inputs["isOrganizationTrail"] is False


def test_auto_takes_the_org_id_from_the_management_account(deploy):
    plan = deploy({"orgId": "auto"})
    assert plan.get("tg-trail").inputs["isOrganizationTrail"] is True
    assert f"AWSLogs/{ORG}/*" in str(plan.get("tg-logs-policy").policy())


def test_delegated_administrator_deploys_a_trail_owned_by_the_management_account(deploy):
    plan = deploy({"orgId": ORG}, account=DELEGATE, organization=organization_answer(delegated=(DELEGATE,)))
    # The policies name the trail by its owner's ARN (management account) ...
    write = [s for s in plan.get("tg-logs-policy").policy()["Statement"] if s["Sid"] == "AWSCloudTrailAccountWrite"]
    assert write[0]["Condition"]["StringEquals"]["aws:SourceArn"] == \
        f"arn:aws:cloudtrail:{REGION}:{MGMT}:trail/trailguard-organization-trail"
    # ... while the bucket and key live in the deploying (delegated administrator) account.
    assert plan.get("tg-logs-bucket").inputs["bucket"] == f"trailguard-logs-{DELEGATE}-{REGION}"


def test_member_that_is_not_delegated_is_refused(deploy):
    with pytest.raises(SettingsError, match="register-organization-delegated-admin --member-account-id 444444444444"):
        deploy({"orgId": ORG}, account=DELEGATE)
