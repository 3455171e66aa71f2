"""``trailguard`` / ``python -m checks``: list the catalog, audit an account or an organization.

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
from functools import partial

from checks import __version__
from checks.history import options as history_options
from checks.model import Severity
from checks.report.outputs import OutputError, add_output_arguments, plan_outputs

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
SEVERITIES = tuple(s.value for s in Severity)
DEFAULT_ROLE = "OrganizationAccountAccessRole"
DEFAULT_ACCOUNT_TIMEOUT_S = 300  # per audited account; mirrors checks.collect.deadline (not imported: start-up)
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


# Subcommands beyond controls/audit: functions ``register(subparsers)`` that add a parser and set
# ``handler`` (a function ``args -> exit code``) with ``set_defaults``. Their modules must import nothing
# heavy at module level, because every CLI start builds the whole parser.
_SUBCOMMANDS: list = []


def _register_verify(subparsers) -> None:  # checks/verify/command.py: argparse only at import
    from checks.verify.command import register

    register(subparsers)


def _register_merge(subparsers) -> None:  # checks/merge/: `trailguard merge FILES...`
    from checks.merge import register

    register(subparsers)


_SUBCOMMANDS.append(_register_verify)
_SUBCOMMANDS.append(_register_merge)


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

    ctl = sub.add_parser("controls", help="list the control catalog")
    ctl.add_argument("--format", choices=("table", "json"), default="table", help="default: table")
    ctl.set_defaults(handler=_cmd_controls)

    aud = sub.add_parser("audit", help="audit one account (default) or an organization (--org)",
                         epilog="Exit codes: 0 passed, 1 failing at or above --fail-on, 2 usage/fatal error.")
    aws = aud.add_argument_group("AWS access")
    aws.add_argument("--profile", help="AWS profile name (default: the SDK's credential chain)")
    aws.add_argument("--region", help="region for the first calls (default: AWS_REGION / profile)")
    aws.add_argument("--endpoint-url", type=_endpoint,
                     help="send every AWS call here, e.g. a local emulator (AWS_ENDPOINT_URL is honoured too)")
    aws.add_argument("--account-timeout", type=_seconds, metavar="SECONDS", default=DEFAULT_ACCOUNT_TIMEOUT_S,
                     help="stop reading an account after this long; its controls become ERROR "
                          f"(default: {DEFAULT_ACCOUNT_TIMEOUT_S})")
    sel = aud.add_argument_group("what to check")
    sel.add_argument("--controls", type=_csv, metavar="IDS", help="only these control ids (comma-separated)")
    sel.add_argument("--skip", type=_csv, metavar="IDS", help="leave out these control ids (comma-separated)")
    sel.add_argument("--required-tags", type=_csv, metavar="KEYS",
                     help="tag keys every trail must carry (cloudtrail_trail_tagged)")
    sel.add_argument("--waivers", metavar="FILE", help="YAML or JSON waiver file (see docs/audit.md)")
    out = aud.add_argument_group("output and exit code")
    add_output_arguments(out)  # --format, --output, --output-dir, --verbose (shared with other commands)
    add_gate_arguments(out)
    org = aud.add_argument_group("organization mode")
    org.add_argument("--org", action="store_true", help="audit every account of the AWS Organization")
    org.add_argument("--role-name", help=f"role to assume in each account (default: {DEFAULT_ROLE})")
    org.add_argument("--external-id", help="sts:AssumeRole external id")
    org.add_argument("--accounts", type=_accounts, metavar="IDS", help="only these 12-digit account ids")
    org.add_argument("--exclude-accounts", type=_accounts, metavar="IDS", help="leave out these account ids")
    org.add_argument("--workers", type=_workers, metavar="N", help="accounts audited at once, 1-64 (default: 8)")
    org.add_argument("--processes", type=_processes, metavar="N",
                     help="processes auditing accounts side by side, each with --workers threads, 1-64 "
                          "(default: the CPU cores available, fewer for small organizations; 1: one process)")
    org.add_argument("--shard", type=_shard, metavar="K/N",
                     help="audit only shard K of N (stable account hash); combine the JSON reports with `merge`")
    history_options.add_arguments(aud)  # --history-days, --deployer-role (issue 14)
    aud.set_defaults(subparser=aud, handler=_cmd_audit)  # later checks use the audit usage line
    for register in _SUBCOMMANDS:  # each further subcommand adds its own parser and handler
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


def _select(parser, args):
    from checks.catalog import select

    try:
        chosen = select(args.controls, args.skip)
    except ValueError as exc:
        parser.error(str(exc))
    # Stack-only controls judge Pulumi plans (e.g. the key's lockout-safety flag); AWS has no live
    # equivalent, so asking for one in an audit is a usage error rather than a silent no-op.
    stack_only = [c.id for c in chosen if "live" not in c.targets]
    if args.controls and stack_only:
        parser.error(f"--controls: {', '.join(stack_only)} only apply to Pulumi stacks (policy pack), not "
                     f"to a live audit.")
    chosen = [c for c in chosen if "live" in c.targets]
    if not chosen:
        parser.error("--controls/--skip: no controls left to audit.")
    return chosen


def _check_org_flags(parser, args) -> None:
    if args.org:
        return
    given = [f"--{n.replace('_', '-')}" for n in ("role_name", "external_id", "accounts", "exclude_accounts",
                                                   "workers", "processes", "shard")
             if getattr(args, n) is not None]
    if given:
        parser.error(f"{', '.join(given)} only apply with --org.")


@contextmanager
def _endpoint_env(url: str | None):
    """--endpoint-url as AWS_ENDPOINT_URL for the run, so sessions made later (assumed roles) use it too."""
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
        where = getattr(exc, "kwargs", {}).get("endpoint_url") or os.environ.get("AWS_ENDPOINT_URL") or "AWS"
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


def _run(args, controls):
    import boto3

    session = boto3.Session(profile_name=args.profile, region_name=args.region)
    _check_region(args.subparser, session, args.region)
    if not session.region_name and os.environ.get("AWS_REGION"):
        # botocore reads only AWS_DEFAULT_REGION; the other AWS SDKs and the CLI v2 read AWS_REGION too.
        session = boto3.Session(profile_name=args.profile, region_name=os.environ["AWS_REGION"])
    if not session.region_name:
        raise FatalError("no AWS region: pass --region or set AWS_REGION (or AWS_DEFAULT_REGION).")
    from checks.collect.slim_models import use_slim_models

    use_slim_models(session)  # our own Session: ec2 with DescribeRegions only (~100 ms less CPU)
    if not args.org:
        from checks.audit import audit_account

        return audit_account(session, controls, required_tags=tuple(args.required_tags or ()),
                             account_timeout=args.account_timeout)
    try:
        import checks.org as org_mode
        from checks.org import audit_organization
    except ImportError as exc:
        if exc.name != "checks.org":
            raise
        raise FatalError("--org: organization mode is not available in this build (checks.org is missing).")
    from checks.progress import make_progress

    nothing_to_audit = getattr(org_mode, "NothingToAudit", ())
    if getattr(args, "shard", None) is not None:  # checks/org_shard.py: one slice, plus what `merge` needs
        from checks.org_shard import audit_shard

        audit_organization = partial(audit_shard, args.shard)
    try:
        return audit_organization(
            session, controls, role_name=args.role_name or DEFAULT_ROLE, external_id=args.external_id,
            accounts=args.accounts, exclude_accounts=args.exclude_accounts, workers=args.workers or 8,
            progress=make_progress(quiet=args.quiet), required_tags=tuple(args.required_tags or ()),
            account_timeout=args.account_timeout, processes=args.processes,
        )
    except nothing_to_audit as exc:  # a run that audits nothing must not pass a pipeline gate
        raise FatalError(f"--org: {exc}") from None


def _home_region(args) -> str:
    return getattr(args, "region", None) or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or ""


def _cmd_audit(args) -> int:
    parser = args.subparser
    _check_org_flags(parser, args)
    controls = history_options.apply(parser, args, _select(parser, args))
    fail_on = Severity.parse(args.fail_on, option="--fail-on")
    destinations, generated_at = plan_destinations(args)  # before any AWS call, like every other usage error
    waivers = []
    if args.waivers:
        from checks.catalog import all_controls
        from checks.waivers import load_waivers

        from checks.waivers import WaiverError

        try:  # before any AWS call: a typo in the waiver file should cost nothing
            waivers = load_waivers(args.waivers, known_ids=[c.id for c in all_controls()])
        except WaiverError as exc:
            raise FatalError(str(exc)) from None
    with _endpoint_env(args.endpoint_url):
        try:
            run = _run(args, controls)
        except FatalError:
            raise
        except Exception as exc:
            message = _fatal_message(exc, args)
            if message is None:
                raise
            raise FatalError(message) from None
    if waivers:
        from checks.waivers import apply_waivers

        run = apply_waivers(run, waivers, today=dt.date.today())
    return emit_report(args, run, controls, fail_on, destinations, generated_at)


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


def _check_region(parser, session, region: str | None) -> None:
    """--region must be a region of some AWS partition botocore knows (a typo would reach no endpoint)."""
    if not region:
        return
    known = {r for p in session.get_available_partitions()
             for r in session.get_available_regions("cloudtrail", partition_name=p)}
    if region not in known:
        examples = ", ".join(r for r in ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1") if r in known)
        parser.error(f"argument --region: {region!r} is not an AWS region; expected one of the {len(known)} "
                     f"regions botocore knows, e.g. {examples}")


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
