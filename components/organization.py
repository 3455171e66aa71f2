"""Organization preconditions, checked before any resource is registered (docs/provisioning.md lists them).

CreateTrail with IsOrganizationTrail fails only after the bucket, key and role exist unless the
organization has all features, CloudTrail's trusted access is enabled and the caller is the management
account or CloudTrail's registered delegated administrator. ``aws.organizations.get_organization()``
returns all of this, so the program refuses up front, one sentence per problem, each naming the setting
and the remedy. A single-account stack (``orgId: ""``) makes none of these calls.
"""
from __future__ import annotations

from dataclasses import dataclass

from components.errors import SettingsError

CLOUDTRAIL = "cloudtrail.amazonaws.com"
AUTO = "auto"  # orgId: "auto" = the caller's organization (management account only)


@dataclass(frozen=True)
class Organization:
    """What get_organization (and, for a member caller, get_delegated_administrators) answered."""

    id: str
    management_account_id: str
    feature_set: str
    service_principals: tuple[str, ...] | None  # None: not listed for this caller (a member account)
    delegated_admins: tuple[str, ...] = ()  # CloudTrail's registered delegated administrators


@dataclass(frozen=True)
class Resolved:
    org_id: str
    management_account_id: str  # owns the trail (its ARN), even when a delegated administrator deploys
    delegated: bool  # the caller is CloudTrail's delegated administrator, not the management account


def problems(org_id_setting: str, management_setting: str, caller: str, org: Organization) -> list[str]:
    """Every reason the organization trail would fail to deploy; empty when it can go ahead."""
    errors = []
    if org_id_setting != AUTO and org.id != org_id_setting:
        errors.append(f"orgId: {org_id_setting!r} but the deploying credentials belong to organization {org.id}; "
                      f"allowed: {org.id}, or \"{AUTO}\" to use the caller's organization.")
    if org_id_setting == AUTO and caller != org.management_account_id:
        errors.append(f"orgId: \"{AUTO}\" needs the management account {org.management_account_id} as the caller, "
                      f"not {caller}; allowed: set orgId to {org.id} explicitly.")
    if org.feature_set != "ALL":
        errors.append(f"orgId: organization {org.id} has feature set {org.feature_set!r}; organization trails need "
                      "ALL (CloudTrailAccessNotEnabledException otherwise): enable all features in AWS "
                      "Organizations first (aws organizations enable-all-features).")
    if org.service_principals is not None and CLOUDTRAIL not in org.service_principals:
        errors.append(f"orgId: CloudTrail's trusted access is not enabled in organization {org.id} "
                      "(CreateTrail fails with CloudTrailAccessNotEnabledException); run in the management "
                      f"account: aws organizations enable-aws-service-access --service-principal {CLOUDTRAIL}")
    if caller != org.management_account_id and caller not in org.delegated_admins:
        errors.append(f"orgId: account {caller} is neither the management account {org.management_account_id} "
                      f"nor a delegated administrator for {CLOUDTRAIL}; deploy from the management account, or "
                      f"register this account there: aws cloudtrail register-organization-delegated-admin "
                      f"--member-account-id {caller}")
    if management_setting and management_setting != org.management_account_id:
        errors.append(f"managementAccountId: {management_setting!r} but organization {org.id} is managed by "
                      f"{org.management_account_id}; allowed: {org.management_account_id} or \"\".")
    return errors


def resolve(org_id_setting: str, management_setting: str, caller: str, org: Organization) -> Resolved:
    found = problems(org_id_setting, management_setting, caller, org)
    if found:
        raise SettingsError("the organization is not ready for an organization trail:\n  - " + "\n  - ".join(found))
    return Resolved(org.id, org.management_account_id, caller != org.management_account_id)


def read_organization(caller: str, invoke_opts) -> Organization:
    """The organization as pulumi-aws reads it (an invoke: Pulumi mocks and the sandbox answer it too)."""
    import pulumi_aws as aws

    got = aws.organizations.get_organization(opts=invoke_opts)
    principals = got.aws_service_access_principals
    admins: tuple[str, ...] = ()
    if caller != got.master_account_id:
        # The provider lists service access for the management account only; a member sees none, and
        # RegisterOrganizationDelegatedAdmin already required trusted access, so None skips that check.
        principals = principals or None
        listed = aws.organizations.get_delegated_administrators(service_principal=CLOUDTRAIL, opts=invoke_opts)
        admins = tuple(a.id for a in listed.delegated_administrators or ())
    return Organization(got.id, got.master_account_id, got.feature_set or "",
                        None if principals is None else tuple(principals), admins)
