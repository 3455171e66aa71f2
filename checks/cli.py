"""``trailguard`` / ``python -m checks``: a table of commands (controls, audit, verify, merge; ``_SUBCOMMANDS``)
and what they share: argument types, the exit-code gate, fatal-error wording and report emission.
The audit command is checks/audit_cli.py over the library API, checks/api.py.

Exit codes: 0 nothing fails at or above --fail-on; 1 something does (FAIL, and ERROR unless --errors-ok);
2 usage errors and fatal errors (no credentials, unknown profile, endpoint unreachable, bad waiver file).
boto3, botocore and the collectors are imported only inside the audit command, so ``--help`` and
``controls`` answer without loading them (bench/startup.py measures it).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from contextlib import contextmanager

from checks import __version__
from checks.model import Severity
from checks.report.outputs import OutputError, plan_outputs

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
SEVERITIES = tuple(s.value for s in Severity)
_ACCOUNT = re.compile(r"^\d{12}$")


class FatalError(Exception):
    """A run that cannot go on (credentials, endpoint, files): one sentence on stderr, exit 2."""


# --- argument types: each error names the value and what is allowed; argparse adds the option name ---


def _csv(value: str) -> list[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    if not items:
        raise argparse.ArgumentTypeError(f"{value!r} has no items; expected a comma-separated list")
    return list(dict.fromkeys(items))


def _accounts(value: str) -> list[str]:
    items = _csv(value)
    bad = [i for i in items if not _ACCOUNT.match(i)]
    if bad:
        raise argparse.ArgumentTypeError(
            f"{', '.join(map(repr, bad))} is not a 12-digit AWS account id; expected e.g. 123456789012,210987654321")
    return items


def _workers(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= 64:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number from 1 to 64")
    return n


def _processes(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= 64:  # checks.org_procs.MAX_PROCESSES (not imported: start-up)
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number from 1 to 64")
    return n


def _seconds(value: str) -> float:
    try:
        n = float(value)
    except ValueError:
        n = 0.0
    if not 1 <= n <= 86400:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds from 1 to 86400")
    return n


def _shard(value: str):
    from checks.org_shard import parse_shard

    try:
        return parse_shard(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _endpoint(value: str) -> str:
    if not re.match(r"^https?://[^/\s]+", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a URL; expected http(s)://host[:port]")
    return value


# The command table: functions ``register(subparsers)`` that add a parser and set ``handler`` (a function
# ``args -> exit code``) with ``set_defaults``, in the order ``--help`` lists them. Their modules must import
# nothing heavy at module level, because every CLI start builds the whole parser.
def _register_controls(subparsers) -> None:
    ctl = subparsers.add_parser("controls", help="list the control catalog")
    ctl.add_argument("--format", choices=("table", "json"), default="table", help="default: table")
    ctl.set_defaults(handler=_cmd_controls)


def _register_audit(subparsers) -> None:  # checks/audit_cli.py over checks/api.py
    from checks.audit_cli import register

    register(subparsers)


def _register_verify(subparsers) -> None:  # checks/verify/command.py: argparse only at import
    from checks.verify.command import register

    register(subparsers)


def _register_merge(subparsers) -> None:  # checks/merge/: `trailguard merge FILES...`
    from checks.merge import register

    register(subparsers)


_SUBCOMMANDS: list = [_register_controls, _register_audit, _register_verify, _register_merge]


def add_gate_arguments(group) -> None:
    """--fail-on, --errors-ok and --quiet: the exit-code gate every command that reports findings shares."""
    group.add_argument("--fail-on", type=str.lower, choices=SEVERITIES, default="low", metavar="SEVERITY",
                       help=f"exit 1 when something at or above this fails; one of {', '.join(SEVERITIES)}"
                            " (default: low)")
    group.add_argument("--errors-ok", action="store_true",
                       help="ERROR findings (data could not be read) do not cause exit 1")
    group.add_argument("--quiet", action="store_true", help="no progress or summary lines on stderr")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trailguard",
        description="Audit AWS CloudTrail against the trailguard control catalog.",
        epilog="Exit codes: 0 passed, 1 failing findings at or above --fail-on, 2 usage or fatal error.",
    )
    parser.add_argument("--version", action="version", version=f"trailguard {__version__}")
    sub = parser.add_subparsers(dest="command")
    sub.required = True

    for register in _SUBCOMMANDS:  # each command adds its own parser and handler
        register(sub)
    return parser


# --- commands ---------------------------------------------------------------------------------------


def _cmd_controls(args) -> int:
    from checks.catalog import all_controls

    controls = all_controls()
    if args.format == "json":
        import json

        print(json.dumps([c.to_dict() for c in controls], indent=2))
        return EXIT_OK
    from tabulate import tabulate

    rows = [(c.id, c.ref, c.severity.value, c.title, ",".join(sorted(c.targets)),
             "\n".join(f.label() for f in c.frameworks) or "-") for c in controls]
    print(tabulate(rows, headers=("id", "ref", "severity", "title", "targets", "frameworks"), tablefmt="simple",
                   maxcolwidths=[None, None, None, 48, None, 44]))
    return EXIT_OK


@contextmanager
def _endpoint_env(url: str | None):
    """--endpoint-url as AWS_ENDPOINT_URL for the run: only `verify` still uses it; `audit` passes the endpoint
    to its clients explicitly (checks/endpoint_session.py) and changes no environment variable."""
    if not url:
        yield
        return
    old = os.environ.get("AWS_ENDPOINT_URL")
    os.environ["AWS_ENDPOINT_URL"] = url
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("AWS_ENDPOINT_URL", None)
        else:
            os.environ["AWS_ENDPOINT_URL"] = old


def _fatal_message(exc: Exception, args) -> str | None:
    """One sentence for the AWS failures that end a run; None for anything unexpected."""
    from botocore import exceptions as bx

    if isinstance(exc, bx.ProfileNotFound):
        return f"--profile: AWS profile {args.profile!r} is not in the AWS config or credentials files."
    if isinstance(exc, (bx.NoCredentialsError, bx.PartialCredentialsError)):
        return ("no usable AWS credentials: pass --profile, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID "
                "and AWS_SECRET_ACCESS_KEY.")
    if isinstance(exc, bx.NoRegionError):
        return "no AWS region: pass --region or set AWS_REGION (or AWS_DEFAULT_REGION)."
    if isinstance(exc, bx.ConnectionError):  # EndpointConnectionError, ConnectTimeoutError, ...
        where = getattr(exc, "kwargs", {}).get("endpoint_url") or getattr(args, "endpoint_url", None) \
            or os.environ.get("AWS_ENDPOINT_URL") or "AWS"
        return f"cannot reach {where}: check --endpoint-url / AWS_ENDPOINT_URL and the network."
    if isinstance(exc, bx.ReadTimeoutError):  # the endpoint accepts connections but does not answer
        where = getattr(exc, "kwargs", {}).get("endpoint_url") or "AWS"
        return f"{where} did not answer (read timeout, 2 attempts): check --endpoint-url / AWS_ENDPOINT_URL."
    if isinstance(exc, bx.ClientError):
        err = exc.response.get("Error", {})
        return (f"AWS refused {exc.operation_name} ({err.get('Code', 'unknown error')}): "
                f"{err.get('Message', '').rstrip('.')}.")
    if isinstance(exc, bx.BotoCoreError):
        return f"AWS SDK error: {str(exc).rstrip('.')}."
    return None


def _home_region(args) -> str:
    return getattr(args, "region", None) or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or ""


def plan_destinations(args) -> tuple[list, dt.datetime]:
    """Where the reports go (--format/--output/--output-dir), decided before any AWS call; usage error else."""
    generated_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    try:
        return plan_outputs(args, generated_at), generated_at
    except OutputError as exc:
        args.subparser.error(str(exc))


def emit_report(args, run, controls, fail_on: Severity, destinations, generated_at: dt.datetime) -> int:
    """Render and write every destination, print notes and the summary, and return the exit code.

    Shared by every command that produces an AuditRun (audit, verify, merge), so formats, atomic files,
    notes and exit codes are the same everywhere.
    """
    from checks.audit import exit_code
    from checks.report import ReportOptions, summary_line
    from checks.report.files import ReportWriteError
    from checks.report.outputs import terminal_options, write_outputs

    options = terminal_options(ReportOptions(fail_on=fail_on, errors_ok=args.errors_ok, verbose=args.verbose,
                                             generated_at=generated_at, region=_home_region(args)), sys.stdout)
    try:
        written = write_outputs(run, controls, destinations, options)
    except ReportWriteError as exc:
        raise FatalError(f"--output {exc.path}: cannot write the report: {exc.reason}.") from None
    for note in run.notes:  # expired waivers, skipped accounts: visible even when the report is a file
        print(f"trailguard: note: {note}", file=sys.stderr)
    if written and not args.quiet:
        print(f"trailguard: {summary_line(run, options)} Report{'s' if len(written) > 1 else ''} written to "
              f"{', '.join(written)}.", file=sys.stderr)
    return exit_code(run, fail_on, errors_ok=args.errors_ok)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.handler(args)
    except SystemExit as exc:  # argparse: --help/--version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except FatalError as exc:
        print(f"trailguard: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("trailguard: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `trailguard audit | head`: the reader left; nothing more to say
        return EXIT_USAGE
    except Exception as exc:  # a bug: still one line by default, the traceback on request
        if os.environ.get("TRAILGUARD_DEBUG"):
            raise
        print(f"trailguard: error: unexpected {type(exc).__name__}: {exc} (set TRAILGUARD_DEBUG=1 for the "
              "traceback).", file=sys.stderr)
        return EXIT_USAGE
