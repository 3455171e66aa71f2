"""One format registry (checks/report REGISTRY): every format module is registered once, and the CLI help
and the docs list exactly what it holds. A new format is one module plus one REGISTRY line (docs/where.md)."""
from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import checks.report as report
from checks.model import AuditRun
from checks.report import FORMATS, REGISTRY, UnknownFormat, render

ROOT = Path(__file__).resolve().parents[2]


def _modules_with_render() -> set[str]:
    found = set()
    for info in pkgutil.iter_modules(report.__path__):
        module = importlib.import_module(f"checks.report.{info.name}")
        if getattr(getattr(module, "render", None), "__module__", None) == module.__name__:  # its own, not imported
            found.add(info.name)
    return found


def test_every_renderer_module_is_registered_and_every_registered_format_has_one():
    assert _modules_with_render() == set(REGISTRY)


@pytest.mark.parametrize("fmt", FORMATS)
def test_registered_format_renders_an_empty_run(fmt):
    assert isinstance(render(fmt, AuditRun(findings=[], accounts=[]), []), str)


def test_an_unknown_format_is_an_error_with_the_value_and_no_flag_name():
    with pytest.raises(UnknownFormat) as err:
        render("yaml", AuditRun(findings=[], accounts=[]), [])
    assert err.value.format == "yaml" and "--" not in str(err.value)
    assert all(f in str(err.value) for f in FORMATS)


def test_cli_help_lists_the_registry(capsys):
    from checks.cli import main

    assert main(["audit", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"one or more of {', '.join(FORMATS)}" in help_text


def test_docs_list_exactly_the_registered_formats_and_extensions():
    text = (ROOT / "docs" / "audit.md").read_text()
    formats_row = next(line for line in text.splitlines() if line.startswith("| `--format FMT"))
    ext_row = next(line for line in text.splitlines() if line.startswith("| `--output-dir DIR`"))
    listed = re.findall(r"`([a-z]+)`", formats_row.split("One or more of", 1)[1].split("comma-separated")[0])
    extensions = re.findall(r"`([a-z.]+)`", ext_row.split("extensions:", 1)[1])
    assert listed == list(FORMATS)
    assert extensions == [f.extension for f in REGISTRY.values()]
