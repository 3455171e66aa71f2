"""``trailguard merge FILES...``: one report from the JSON reports of ``audit --org --shard K/N`` runs
(or the per-account files of the scheduled audit), in any format, with the audit's exit-code rules.

The merged report is the one a single ``audit --org`` would have written (JSON byte for byte, apart from
``generated_at``); see checks/merge/core.py for how findings, coverage and notes are combined.
"""
from __future__ import annotations


def register(subparsers) -> None:
    from checks.cli import add_gate_arguments
    from checks.report.outputs import add_output_arguments

    p = subparsers.add_parser("merge", help="combine JSON reports (shards, accounts) into one report",
                              epilog="Exit codes: 0 passed, 1 failing at or above --fail-on, 2 usage/fatal error.")
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON reports of `audit --format json`; - is stdin")
    add_output_arguments(p)
    add_gate_arguments(p)
    p.set_defaults(handler=run_merge, subparser=p)


def _read(name: str) -> str:
    import sys

    from checks.cli import FatalError

    if name == "-":
        return sys.stdin.read()
    try:
        with open(name, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise FatalError(f"{name}: cannot read the file: {exc.strerror or exc}.") from None


def run_merge(args) -> int:
    from checks.cli import FatalError, emit_report, plan_destinations
    from checks.merge.core import MergeError, controls_of, load_part, merge_parts
    from checks.model import Severity

    destinations, generated_at = plan_destinations(args)  # usage errors before anything is read
    try:  # everything is read and checked before anything is written
        parts = [load_part(_read(name), name) for name in args.files]
        run = merge_parts(parts)
    except MergeError as exc:
        raise FatalError(str(exc)) from None
    fail_on = Severity.parse(args.fail_on, option="--fail-on")
    return emit_report(args, run, controls_of(parts), fail_on, destinations, generated_at)
