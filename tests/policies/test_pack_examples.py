"""The shipped examples stay in step with the pack: config names real policies and schema properties."""
from __future__ import annotations

import json
from pathlib import Path

import yaml
from pulumi_policy import EnforcementLevel

from testkit.pack import policies

EXAMPLES = Path(__file__).resolve().parents[2] / "policies" / "examples"


def test_example_config_names_only_policies_and_properties_of_the_pack():
    by_name = {p.name: p for p in policies().values()}
    for name, value in json.loads((EXAMPLES / "policy-config.json").read_text()).items():
        assert name in by_name, name
        if isinstance(value, str):
            EnforcementLevel(value)
            continue
        EnforcementLevel(value.get("enforcementLevel", "advisory"))
        allowed = set(by_name[name].config_schema.properties) if by_name[name].config_schema else set()
        assert set(value) - {"enforcementLevel"} <= allowed, name


def test_example_config_only_remediates_policies_that_can():
    config = json.loads((EXAMPLES / "policy-config.json").read_text())
    by_name = {p.name: p for p in policies().values()}
    for name, value in config.items():
        level = value if isinstance(value, str) else value.get("enforcementLevel")
        if level == "remediate":
            assert by_name[name].has_remediation(), name


def test_workflow_previews_with_the_pack_and_uploads_the_audit_sarif():
    workflow = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text())
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "--policy-pack policies" in runs and "--policy-pack-config policies/examples/policy-config.json" in runs
    assert "python -m checks audit --format sarif --output trailguard.sarif" in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "trailguard.sarif" and upload["if"] == "always()"
    assert workflow["permissions"]["security-events"] == "write"
