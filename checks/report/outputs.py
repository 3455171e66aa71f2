"""Output options shared by every command that writes reports (audit, verify, merge...).

    --format json,sarif,html        one or more formats (comma-separated or repeated), default table
    --output-dir DIR                each --format to DIR/trailguard-<UTC date-time>.<extension>
    --output FORMAT=PATH            one format to one file; repeatable
    --output FILE                   the single --format to FILE (the original form)

A format with no destination goes to stdout; only one can. Every destination is decided (and every
mistake reported, naming the option and the allowed values) before the command does any work, and every
report is rendered in memory before the first file is written, so a bad option or a renderer bug leaves
no half-written set of reports. Each file is written atomically (``files.write_atomic``).

Usage: ``add_output_arguments(parser_or_group)`` while building the parser; ``plan_outputs(args, when)``
right after parsing (raises :class:`OutputError`, a usage error); ``write_outputs(run, controls, plan,
options)`` at the end.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from dataclasses import dataclass
from typing import Sequence, TextIO

from checks.report import FORMATS, REGISTRY, ReportOptions, render

FILE_PREFIX = "trailguard"
_PAIR = re.compile(r"^([a-z][a-z0-9_-]*)=(.+)$")


class OutputError(ValueError):
    """A usage error in the output options; the message names the option and the allowed values."""


@dataclass(frozen=True)
class Destination:
    fmt: str
    path: str | None  # None: stdout
    create_dir: bool = False  # --output-dir is created when missing; a plain --output's folder must exist


def _formats(value: str) -> list[str]:
    items = list(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    bad = [i for i in items if i not in REGISTRY]
    if not items or bad:
        what = ", ".join(map(repr, bad)) if bad else repr(value)
        raise argparse.ArgumentTypeError(f"{what} is not a format; allowed: {', '.join(FORMATS)} "
                                         f"(comma-separated for several)")
    return items


def add_output_arguments(group, *, default: str = "table") -> None:
    """Add --format, --output, --output-dir and --verbose to a parser or an argument group."""
    group.add_argument("--format", type=_formats, action="extend", metavar="FMT[,FMT...]", default=None,
                       help=f"one or more of {', '.join(FORMATS)}, comma-separated or repeated "
                            f"(default: {default})")
    group.add_argument("--output", action="append", metavar="FILE|FORMAT=PATH",
                       help="write the report to FILE instead of stdout; FORMAT=PATH (repeatable) writes one "
                            "format to one file")
    group.add_argument("--output-dir", metavar="DIR",
                       help=f"write each --format to DIR/{FILE_PREFIX}-<UTC date-time>.<extension>")
    group.add_argument("--verbose", action="store_true",
                       help="table: list passing findings too, not one summary line per account")
    group.set_defaults(default_format=default)


def file_name(fmt: str, when: dt.datetime) -> str:
    """``trailguard-20261130-013000.sarif``: UTC, so two runs never share a name and names sort by time."""
    return f"{FILE_PREFIX}-{when.astimezone(dt.timezone.utc):%Y%m%d-%H%M%S}.{REGISTRY[fmt].extension}"


def plan_outputs(args, when: dt.datetime) -> list[Destination]:
    """Where each format goes; raises OutputError on contradictory or unknown options."""
    pairs: list[Destination] = []
    plain: list[str] = []
    if args.output_dir is not None and not args.output_dir.strip():
        raise OutputError("--output-dir: empty; give a folder (it is created when missing).")
    for value in args.output or ():
        if not value.strip():
            raise OutputError("--output: empty; give FILE or FORMAT=PATH.")
        bare = re.match(r"^([a-z][a-z0-9_-]*)=$", value)
        if bare and bare.group(1) in REGISTRY:
            raise OutputError(f"--output {value}: no path after '='; write {value}PATH.")
        m = _PAIR.match(value)
        if m and m.group(1) in REGISTRY:
            pairs.append(Destination(m.group(1), m.group(2)))
        elif m:  # "word=..." where word is no format: a typo far likelier than such a file name
            raise OutputError(f"--output {value}: {m.group(1)!r} is not a format; allowed: {', '.join(FORMATS)} "
                              f"(write ./{value} for a file whose name contains '=').")
        else:
            plain.append(value)
    listed = list(dict.fromkeys(args.format or ())) or ([] if pairs else [args.default_format])
    out: list[Destination] = list(pairs)
    if len(plain) > 1:
        raise OutputError(f"--output: {len(plain)} plain files given ({', '.join(plain)}); use FORMAT=PATH for "
                          "several formats.")
    if plain and args.output_dir:
        raise OutputError(f"--output {plain[0]} and --output-dir: choose one, or use --output FORMAT=PATH.")
    if not listed:  # only FORMAT=PATH pairs: nothing is left for a plain file or a folder
        if plain or args.output_dir:
            what = f"--output {plain[0]}" if plain else f"--output-dir {args.output_dir}"
            raise OutputError(f"{what}: no --format to write there (the FORMAT=PATH outputs name their own); "
                              f"add --format, one of {', '.join(FORMATS)}.")
    if plain:
        if len(listed) != 1:
            raise OutputError(f"--output {plain[0]}: one file takes one format but --format lists "
                              f"{', '.join(listed)}; use --output-dir DIR or --output FORMAT=PATH.")
        out.append(Destination(listed[0], plain[0]))
    elif args.output_dir:
        out += [Destination(f, os.path.join(args.output_dir, file_name(f, when)), True) for f in listed]
    else:
        paired = {d.fmt for d in pairs}
        rest = [f for f in listed if f not in paired]
        if len(rest) > 1:
            raise OutputError(f"--format {','.join(listed)}: only one format can go to stdout; add --output-dir "
                              f"DIR, or --output FORMAT=PATH for {', '.join(rest[1:])}.")
        out += [Destination(f, None) for f in rest]
    paths = [os.path.abspath(d.path) for d in out if d.path]
    twice = sorted({p for p in paths if paths.count(p) > 1})
    if twice:
        raise OutputError(f"--output: two formats would write the same file {twice[0]}.")
    return out


def write_outputs(run, controls: Sequence, plan: Sequence[Destination], options: ReportOptions,
                  stdout: TextIO | None = None) -> list[str]:
    """Render every destination, then write them; returns the file paths written (stdout excluded).

    Raises ``files.ReportWriteError`` naming the path when a file cannot be written (files written before
    it stay: each is whole, and the error names the one that is missing).
    """
    from checks.report.files import write_atomic

    rendered = [(d, render(d.fmt, run, controls, options if d.path is None else _for_file(options)))
                for d in plan]
    written = []
    for d, text in rendered:
        if d.path is None:
            write_stream(stdout or sys.stdout, text)
            continue
        folder = os.path.dirname(d.path)
        if folder and d.create_dir:
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError as exc:
                from checks.report.files import ReportWriteError

                raise ReportWriteError(d.path, exc.strerror or str(exc)) from None
        write_atomic(d.path, text)
        written.append(d.path)
    return written


def write_stream(stream: TextIO, text: str) -> None:
    """The report on a stream; one that can't encode it (LANG=C, a cp1252 console) gets UTF-8 bytes."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            stream.write(text.encode("ascii", "replace").decode("ascii"))
        else:
            stream.flush()
            buffer.write(text.encode("utf-8"))
    stream.flush()


def _for_file(options: ReportOptions) -> ReportOptions:
    """A file never gets terminal colour or terminal-width wrapping."""
    from dataclasses import replace

    return replace(options, color=False, width=None)


def terminal_options(options: ReportOptions, stream: TextIO) -> ReportOptions:
    """Colour and width for what goes to ``stream``: only a TTY gets them, and colour only without NO_COLOR.

    Files always get neither (``write_outputs`` strips them), so one ReportOptions serves every destination.
    """
    from dataclasses import replace

    if not _isatty(stream):
        return replace(options, color=False, width=None)
    import shutil

    return replace(options, color=not os.environ.get("NO_COLOR"), width=shutil.get_terminal_size().columns)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        return False
