"""Catalog-wide contract, generic over all_controls() so it also binds controls added later."""
from __future__ import annotations

import ast
import pathlib
import re

import pytest

from checks.catalog import ID_PATTERN, TARGETS, all_controls
from checks.rules import all_rules

CONTROLS = all_controls()
TESTS_DIR = pathlib.Path(__file__).parent.parent  # tests/: families keep their tests in their own folder


def _test_names() -> set[str]:
    names = set()
    for path in TESTS_DIR.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return names


TEST_NAMES = _test_names()


def test_catalog_ids_and_refs_are_unique_and_well_formed():
    ids = [c.id for c in CONTROLS]
    refs = [c.ref for c in CONTROLS]
    assert len(ids) == len(set(ids))
    assert len(refs) == len(set(refs))
    assert all(ID_PATTERN.match(i) for i in ids)
    assert all(re.fullmatch(r"C[A-Z]-\d{2}", r) for r in refs)


def test_catalog_trail_family_is_ct01_to_ct17_without_ct06():
    refs = sorted(c.ref for c in CONTROLS if c.family == "trail")
    assert refs == [f"CT-{n:02d}" for n in range(1, 18) if n != 6]  # CT-06 is the integrity family's


def test_catalog_ct06_is_judged_by_verify_only():
    integrity = [c for c in CONTROLS if c.family == "integrity"]
    assert [(c.ref, c.id, c.targets) for c in integrity] == [
        ("CT-06", "cloudtrail_log_files_integrity_verified", frozenset({"verify"}))]
    assert all_rules()["cloudtrail_log_files_integrity_verified"].scope == "stream"


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.id)
def test_catalog_control_has_rule_remediation_and_targets(control):
    assert control.id in all_rules(), f"{control.id} has no @rule predicate"
    assert control.remediation.strip() and control.rationale.strip() and control.title.strip()
    assert control.targets and set(control.targets) <= TARGETS


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.id)
def test_catalog_control_has_framework_references(control):
    assert control.frameworks, f"{control.id} maps to no framework"


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.id)
def test_catalog_control_has_pass_and_fail_tests(control):
    for outcome in ("pass", "fail"):
        prefix = f"test_{control.id}_{outcome}_"
        assert any(n.startswith(prefix) for n in TEST_NAMES), f"no test named {prefix}* under {TESTS_DIR}"


def test_catalog_stack_targets_of_trail_family():
    live_only = {c.id for c in CONTROLS if c.family == "trail" and c.targets == {"live"}}
    assert live_only == {"cloudtrail_all_regions_covered", "cloudtrail_delivery_healthy"}


def test_catalog_remediation_settings_name_component_config_keys():
    for control in CONTROLS:
        assert control.remediation_setting == "" or control.remediation_setting.startswith("trailguard:"), control.id
