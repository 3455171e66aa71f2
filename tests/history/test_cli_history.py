"""--history-days and --deployer-role: validated before any AWS call, clear errors naming the option."""
from __future__ import annotations

import pytest

from checks.cli import build_parser, main
from checks.history import options


@pytest.mark.parametrize("value,expected", [("1", 1), ("7", 7), ("90", 90), ("off", None), ("OFF", None)])
def test_history_days_accepts_1_to_90_or_off(value, expected):
    args = build_parser().parse_args(["audit", "--history-days", value])
    assert args.history_days == expected


def test_history_days_defaults_to_7():
    assert build_parser().parse_args(["audit"]).history_days == 7


@pytest.mark.parametrize("value", ["0", "91", "-3", "seven", "7.5", ""])
def test_history_days_rejects_anything_else_naming_the_option_and_the_range(value, capsys):
    assert main(["audit", "--history-days", value]) == 2
    err = capsys.readouterr().err
    assert "--history-days" in err and "from 1 to 90, or 'off'" in err


@pytest.mark.parametrize("value,names", [
    ("trailguard-deployer", ["trailguard-deployer"]),
    ("arn:aws:iam::123456789012:role/ci/trailguard-deployer,ops", ["trailguard-deployer", "ops"]),
])
def test_deployer_role_takes_names_or_arns(value, names):
    assert build_parser().parse_args(["audit", "--deployer-role", value]).deployer_role == names


@pytest.mark.parametrize("value", ["arn:aws:iam::123:role/x", "bad role", "arn:aws:iam::123456789012:user/bob"])
def test_deployer_role_rejects_what_is_not_a_role(value, capsys):
    assert main(["audit", "--deployer-role", value]) == 2
    assert "--deployer-role" in capsys.readouterr().err


def test_history_off_drops_the_history_controls_and_keeps_the_rest():
    from checks.catalog import all_controls

    parser = build_parser()
    args = parser.parse_args(["audit", "--history-days", "off"])
    kept = options.apply(parser, args, [c for c in all_controls() if "live" in c.targets])
    assert kept and not [c for c in kept if c.family == "history"]


@pytest.mark.parametrize("argv", [
    ["--history-days", "off", "--controls", "cloudtrail_logging_continuous"],
    ["--history-days", "off", "--deployer-role", "trailguard-deployer"],
])
def test_history_off_with_history_only_options_is_a_usage_error(argv, capsys):
    assert main(["audit", *argv]) == 2
    assert "--history-days off" in capsys.readouterr().err


def test_history_days_set_the_run_window(monkeypatch):
    monkeypatch.setattr(options, "_current", options.HistoryOptions())
    parser = build_parser()
    args = parser.parse_args(["audit", "--history-days", "30", "--deployer-role", "deployer"])
    options.apply(parser, args, [])
    assert options.current() == options.HistoryOptions(days=30, deployer_roles=("deployer",))
