"""README.md's generated part matches docs/*.md (docs/build_readme.py), so the two can't drift apart."""
from __future__ import annotations

import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _builder():
    spec = importlib.util.spec_from_file_location("build_readme", ROOT / "docs" / "build_readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_is_rebuilt_from_the_docs():
    builder = _builder()
    current = (ROOT / "README.md").read_text()
    assert current == builder.build(current), "README.md is stale: run `make readme`"


def test_a_hand_edit_of_the_generated_part_is_caught():
    builder = _builder()
    current = (ROOT / "README.md").read_text()
    edited = current.replace("## Organization mode", "## Organisation mode", 1)
    assert edited != current and builder.build(edited) != edited
