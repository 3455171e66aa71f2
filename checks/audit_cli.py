"""``trailguard audit``: the argparse entry over the library API (checks/api.py), one row of the CLI's table.

The parser turns flags into an :class:`~checks.api.AuditRequest`; the API's errors carry request field
names and values, and ``usage_message`` words them with this command's flags. Nothing heavy at import.
"""
from __future__ import annotations

from checks.api import DEFAULT_ACCOUNT_TIMEOUT_S, DEFAULT_ROLE, AuditRequest
from checks.history import options as history_options


def register(subparsers) -> None:
    from checks.cli import _accounts, _csv, _endpoint, _processes, _seconds, _shard, _workers, add_gate_arguments
    from checks.report.outputs import add_output_arguments

    aud = subparsers.add_parser("audit", help="audit one account (default) or an organization (--org)",
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
    aud.set_defaults(subparser=aud, handler=run_command)  # later checks use the audit usage line


def request_from_args(args, waivers=()) -> AuditRequest:
    return AuditRequest(
        controls=args.controls, skip=args.skip, endpoint_url=args.endpoint_url, region=args.region,
        profile=args.profile, required_tags=tuple(args.required_tags or ()), account_timeout=args.account_timeout,
        history_days=args.history_days, deployer_roles=tuple(args.deployer_role or ()), waivers=tuple(waivers),
        org=args.org, role_name=args.role_name, external_id=args.external_id, accounts=args.accounts,
        exclude_accounts=args.exclude_accounts, workers=args.workers, processes=args.processes, shard=args.shard)


def _flag(field: str) -> str:
    return f"--{field.replace('_', '-')}"


def usage_message(exc) -> str:
    """An AuditInputError in this command's words (flags, not request fields)."""
    from checks.api import OrgOnlyError

    if isinstance(exc, OrgOnlyError):
        return f"{', '.join(map(_flag, exc.fields))} only apply with --org."
    if exc.fields == ("region",):
        return f"argument --region: {exc.reason}"
    if exc.fields == ("controls", "history_days"):
        return f"--controls: {', '.join(exc.values)} need history; --history-days off turns it off."
    if exc.fields == ("deployer_roles", "history_days"):
        return "--deployer-role only applies with history on; --history-days off turns it off."
    return f"{'/'.join(map(_flag, exc.fields))}: {exc.reason}"


def run_command(args) -> int:
    from checks.api import AuditError, AuditInputError, NoRegionError, audit, check_org_options, select_controls
    from checks.cli import FatalError, _fatal_message, emit_report, plan_destinations
    from checks.model import Severity

    parser = args.subparser
    request = request_from_args(args)
    try:  # usage errors first, before any file is read or any AWS call is made
        check_org_options(request)
        controls = select_controls(request)
    except AuditInputError as exc:
        parser.error(usage_message(exc))
    fail_on = Severity.parse(args.fail_on, option="--fail-on")
    destinations, generated_at = plan_destinations(args)
    waivers = []
    if args.waivers:
        from checks.catalog import all_controls
        from checks.waivers import WaiverError, load_waivers

        try:  # a typo in the waiver file should cost nothing
            waivers = load_waivers(args.waivers, known_ids=[c.id for c in all_controls()])
        except WaiverError as exc:
            raise FatalError(str(exc)) from None
    progress = None
    if args.org:
        from checks.progress import make_progress

        progress = make_progress(quiet=args.quiet)
    try:
        run = audit(request_from_args(args, waivers), progress=progress)
    except AuditInputError as exc:
        parser.error(usage_message(exc))
    except NoRegionError:
        raise FatalError("no AWS region: pass --region or set AWS_REGION (or AWS_DEFAULT_REGION).") from None
    except AuditError as exc:
        raise FatalError(f"{_flag(exc.field)}: {exc}" if exc.field else str(exc)) from None
    except Exception as exc:
        message = _fatal_message(exc, args)
        if message is None:
            raise
        raise FatalError(message) from None
    return emit_report(args, run, controls, fail_on, destinations, generated_at)
