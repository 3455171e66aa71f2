"""``trailguard merge FILES...``: one report from the JSON reports of ``audit --org --shard K/N`` runs
(or the per-account files of the scheduled audit), in any format, with the audit's exit-code rules.

The merged report is the one a single ``audit --org`` would have written (JSON byte for byte, apart from
``generated_at``); see checks/merge/core.py for how findings, coverage and notes are combined.
"""
from __future__ import annotations



def register(subparsers) -> None:
    from checks.cli import SEVERITIES

    p = subparsers.add_parser("merge", help="combine JSON reports (shards, accounts) into one report",
                              epilog="Exit codes: 0 passed, 1 failing at or above --fail-on, 2 usage/fatal error.")
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON reports of `audit --format json`; - is stdin")
    p.add_argument("--format", choices=_formats(), default="table", help="default: table")
    p.add_argument("--output", metavar="FILE", help="write the report here instead of stdout")
    p.add_argument("--fail-on", type=str.lower, choices=SEVERITIES, default="low", metavar="SEVERITY",
                   help=f"exit 1 when something at or above this fails; one of {', '.join(SEVERITIES)} (default: low)")
    p.add_argument("--errors-ok", action="store_true", help="ERROR findings do not cause exit 1")
    p.add_argument("--quiet", action="store_true", help="no summary line on stderr")
    p.set_defaults(handler=run_merge)


def _formats() -> tuple[str, ...]:
    import checks.cli

    return checks.cli.FORMATS


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
    import sys

    from checks.audit import exit_code
    from checks.cli import FatalError
    from checks.merge.core import MergeError, controls_of, load_part, merge_parts
    from checks.model import Severity
    from checks.report import ReportOptions, render, summary_line

    try:  # everything is read and checked before anything is written
        parts = [load_part(_read(name), name) for name in args.files]
        run = merge_parts(parts)
    except MergeError as exc:
        raise FatalError(str(exc)) from None
    fail_on = Severity.parse(args.fail_on, option="--fail-on")
    options = ReportOptions(fail_on=fail_on, errors_ok=args.errors_ok)
    text = render(args.format, run, controls_of(parts), options)
    if args.output:
        from checks.report.files import ReportWriteError, write_atomic

        try:
            write_atomic(args.output, text)
        except ReportWriteError as exc:
            raise FatalError(f"--output {exc.path}: cannot write the report: {exc.reason}.") from None
        if not args.quiet:
            print(f"trailguard: {summary_line(run, options)} Report written to {args.output}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return exit_code(run, fail_on, errors_ok=args.errors_ok)
