"""The emulator's ListPublicKeys answer against botocore's CloudTrail service model (not our own copy)."""
from __future__ import annotations

import base64
import datetime as dt

import botocore.session
import pytest

from sandbox import publickeys

UTC = dt.timezone.utc
T = dt.datetime(2026, 3, 1, tzinfo=UTC)
DER = bytes.fromhex("300d0206") + b"\x01" * 4  # any bytes: the answer shape is under test here


def output_shape():
    model = botocore.session.get_session().get_service_model("cloudtrail")
    return model.operation_model("ListPublicKeys").output_shape


def conforms(value, shape) -> list[str]:
    """Where ``value`` (the JSON answer) breaks ``shape``: unknown members or wrong wire types."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{shape.name}: not an object"]
        bad = [f"{shape.name}.{k}: not in the model" for k in value if k not in shape.members]
        return bad + [e for k, v in value.items() if k in shape.members for e in conforms(v, shape.members[k])]
    if kind == "list":
        return [e for item in value for e in conforms(item, shape.member)] if isinstance(value, list) else [
            f"{shape.name}: not a list"]
    expected = {"string": str, "blob": str, "timestamp": (int, float), "boolean": bool}.get(kind, object)
    return [] if isinstance(value, expected) else [f"{shape.name}: {type(value).__name__} is not {kind}"]


@pytest.fixture(autouse=True)
def _keys():
    publickeys.clear()
    yield
    publickeys.clear()


def test_list_public_keys_answer_matches_botocore_model():
    publickeys.add_public_key("us-east-1", DER, T, T + dt.timedelta(days=30))
    answer = publickeys.response("us-east-1", {"StartTime": T.timestamp(), "EndTime": T.timestamp() + 3600})
    assert conforms(answer, output_shape()) == []
    assert set(answer["PublicKeyList"][0]) == set(output_shape().members["PublicKeyList"].member.members)
    assert base64.b64decode(answer["PublicKeyList"][0]["Value"]) == DER


@pytest.mark.parametrize("start_h, end_h, found", [
    (-5, -1, False),  # entirely before the key's validity
    (-1, 1, True),  # overlaps its start
    (10, 20, True),  # inside
    (24 * 30 - 1, 24 * 31, True),  # overlaps its end
    (24 * 31, 24 * 32, False),  # after
])
def test_list_public_keys_selects_keys_overlapping_the_range(start_h, end_h, found):
    """API reference: ListPublicKeys "returns the public keys whose private keys were used to sign the
    digest files within the specified time range" (the keys valid in it)."""
    publickeys.add_public_key("us-east-1", DER, T, T + dt.timedelta(days=30))
    params = {"StartTime": (T + dt.timedelta(hours=start_h)).timestamp(),
              "EndTime": (T + dt.timedelta(hours=end_h)).timestamp()}
    assert bool(publickeys.response("us-east-1", params)["PublicKeyList"]) is found


def test_list_public_keys_are_per_region_and_default_to_now():
    """"CloudTrail uses different private/public key pairs per region"; no StartTime means now."""
    publickeys.add_public_key("eu-west-1", DER, T, T + dt.timedelta(days=1))
    assert publickeys.response("us-east-1", {"StartTime": T.timestamp()})["PublicKeyList"] == []
    assert publickeys.response("eu-west-1", {}, now=T + dt.timedelta(hours=2))["PublicKeyList"]
    assert publickeys.response("eu-west-1", {}, now=T + dt.timedelta(days=2))["PublicKeyList"] == []


def test_list_public_keys_rejects_a_naive_or_empty_validity():
    with pytest.raises(ValueError, match="timezone-aware"):
        publickeys.add_public_key("us-east-1", DER, T.replace(tzinfo=None), T + dt.timedelta(days=1))
    with pytest.raises(ValueError, match="start < end"):
        publickeys.add_public_key("us-east-1", DER, T, T)
