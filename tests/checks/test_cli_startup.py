"""Start-up stays light: the CLI module and the `controls` command load neither boto3/botocore nor pulumi.

Run in a fresh interpreter (subprocess) because the test process has boto3 loaded already. Speed itself
is measured by bench/startup.py, not asserted here.
"""
from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("boto3", "botocore", "pulumi", "jinja2", "tqdm")  # jinja2: HTML report; tqdm: org progress bar

PROBE = """
import contextlib, io, json, sys
import checks.cli
after_import = sorted({m.split('.')[0] for m in sys.modules} & set(HEAVY))
with contextlib.redirect_stdout(io.StringIO()):
    for argv in (['controls'], ['controls', '--format', 'json']):
        checks.cli.main(argv)
after_controls = sorted({m.split('.')[0] for m in sys.modules} & set(HEAVY))
print(json.dumps([after_import, after_controls]))
"""


def test_import_cli_and_controls_load_no_aws_sdk_or_pulumi():
    code = f"HEAVY = {HEAVY!r}\n{PROBE}"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [[], []]


def test_help_answers_without_aws_sdk():
    code = ("import sys, runpy\nsys.argv = ['checks', '--help']\n"
            "try:\n    runpy.run_module('checks', run_name='__main__')\nexcept SystemExit as e:\n"
            "    assert e.code == 0, e.code\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "usage: trailguard" in out
    assert out.strip().splitlines()[-1] == "[]"


def test_controls_json_lists_the_catalog():
    out = subprocess.run([sys.executable, "-m", "checks", "controls", "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    controls = json.loads(out)
    ids = {c["id"] for c in controls}
    assert {"cloudtrail_log_file_validation_enabled", "cloudtrail_bucket_not_public"} <= ids
    assert all({"id", "ref", "severity", "title", "targets", "frameworks"} <= set(c) for c in controls)
