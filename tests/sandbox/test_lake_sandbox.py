"""trailguard:lake in the sandbox: the stack's organization event data store, deployed into the emulator,
passes every Lake control (one deployment: each costs seconds; the opt-out's NOT_APPLICABLE is tested on
facts in tests/history/test_lake_rules.py)."""
from __future__ import annotations

from sandbox_stack import deploy_demo_stack, endpoint_env


def _lake(emulator, account_id):
    import boto3

    from checks.catalog import all_controls
    from checks.collect import collect_account
    from checks.engine import evaluate

    controls = [c for c in all_controls() if c.family == "lake"]
    with endpoint_env(emulator.endpoint_url):
        facts = collect_account(boto3.session.Session(region_name="us-east-1"), account_id=account_id,
                                controls=controls)
    return {(f.control_id, f.status.value) for f in evaluate(facts, controls)}, facts


def test_lake_stack_store_passes_every_lake_control(emulator):
    audited = deploy_demo_stack(emulator, lake="true")
    statuses, facts = _lake(emulator, audited.account_id)
    assert {s for _, s in statuses} == {"PASS"} and len(statuses) == 6
    (store,) = facts.lake.stores
    assert store.kms_key_id == audited.deployed.outputs["kmsKeyArn"]
