"""Helpers shared by the sandbox tests: deploy the demo stack into the emulator, then audit it in process."""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock


@dataclass
class Audited:
    org_id: str
    account_id: str
    deployed: object  # DeployResult
    findings: list  # Finding


# The 16 CIS monitoring controls (CM-01..16), spelled out so that a new one is added here on purpose.
CM_ALL = frozenset({
    "cloudwatch_unauthorized_api_calls_alarm_configured",
    "cloudwatch_console_signin_without_mfa_alarm_configured",
    "cloudwatch_root_usage_alarm_configured",
    "cloudwatch_iam_policy_changes_alarm_configured",
    "cloudwatch_cloudtrail_changes_alarm_configured",
    "cloudwatch_console_auth_failures_alarm_configured",
    "cloudwatch_kms_key_disable_or_deletion_alarm_configured",
    "cloudwatch_s3_bucket_policy_changes_alarm_configured",
    "cloudwatch_config_changes_alarm_configured",
    "cloudwatch_security_group_changes_alarm_configured",
    "cloudwatch_nacl_changes_alarm_configured",
    "cloudwatch_network_gateway_changes_alarm_configured",
    "cloudwatch_route_table_changes_alarm_configured",
    "cloudwatch_vpc_changes_alarm_configured",
    "cloudwatch_organizations_changes_alarm_configured",
    "cloudwatch_trail_selector_changes_alarm_configured",
})


@contextmanager
def endpoint_env(url: str):
    """The collectors follow AWS_ENDPOINT_URL (as the CLI's --endpoint-url does)."""
    with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": url}):
        yield


def live_controls():
    """Configuration controls, Lake (CL) included (the demo stack has an organization event data store).
    History (CH) judges the last days, which for a stack deployed a second ago start before it existed: it is
    tested in tests/history, and the demo shows it on a backdated story."""
    from checks.catalog import all_controls

    return [c for c in all_controls() if "live" in c.targets and c.family != "history"]


def audit(endpoint_url: str, account_id: str | None = None, credentials=None) -> list:
    """collect_account + evaluate in process, for one account (default: the ambient credentials')."""
    import boto3

    from checks.collect import collect_account
    from checks.engine import evaluate

    kw = {}
    if credentials is not None:
        kw = {"aws_access_key_id": credentials.access_key_id, "aws_secret_access_key": credentials.secret_access_key,
              "aws_session_token": credentials.session_token}
    session = boto3.session.Session(region_name="us-east-1", **kw)
    controls = live_controls()
    with endpoint_env(endpoint_url):
        facts = collect_account(session, account_id=account_id, controls=controls)
        return list(evaluate(facts, controls))


def deploy_demo_stack(emulator, **overrides) -> Audited:
    """Fresh emulator state, the demo's organization and stack config with `overrides`, deployed and audited."""
    from sandbox.demo import create_alarm_queue, demo_config
    from sandbox.deployer import deploy
    from sandbox.legacy import create_organization

    emulator.reset()
    org = create_organization(emulator.endpoint_url)
    config = demo_config(org.id, org.management_account_id, create_alarm_queue(emulator.endpoint_url))
    config.update({f"trailguard:{k}": v for k, v in overrides.items()})
    deployed = deploy(emulator.endpoint_url, config)
    findings = audit(emulator.endpoint_url, org.management_account_id)
    return Audited(org.id, org.management_account_id, deployed, findings)


def ids_with(findings, *statuses: str) -> set[str]:
    return {f.control_id for f in findings if f.status.value in statuses}
