"""The history window and the deployer role(s): CLI options, validated, and the run's current values.

``--history-days N`` (1-90: LookupEvents keeps 90 days of management events) or ``off`` (the history
controls are not run); ``--deployer-role NAME|ARN`` (comma-separated) names the role the trailguard
stack is deployed with, whose changes to the trail's resources are reported as INFO, not FAIL.
The values live here for the run (one run per process: the CLI sets them before collecting); library
callers get the defaults, 7 days and no deployer role, or pass their own ``HistoryOptions`` to
``collect_account(history=...)``. Its ``end`` fixes the window's end (default: the collection time), its
``pacer`` (the LookupEvents token buckets, with their clock and
sleep) and ``board`` (where organization trail owners publish their history to members) default to the
process-wide ones; a caller that must not wait or share (the fault sweep) passes its own.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from checks.history.ratelimit import Pacer
    from checks.history.shared import Board
    from checks.progress import Progress

FAMILY = "history"
DEFAULT_DAYS = 7
MAX_DAYS = 90  # CloudTrail event history: the last 90 days of management events
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
_ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::\d{12}:role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]{1,64})$")


@dataclass(frozen=True)
class HistoryOptions:
    days: int = DEFAULT_DAYS
    deployer_roles: tuple[str, ...] = ()  # role names (an ARN given on the command line is reduced to its name)
    end: dt.datetime | None = None  # the window's end; None: the account's collection time
    pacer: "Pacer | None" = field(default=None, compare=False)  # None: checks.history.ratelimit.PROCESS_PACER
    board: "Board | None" = field(default=None, compare=False)  # None: checks.history.shared.BOARD
    progress: "Progress | None" = field(default=None, compare=False)  # one bar over every (region, event) lookup

    def the_pacer(self) -> "Pacer":
        from checks.history.ratelimit import PROCESS_PACER

        return self.pacer or PROCESS_PACER

    def the_board(self) -> "Board":
        from checks.history.shared import BOARD

        return self.board or BOARD


_current = HistoryOptions()


def current() -> HistoryOptions:
    return _current


def configure(options: HistoryOptions) -> None:
    global _current
    _current = options


def parse_days(value: str) -> int | None:
    """argparse type: 1-90, or "off" (None)."""
    if value.strip().lower() == "off":
        return None
    try:
        days = int(value)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of days from 1 to {MAX_DAYS}, or 'off'")
    return days


def parse_roles(value: str) -> list[str]:
    """argparse type: comma-separated role names or role ARNs -> role names."""
    names = []
    for item in (v.strip() for v in value.split(",")):
        if not item:
            continue
        arn = _ROLE_ARN.match(item)
        if arn:
            names.append(arn.group(1))
        elif _ROLE_NAME.match(item):
            names.append(item)
        else:
            raise argparse.ArgumentTypeError(
                f"{item!r} is not an IAM role name or role ARN; expected e.g. trailguard-deployer or "
                "arn:aws:iam::123456789012:role/trailguard-deployer")
    if not names:
        raise argparse.ArgumentTypeError(f"{value!r} has no role; expected a role name or ARN")
    return list(dict.fromkeys(names))


def add_arguments(parser) -> None:
    group = parser.add_argument_group("history (what happened in the window)")
    group.add_argument("--history-days", type=parse_days, default=DEFAULT_DAYS, metavar="N|off",
                       help=f"look back N days (1-{MAX_DAYS}) for logging gaps and tamper events, or 'off' "
                            f"(default: {DEFAULT_DAYS}); needs cloudtrail:LookupEvents")
    group.add_argument("--deployer-role", type=parse_roles, metavar="ROLES",
                       help="role name(s) or ARN(s) the trailguard stack deploys with: their changes to the "
                            "trail's resources are reported as INFO, not FAIL")


def apply(parser, args, controls: list) -> list:
    """Set the run's options from the CLI; with --history-days off, drop the history controls."""
    history = [c for c in controls if c.family == FAMILY]
    if args.history_days is None:
        if args.controls and history:
            parser.error(f"--controls: {', '.join(c.id for c in history)} need history; "
                         "--history-days off turns it off.")
        if args.deployer_role:
            parser.error("--deployer-role only applies with history on; --history-days off turns it off.")
        kept = [c for c in controls if c.family != FAMILY]
        if not kept:
            parser.error("--controls/--skip: no controls left to audit.")
        return kept
    progress = None
    if not getattr(args, "org", False):  # an organization run has its bar of accounts; one bar at a time
        from checks.progress import make_progress

        progress = make_progress(quiet=getattr(args, "quiet", False),
                                 counting=("history lookups", "done:", "looking up"))
    configure(HistoryOptions(days=args.history_days, deployer_roles=tuple(args.deployer_role or ()),
                             progress=progress))
    return controls
