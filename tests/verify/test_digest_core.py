"""The pure core against the CloudTrail User Guide's own examples (layout, data-signing string, keys)."""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import gzip
import hashlib
import json

import pytest

from checks.verify import digest as dg
from checks.verify.layout import UTC, Stream, days, digest_key, log_key_time, parse_digest_key

# "CloudTrail digest file structure", sample digest file contents and its log file entry
DOC_DIGEST = ("AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/"
              "111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz")
DOC_LOG = ("AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/"
           "111122223333_CloudTrail_us-east-2_20150817T1445Z_9nYN7gp2eWAJHIfT.json.gz")


@pytest.mark.parametrize("key, end, backfill, trail", [
    (DOC_DIGEST, "2015-08-17T15:01:31", False, "your-trail-name"),
    ("pre/fix/AWSLogs/o-exampleorgid/111122223333/CloudTrail-Digest/eu-west-1/2015/08/17/111122223333_"
     "CloudTrail-Digest_eu-west-1_org_trail.v2_us-east-1_20150817T150131Z.json.gz", "2015-08-17T15:01:31", False,
     "org_trail.v2"),
    (DOC_DIGEST.replace(".json.gz", "_backfill.json.gz"), "2015-08-17T15:01:31", True, "your-trail-name"),
])
def test_digest_keys_parse_per_the_documented_layout(key, end, backfill, trail):
    name = parse_digest_key(key)
    assert (name.end, name.backfill, name.trail_name) == (dt.datetime.fromisoformat(end).replace(tzinfo=UTC),
                                                         backfill, trail)


@pytest.mark.parametrize("key", [
    DOC_LOG,  # a log file is not a digest
    DOC_DIGEST.replace("CloudTrail-Digest/us-east-2", "CloudTrail-Digest/eu-west-1"),  # region mismatch
    DOC_DIGEST.replace("/111122223333_", "/999999999999_"),  # account mismatch
    DOC_DIGEST.replace(".json.gz", ".json"),
])
def test_other_objects_are_not_digests(key):
    assert parse_digest_key(key) is None


def test_log_key_time_and_digest_key_round_trip():
    assert log_key_time(DOC_LOG) == dt.datetime(2015, 8, 17, 14, 45, tzinfo=UTC)
    assert log_key_time(DOC_DIGEST) is None
    stream = Stream("b", "", "", "111122223333", "us-east-2", "your-trail-name", "us-east-2")
    assert digest_key(stream, dt.datetime(2015, 8, 17, 15, 1, 31, tzinfo=UTC)) == DOC_DIGEST
    org = Stream("b", "p/", "o-exampleorgid", "111122223333", "us-east-2", "t", "us-east-1")
    assert org.digest_day_prefix(dt.date(2015, 8, 17)) == ("p/AWSLogs/o-exampleorgid/111122223333/"
                                                          "CloudTrail-Digest/us-east-2/2015/08/17/")


def test_window_touches_each_day_once():
    start = dt.datetime(2015, 8, 30, 23, tzinfo=UTC)
    assert days(start, start + dt.timedelta(hours=26)) == [dt.date(2015, 8, 30), dt.date(2015, 8, 31),
                                                          dt.date(2015, 9, 1)]


def _content(previous_signature) -> bytes:
    return json.dumps({"digestStartTime": "2015-08-12T03:01:31Z", "digestEndTime": "2015-08-12T04:01:31Z",
            "digestS3Bucket": "S3-bucket-name", "digestS3Object": "AWSLogs/111122223333/x.json.gz",
            "digestPublicKeyFingerprint": "ab", "previousDigestSignature": previous_signature,
            "logFiles": []}).encode()


def _digest(previous_signature):
    return dg.parse("S3-bucket-name", "AWSLogs/111122223333/x.json.gz", gzip.compress(_content(previous_signature)),
                    {"signature": "00", "signature-algorithm": "SHA256withRSA"})


def test_signing_string_is_the_documented_four_lines():
    """Data_To_Sign_String = end time + '\\n' + bucket/key + '\\n' + Hex(Sha256(content)) + '\\n' + previous."""

    d = _digest("6e8540b8")
    lines = dg.signing_string(d).decode().split("\n")
    assert lines == ["2015-08-12T04:01:31Z", "S3-bucket-name/AWSLogs/111122223333/x.json.gz",
                     hashlib.sha256(_content("6e8540b8")).hexdigest(), "6e8540b8"]
    assert dg.signing_string(_digest(None)).decode().endswith("\nnull")  # a starting digest


def test_parse_rejects_what_is_not_a_digest():
    with pytest.raises(dg.DigestFormatError, match="not a gzip-compressed JSON"):
        dg.parse("b", "k", b"plain", {})
    with pytest.raises(dg.DigestFormatError, match="lacks digestPublicKeyFingerprint, .*digestEndTime"):
        dg.parse("b", "k", gzip.compress(b'{"digestStartTime": "x"}'), {})


def test_public_key_loads_from_der_base64_and_spki_and_verifies():
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pkcs1 = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    spki = private.public_key().public_bytes(serialization.Encoding.DER,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
    d = _digest("aa")
    good = private.sign(dg.signing_string(d), padding.PKCS1v15(), hashes.SHA256()).hex()
    for value in (pkcs1, base64.b64encode(pkcs1), spki, base64.b64encode(spki).decode()):
        key = dg.load_public_key(value)
        assert dg.signature_valid(dataclasses.replace(d, signature=good), key)
        edited = hashlib.sha256(_content("aa") + b" ").hexdigest()
        assert not dg.signature_valid(dataclasses.replace(d, signature=good, sha256=edited), key)
        assert not dg.signature_valid(dataclasses.replace(d, signature="zz"), key)
    with pytest.raises(ValueError):
        dg.load_public_key(b"not a key at all!")
