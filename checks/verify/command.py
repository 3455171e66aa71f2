"""``trailguard verify``: the argparse entry (registered in ``checks.cli._SUBCOMMANDS``).

Same output formats, ``--output``, ``--fail-on``/``--errors-ok`` and exit codes as ``audit``: findings are
``checks.model.Finding`` rendered by ``checks.report.render``. Nothing heavy is imported at module level.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
DEFAULT_WINDOW = dt.timedelta(hours=24)


def _time(value: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO 8601 time; expected e.g. 2026-01-31T13:00:00Z or 2026-01-31") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)  # no zone: UTC, as CloudTrail


def _regions(value: str) -> list[str]:
    from checks.cli import _csv

    items = _csv(value)
    bad = [i for i in items if not _REGION.match(i)]
    if bad:
        raise argparse.ArgumentTypeError(f"{', '.join(map(repr, bad))} is not an AWS region name; expected e.g. "
                                         "us-east-1,eu-west-1")
    return items


def register(subparsers) -> None:
    from checks.cli import _accounts, _endpoint, _workers, add_gate_arguments
    from checks.report.outputs import add_output_arguments

    ver = subparsers.add_parser(
        "verify", help="prove log files intact with CloudTrail's signed digest chain (CT-06)",
        description="Validate CloudTrail digest and log files (AWS's documented algorithm: SHA256withRSA "
                    "digest signatures, SHA-256 log hashes, the digest chain). Read-only: S3 List/Get, "
                    "CloudTrail DescribeTrails and ListPublicKeys.",
        epilog="Exit codes: 0 passed, 1 failing at or above --fail-on, 2 usage/fatal error.")
    aws = ver.add_argument_group("AWS access")
    aws.add_argument("--profile", help="AWS profile name (default: the SDK's credential chain)")
    aws.add_argument("--region", help="region for the first calls (default: AWS_REGION / profile)")
    aws.add_argument("--endpoint-url", type=_endpoint, help="send every AWS call here, e.g. a local emulator")
    sel = ver.add_argument_group("what to verify")
    sel.add_argument("--trail", metavar="NAME|ARN", help="the trail (default: the only one that fits)")
    sel.add_argument("--start", type=_time, metavar="TIME", help="ISO time (default: --end minus 24 hours)")
    sel.add_argument("--end", type=_time, metavar="TIME", help="ISO time (default: now)")
    sel.add_argument("--org", action="store_true",
                     help="every member account and region under AWSLogs/<o-id>/ of the organization trail")
    sel.add_argument("--accounts", type=_accounts, metavar="IDS", help="only these 12-digit account ids")
    sel.add_argument("--regions", type=_regions, metavar="NAMES", help="only these regions (comma-separated)")
    sel.add_argument("--workers", type=_workers, metavar="N", help="concurrent S3 calls, 1-64 (default: 16)")
    out = ver.add_argument_group("output and exit code")
    add_output_arguments(out)
    add_gate_arguments(out)
    ver.set_defaults(handler=run_command, subparser=ver)


def _window(parser, args) -> tuple[dt.datetime, dt.datetime]:
    end = args.end or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    start = args.start or end - DEFAULT_WINDOW
    if start >= end:
        parser.error(f"--start {start.isoformat()} is not before --end {end.isoformat()}.")
    return start, end


def run_command(args) -> int:
    from checks.cli import FatalError, _endpoint_env, _fatal_message
    from checks.model import Severity

    from checks.cli import plan_destinations

    parser = args.subparser
    start, end = _window(parser, args)
    fail_on = Severity.parse(args.fail_on, option="--fail-on")
    destinations, generated_at = plan_destinations(args)  # usage errors before any AWS call
    with _endpoint_env(args.endpoint_url):
        try:
            outcome = _verify(args, start, end)
        except FatalError:
            raise
        except Exception as exc:
            from checks.verify.run import VerifyError

            if isinstance(exc, VerifyError):
                raise FatalError(str(exc)) from None
            message = _fatal_message(exc, args)
            if message is None:
                raise
            raise FatalError(message) from None
    return _report(args, outcome.run, fail_on, destinations, generated_at)


def _verify(args, start, end):
    import boto3

    from checks.cli import FatalError
    from checks.verify.progress import make_file_progress
    from checks.verify.run import Request, verify

    session = boto3.Session(profile_name=args.profile, region_name=args.region or os.environ.get("AWS_REGION"))
    if not session.region_name:
        raise FatalError("no AWS region: pass --region or set AWS_REGION (or AWS_DEFAULT_REGION).")
    req = Request(trail=args.trail, start=start, end=end, org=args.org, accounts=args.accounts,
                  regions=args.regions, workers=args.workers or 16)
    return verify(session, req, progress=make_file_progress(quiet=args.quiet))


def _report(args, run, fail_on, destinations, generated_at) -> int:
    from checks.catalog import all_controls
    from checks.cli import emit_report

    controls = [c for c in all_controls() if "verify" in c.targets]
    return emit_report(args, run, controls, fail_on, destinations, generated_at)
