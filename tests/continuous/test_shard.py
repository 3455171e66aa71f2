"""Shard assignment (checks/org_shard.py): the published jump consistent hash, stable and balanced."""
from __future__ import annotations

import random
from collections import Counter

import pytest

from checks.cli import build_parser
from checks.org_shard import MAX_SHARDS, Shard, jump_hash, parse_shard, shard_of


@pytest.mark.parametrize("key, buckets, expected", [
    # ClickHouse tests/queries/0_stateless/00580_consistent_hashing_functions (jumpConsistentHash).
    (1, 1, 0), (42, 57, 43), (256, 1024, 520), (3735883980, 1, 0), (3735883980, 666, 361),
    (16045690984833335023, 255, 237),
    # Microsoft's jump-consistent-hash.spec.ts vectors.
    (10863919174838991, 11, 6), (2016238256797177309, 11, 3),
])
def test_jump_hash_matches_the_published_algorithm(key, buckets, expected):
    assert jump_hash(key, buckets) == expected


def _ids(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    return sorted({f"{rnd.randrange(10**12):012d}" for _ in range(n)})


@pytest.mark.parametrize("count", [1, 2, 3, 7, 16, 100])
def test_every_account_is_in_exactly_one_shard(count):
    for account in _ids(300):
        assert [k for k in range(1, count + 1) if account in Shard(k, count)] == [shard_of(account, count)]


def test_adding_accounts_never_moves_existing_ones():
    before = _ids(500, seed=1)
    grown = sorted(set(before) | set(_ids(500, seed=2)))
    for count in (3, 7, 50):
        old = {a: shard_of(a, count) for a in before}
        new = {a: shard_of(a, count) for a in grown}
        assert {a: new[a] for a in before} == old


@pytest.mark.parametrize("count", [1, 4, 7, 99])
def test_one_more_shard_moves_only_a_fair_share_and_only_into_the_new_shard(count):
    accounts = _ids(20_000)
    moved = [a for a in accounts if shard_of(a, count) != shard_of(a, count + 1)]
    assert all(shard_of(a, count + 1) == count + 1 for a in moved)
    expected = len(accounts) / (count + 1)
    assert abs(len(moved) - expected) < 0.1 * expected + 30


@pytest.mark.parametrize("count", [2, 7, 20])
def test_shards_are_balanced(count):
    sizes = Counter(shard_of(a, count) for a in _ids(20_000))
    mean = sum(sizes.values()) / count
    assert set(sizes) == set(range(1, count + 1))
    assert max(abs(s - mean) for s in sizes.values()) < 0.1 * mean


@pytest.mark.parametrize("text, expected", [("1/1", Shard(1, 1)), ("3/7", Shard(3, 7)), (" 2 / 5 ", Shard(2, 5)),
                                            (f"{MAX_SHARDS}/{MAX_SHARDS}", Shard(MAX_SHARDS, MAX_SHARDS))])
def test_parse_shard_accepts_k_of_n(text, expected):
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "1/0", "a/b", "-1/3", "1/3/4", "", f"1/{MAX_SHARDS + 1}"])
def test_parse_shard_rejects_with_the_allowed_form(text):
    with pytest.raises(ValueError, match=r"expected K/N with 1 <= K <= N"):
        parse_shard(text)


def test_cli_shard_option_errors_name_the_option_and_need_org(capsys):
    parser = build_parser()
    with pytest.raises(SystemExit) as bad:
        parser.parse_args(["audit", "--org", "--shard", "8/7"])
    assert bad.value.code == 2 and "--shard: '8/7' is not a shard" in capsys.readouterr().err
    from checks.cli import main

    assert main(["audit", "--shard", "1/2"]) == 2
    assert "--shard only apply with --org" in capsys.readouterr().err
