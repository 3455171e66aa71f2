"""`python -m sandbox demo|plan`: the local sandbox (see sandbox/__init__.py)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox",
        description="Provision trailguard's Pulumi program into a local AWS emulator (moto) and audit it. "
                    "No AWS account and no Pulumi CLI needed; nothing leaves 127.0.0.1.",
    )
    sub = parser.add_subparsers(dest="command", metavar="{demo,plan}")
    sub.required = True
    demo = sub.add_parser("demo", help="plan, policy pack, deploy, seed a legacy account, audit, write reports")
    demo.add_argument("--out", type=Path, default=Path("out"), help="report directory (default: ./out)")
    plan = sub.add_parser("plan", help="print the resource tree and the policy pack verdicts (no AWS at all)")
    plan.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                      help="override a stack setting, e.g. --set disableLogFileValidation=true (repeatable)")
    return parser


def _plan(settings: list[str]) -> int:
    from sandbox.demo import demo_config
    from sandbox.deployer import DEFAULT_ACCOUNT, plan
    from sandbox.plan import render_tree, render_verdicts, run_policy_pack

    # The plan never talks to an emulator: placeholders stand in for the organization and the alarm
    # queue the demo creates there, so `make plan` shows the very stack `make demo` deploys.
    config = demo_config("o-sandbox0000", DEFAULT_ACCOUNT, f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:trailguard-alarms")
    for item in settings:
        key, sep, value = item.partition("=")
        if not sep or not key:
            print(f"--set: {item!r} is not KEY=VALUE.", file=sys.stderr)
            return 2
        config[key if ":" in key else f"trailguard:{key}"] = value
    from components.errors import SettingsError

    try:
        resources = plan(config)
    except SettingsError as exc:  # a bad --set value: the sentence, not a traceback
        print(f"trailguard sandbox: {exc}", file=sys.stderr)
        return 2
    print(render_tree(resources))
    verdicts = run_policy_pack(resources)
    print(render_verdicts(verdicts))
    return 1 if any(v.status == "VIOLATION" for v in verdicts) else 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "plan":
        return _plan(args.set)
    from sandbox.demo import main as demo_main

    return demo_main(args.out)


if __name__ == "__main__":
    raise SystemExit(main())
