"""Log files are hashed as a stream: memory stays bounded whatever the file's size or compression ratio.

The issue: "Use streaming hashes, so memory stays bounded whatever the file size." CloudTrail's logFiles
hashValue is the SHA-256 of the *uncompressed* content ("Custom implementations of CloudTrail log file
integrity validation"), so the stream is inflated too; JSON of repeated text compresses about 1000:1,
so the inflated output, not the download, is what must be bounded.
"""
from __future__ import annotations

import hashlib
import tracemalloc
import zlib

import pytest

from checks.verify import fetch
from checks.verify.digest import LogRef
from verify_world import BUCKET

SIZE = 48 << 20  # uncompressed bytes: far above any bound the hash may hold at once


def _big_log() -> tuple[bytes, str]:
    """(gzip bytes, hex SHA-256 of the content) of a ~48 MiB log file that compresses to ~50 KiB."""
    gz = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    sha, parts, block = hashlib.sha256(), [], b'{"eventName": "GetCallerIdentity"}, ' * 1024
    for part in (b'{"Records": [',) + (block,) * (SIZE // len(block)) + (b"{}]}",):
        sha.update(part)
        parts.append(gz.compress(part))
    parts.append(gz.flush())
    return b"".join(parts), sha.hexdigest()


def test_hash_log_matches_and_peak_memory_is_bounded(world):
    body, expected = _big_log()
    world.s3.put_object(Bucket=BUCKET, Key="AWSLogs/big.json.gz", Body=body)
    ref = LogRef(BUCKET, "AWSLogs/big.json.gz", expected, "SHA-256")
    tracemalloc.start()
    try:
        read = fetch.hash_log(world.s3, ref)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read.sha256 == expected
    assert peak < 4 * fetch.INFLATE + 2 * len(body), f"{peak} bytes held to hash a {SIZE}-byte log file"


@pytest.mark.parametrize("chunks, problem", [
    ([b"not gzip at all"], "not gzip"),
    ([zlib.compress(b"zlib, not gzip")], "not gzip"),
    ([(lambda g: g[:len(g) // 2])(__import__("gzip").compress(b"x" * 5000))], "truncated gzip stream"),
    ([__import__("gzip").compress(b"{}") + b"junk"], "data after the end of the gzip stream"),
])
def test_gunzip_sha256_rejects_what_is_not_one_gzip_stream(chunks, problem):
    with pytest.raises(ValueError, match=problem):
        fetch.gunzip_sha256(chunks)


@pytest.mark.parametrize("split", [1, 7, 4096, 1 << 20])
def test_gunzip_sha256_is_the_same_however_the_bytes_arrive(split):
    import gzip

    content = b"".join(b'{"n": %d}' % i for i in range(20000))
    data = gzip.compress(content)
    chunks = [data[i:i + split] for i in range(0, len(data), split)]
    assert fetch.gunzip_sha256(chunks) == hashlib.sha256(content).hexdigest()
