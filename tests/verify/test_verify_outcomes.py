"""Every CT-06 outcome on files delivered the way CloudTrail does, then tampered with in S3 (moto).

Expected verdicts follow the CloudTrail User Guide:
- "Custom implementations of CloudTrail log file integrity validation": validate the digest (original
  location, signature from x-amz-meta-signature, public key chosen by digestPublicKeyFingerprint from
  ListPublicKeys, SHA256withRSA over the data-signing string), then each log file's SHA-256 of its
  uncompressed content against logFiles.hashValue, then the previous digests through previousDigest*.
- "CloudTrail digest file structure": a digest every hour even with no activity; a starting digest has
  null previous* fields; chaining "permits validation tools like the AWS CLI to detect if a digest file
  has been deleted".
"""
from __future__ import annotations

import datetime as dt

import pytest

from checks.model import Status
from sandbox import publickeys
from verify_world import HOME, MEMBER, T0, outcomes


def statuses(outcome) -> dict[str, set]:
    found: dict[str, set] = {}
    for f in outcome.run.findings:
        found.setdefault(f.outcome, set()).add(f.status)
    return found


def test_cloudtrail_log_files_integrity_verified_pass_untouched_chain(world):
    chain = world.deliver(hours=3)
    out = world.verify()
    assert outcomes(out) == {"digest_valid": set(chain.digests)}
    assert {f.status for f in out.run.findings} == {Status.PASS}
    summary = out.summaries[f"{world.stream().account}/{HOME}"]
    assert (summary.digests, summary.logs) == (3, 6)


def test_cloudtrail_log_files_integrity_verified_pass_empty_hours(world):
    """'Empty' digest files: delivered with logFiles [] when there was no activity; they verify."""
    chain = world.deliver(hours=2, logs_per_hour=0)
    out = world.verify()
    assert outcomes(out) == {"digest_valid": set(chain.digests)}


def test_cloudtrail_log_files_integrity_verified_fail_log_modified(world):
    chain = world.deliver(hours=3)
    world.overwrite(chain.logs[2], b'{"Records": [{"eventName": "Nothing to see"}]}')
    out = world.verify()
    assert outcomes(out)["log_modified"] == {chain.logs[2]}
    assert statuses(out)["log_modified"] == {Status.FAIL}
    assert "modified" in next(f.reason for f in out.run.findings if f.outcome == "log_modified")


def test_cloudtrail_log_files_integrity_verified_fail_log_deleted(world):
    chain = world.deliver(hours=3)
    world.delete(chain.logs[0])
    out = world.verify()
    assert outcomes(out)["log_deleted"] == {chain.logs[0]}
    assert statuses(out)["log_deleted"] == {Status.FAIL}


def test_cloudtrail_log_files_integrity_verified_fail_log_not_covered(world):
    chain = world.deliver(hours=3)
    planted = chain.logs[2].replace(chain.logs[2].rsplit("_", 1)[1], "ZZZZplanted0000.json.gz")
    world.overwrite(planted)
    out = world.verify()
    assert outcomes(out)["log_not_covered"] == {planted}
    assert statuses(out)["log_not_covered"] == {Status.FAIL}


@pytest.mark.parametrize("metadata, why", [
    ({"signature": "00" * 256, "signature-algorithm": "SHA256withRSA"}, "fails SHA256withRSA"),
    ({"signature-algorithm": "SHA256withRSA"}, "no signature metadata"),
    ({}, "no signature metadata"),
])
def test_cloudtrail_log_files_integrity_verified_fail_digest_signature(world, metadata, why):
    chain = world.deliver(hours=3)
    world.set_metadata(chain.digests[1], metadata)
    out = world.verify()
    assert outcomes(out)["digest_signature_invalid"] == {chain.digests[1]}
    reason = next(f.reason for f in out.run.findings if f.outcome == "digest_signature_invalid")
    assert why in reason


def test_cloudtrail_log_files_integrity_verified_fail_digest_content_altered(world):
    """Editing a digest (e.g. to hide a log file) changes its SHA-256, which the signature covers."""
    import gzip
    import json

    chain = world.deliver(hours=3)
    doc = json.loads(chain.raw[chain.digests[1]])
    doc["logFiles"] = doc["logFiles"][:1]
    world.s3.put_object(Bucket=world.stream().bucket, Key=chain.digests[1], Body=gzip.compress(json.dumps(doc).encode()),
                        Metadata={"signature": chain.signatures[chain.digests[1]], "signature-algorithm": "SHA256withRSA"})
    out = world.verify()
    assert outcomes(out)["digest_signature_invalid"] == {chain.digests[1]}


def test_cloudtrail_log_files_integrity_verified_fail_digest_missing_names_both_ends(world):
    chain = world.deliver(hours=4)
    world.delete(chain.digests[2])
    out = world.verify(end=T0 + dt.timedelta(hours=4))
    missing = [f for f in out.run.findings if f.outcome == "digest_missing"]
    assert [f.object_key for f in missing] == [chain.digests[2]]
    assert chain.digests[1] in missing[0].reason and chain.digests[3] in missing[0].reason
    assert missing[0].status is Status.FAIL


def test_cloudtrail_log_files_integrity_verified_fail_first_digest_of_window_deleted(world):
    chain = world.deliver(hours=3)
    world.delete(chain.digests[0])
    out = world.verify()
    assert outcomes(out)["digest_missing"] == {chain.digests[0]}


def test_cloudtrail_log_files_integrity_verified_fail_digest_moved(world):
    """'Verify that the digest file has been retrieved from its original location.'"""
    chain = world.deliver(hours=2)
    copy = chain.digests[1].replace(T0.strftime("%Y%m%dT") + "010131Z", T0.strftime("%Y%m%dT") + "013000Z")
    world.s3.copy_object(Bucket=world.stream().bucket, Key=copy, MetadataDirective="COPY",
                         CopySource={"Bucket": world.stream().bucket, "Key": chain.digests[1]})
    out = world.verify()
    assert outcomes(out)["digest_moved"] == {copy}


def test_cloudtrail_log_files_integrity_verified_error_no_public_key(world):
    world.deliver(hours=2)
    publickeys.clear()  # ListPublicKeys answers nothing for the digests' fingerprint
    out = world.verify()
    assert statuses(out) == {"digest_unverifiable": {Status.ERROR}}
    assert all("no public key with fingerprint" in f.reason for f in out.run.findings)


def test_cloudtrail_log_files_integrity_verified_error_access_denied(world):
    chain = world.deliver(hours=2)
    denied = chain.digests[0]

    def deny(params, **_):
        if params["url_path"].endswith(denied.rsplit("/", 1)[1]):
            from botocore.awsrequest import AWSResponse

            return AWSResponse("https://denied.invalid/", 403, {}, None), {
                "Error": {"Code": "AccessDenied", "Message": "denied"}, "ResponseMetadata": {"HTTPStatusCode": 403}}
        return None

    world.session.events.register("before-call.s3.GetObject", deny)
    out = world.verify()
    found = {f.object_key: f for f in out.run.findings}
    assert found[denied].status is Status.ERROR and "s3:GetObject failed" in found[denied].reason
    assert "AccessDenied" in found[denied].reason
    # its log files are then covered by no verified digest: unknown, not PASS and not a false FAIL
    assert statuses(out).get("log_not_covered", {Status.ERROR}) == {Status.ERROR}


def test_cloudtrail_log_files_integrity_verified_pass_key_rotation_inside_window(world):
    """ListPublicKeys 'may return one or more public keys for the time range... validity time ranges
    that overlap'; each digest is checked with the key its fingerprint names."""
    world.key(HOME, T0 - dt.timedelta(days=1), T0 + dt.timedelta(minutes=90))
    world.key(HOME, T0 + dt.timedelta(minutes=91), T0 + dt.timedelta(days=1))
    chain = world.deliver(hours=3)
    out = world.verify()
    assert outcomes(out) == {"digest_valid": set(chain.digests)}
    import gzip
    import json

    prints = {json.loads(gzip.decompress(world.s3.get_object(Bucket=world.stream().bucket, Key=k)["Body"].read()))
              ["digestPublicKeyFingerprint"] for k in chain.digests}
    assert prints == {k.fingerprint for k in world.keys[HOME]}


def test_cloudtrail_log_files_integrity_verified_pass_chain_restart_is_not_a_gap(world):
    """A starting digest (null previous*) after logging was stopped begins a new chain: not a deletion."""
    world.deliver(hours=2)
    later = world.deliver(hours=2, first_end=T0 + dt.timedelta(hours=5))
    out = world.verify(end=T0 + dt.timedelta(hours=7))
    assert "digest_missing" not in outcomes(out)
    assert set(later.digests) <= outcomes(out)["digest_valid"]
    assert out.summaries[f"{world.stream().account}/{HOME}"].hours == pytest.approx(3.5)  # 0.5 + 1 before the stop, 2 after


def test_cloudtrail_log_files_integrity_verified_pass_backfill_digest(world):
    """Backfill digests ('_backfill' suffix) list log files a processing delay kept out of the original;
    their key is looked up around the backfill-generation-timestamp metadata."""
    from sandbox.deliver import deliver_backfill

    chain = world.deliver(hours=3)
    late_key = world.key(HOME, T0 + dt.timedelta(days=40), T0 + dt.timedelta(days=60))  # not valid in window
    generated = T0 + dt.timedelta(days=45)
    dkey, logs = deliver_backfill(world.s3, world.stream(), late_key, T0 + dt.timedelta(hours=1), generated)
    out = world.verify()
    assert outcomes(out) == {"digest_valid": set(chain.digests) | {dkey}}
    assert out.summaries[f"{world.stream().account}/{HOME}"].logs == 6 + len(logs)


def test_cloudtrail_log_files_integrity_verified_fail_backfill_log_modified(world):
    from sandbox.deliver import deliver_backfill

    world.deliver(hours=2)
    _, logs = deliver_backfill(world.s3, world.stream(), world.keys[HOME][0], T0, T0 + dt.timedelta(hours=3))
    world.overwrite(logs[0])
    assert outcomes(world.verify())["log_modified"] == {logs[0]}


def test_cloudtrail_log_files_integrity_verified_fail_no_digest_in_window(world):
    world.deliver(hours=2)
    out = world.verify(start=T0 + dt.timedelta(hours=10), end=T0 + dt.timedelta(hours=12))
    assert statuses(out) == {"digest_missing": {Status.FAIL}}
    assert MEMBER not in out.run.accounts
