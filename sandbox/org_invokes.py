"""pulumi-aws's Organizations data sources, answered from the emulator with boto3.

The provider's getOrganization calls DescribeOrganization and, from the management account only,
ListAccounts, ListAWSServiceAccessForOrganization and ListRoots; a member account gets the organization's
identity only. getDelegatedAdministrators calls ListDelegatedAdministrators. Results use the engine's
(camelCase) names, as the provider returns them to the program.
"""
from __future__ import annotations


def get_organization(client, caller_account: str) -> dict:
    org = client.describe_organization()["Organization"]
    result = {
        "id": org["Id"], "arn": org["Arn"], "featureSet": org.get("FeatureSet", ""),
        "masterAccountId": org["MasterAccountId"], "masterAccountArn": org.get("MasterAccountArn", ""),
        "masterAccountEmail": org.get("MasterAccountEmail", ""), "awsServiceAccessPrincipals": [],
        "accounts": [], "nonMasterAccounts": [], "roots": [], "enabledPolicyTypes": [],
    }
    if caller_account != org["MasterAccountId"]:
        return result
    enabled = client.list_aws_service_access_for_organization().get("EnabledServicePrincipals", [])
    result["awsServiceAccessPrincipals"] = [p["ServicePrincipal"] for p in enabled]
    accounts = [a for page in client.get_paginator("list_accounts").paginate() for a in page["Accounts"]]
    shaped = [{"id": a["Id"], "arn": a["Arn"], "name": a["Name"], "email": a["Email"], "status": a["Status"]}
              for a in accounts]
    result["accounts"] = shaped
    result["nonMasterAccounts"] = [a for a in shaped if a["id"] != org["MasterAccountId"]]
    return result


def delegated_administrators(client, service_principal: str | None) -> dict:
    kw = {"ServicePrincipal": service_principal} if service_principal else {}
    admins = client.list_delegated_administrators(**kw).get("DelegatedAdministrators", [])
    return {"id": service_principal or "", "servicePrincipal": service_principal,
            "delegatedAdministrators": [{"id": a["Id"], "arn": a["Arn"], "name": a.get("Name", ""),
                                         "email": a.get("Email", ""), "status": a.get("Status", "")}
                                        for a in admins]}


def planned(token: str, args: dict, org_id: str, account: str) -> dict:
    """The plan's answer (no emulator): the configured organization, ready for an organization trail."""
    if token.endswith("getDelegatedAdministrators"):
        return {"id": args.get("servicePrincipal", ""), "delegatedAdministrators": []}
    return {"id": org_id if org_id.startswith("o-") else "o-sandbox0000", "masterAccountId": account,
            "featureSet": "ALL", "awsServiceAccessPrincipals": ["cloudtrail.amazonaws.com"]}
