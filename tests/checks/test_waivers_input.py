"""Waiver files that can't be read say why, naming --waivers, the format, the entry and the field."""
from __future__ import annotations

import datetime as dt

import pytest

from checks.waivers import WaiverError, load_waivers

KNOWN = ["cloudtrail_kms_encryption_enabled"]
ENTRY = "- control_id: cloudtrail_kms_encryption_enabled\n  resource: '*'\n  reason: r\n  expires: {expires}\n"


@pytest.mark.parametrize("expires", ["2026-02-30", "2026-13-01", "2026-9-31"])
def test_invalid_unquoted_yaml_date_names_yaml_entry_and_field(tmp_path, expires):
    path = tmp_path / "waivers.yaml"
    path.write_text(ENTRY.format(expires=expires) * 2, encoding="utf-8")
    with pytest.raises(WaiverError) as err:
        load_waivers(path, known_ids=KNOWN)
    assert str(err.value) == (f"--waivers {path} (YAML): entry 0 field 'expires': {expires!r} is not a date; "
                              "use YYYY-MM-DD.")


@pytest.mark.parametrize("expires", ["2026-09-30", "'2026-09-30'", "2026-09-30T10:00:00Z"])
def test_valid_yaml_dates_still_parse(tmp_path, expires):
    path = tmp_path / "waivers.yml"
    path.write_text(ENTRY.format(expires=expires), encoding="utf-8")
    if "T" in expires:  # a timestamp is not the documented YYYY-MM-DD form
        with pytest.raises(WaiverError, match="field 'expires'"):
            load_waivers(path, known_ids=KNOWN)
        return
    [w] = load_waivers(path, known_ids=KNOWN)
    assert w.expires == dt.date(2026, 9, 30)


@pytest.mark.parametrize("data", [b"\xff\xfe- control_id: x\n", "- reason: caf\u00e9\n".encode("latin-1")])
def test_non_utf8_file_names_waivers_option(tmp_path, data):
    path = tmp_path / "waivers.yaml"
    path.write_bytes(data)
    with pytest.raises(WaiverError, match=r"^--waivers .*: not UTF-8 text \(byte 0x[0-9a-f]{2} at offset \d+\)"):
        load_waivers(path, known_ids=KNOWN)


def test_cli_non_utf8_waiver_file_exits_2_naming_waivers(tmp_path, capsys):
    from checks.cli import main

    path = tmp_path / "w.yaml"
    path.write_bytes(b"\xff")
    assert main(["audit", "--waivers", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"trailguard: error: --waivers {path}: not UTF-8 text")
