"""Scale a replay recording up by cloning its member accounts (issue 16: the 10,000-account run).

    python bench/replay_scale.py --source /tmp/trailguard-replay/org-1000-4.pickle --times 10 \
        --out /tmp/trailguard-replay/org-10000-4.pickle

Seeding and recording 10,000 members in moto takes hours of CPU on a loaded 2-core machine. This makes a
10,000-member recording from a 1,000-member one instead: every member account is copied ``times - 1``
times under a new account id, each copy answering exactly what the original answered with the id (and,
in its AssumeRole answer, the temporary access key) replaced. ListAccounts is re-paginated over all the
accounts; the management account's own answers are unchanged. The kinds of member (nothing of their own,
a local trail, a weak trail, a denied role) keep their proportions. What the audit does per account is
the same as in the source recording, which moto answered.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import replay_common  # noqa: E402

_LIST_ACCOUNTS = "AWSOrganizationsV20161128.ListAccounts"
PAGE = 100


def _sub(value, old: str, new: str):
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, bytes):
        return value.replace(old.encode(), new.encode())
    if isinstance(value, tuple):
        return tuple(_sub(v, old, new) for v in value)
    if isinstance(value, list):
        return [_sub(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _sub(v, old, new) for k, v in value.items()}
    return value


def scale(source: dict, times: int, seed: int = 16) -> dict:
    rng = random.Random(seed)
    management = source["management"]
    members = sorted({a for a in source["keymap"].values() if a != management} |
                     {arn.split(":")[4] for arn in source["denied"]})
    used = set(members) | {management}
    key_of = {account: key for key, account in source["keymap"].items() if account != management}
    answers, keymap, denied = dict(source["answers"]), dict(source["keymap"]), list(source["denied"])
    listed = [k for k in answers if k[0] == "organizations" and k[6][0] == _LIST_ACCOUNTS]
    page_headers = answers[listed[0]][1]
    accounts = [acct for k in listed for acct in json.loads(answers[k][2])["Accounts"]]
    for k in listed:
        del answers[k]
    by_member: dict[str, list] = {m: [] for m in members}
    for k in answers:
        if k[2] in by_member:
            by_member[k[2]].append(k)
        elif k[0] == "sts" and k[2] == management:
            for m in members:  # AssumeRole into a member: the RoleArn in the body names it
                if m in k[7]:
                    by_member[m].append(k)
                    break
    for copy in range(1, times):
        for member in members:
            # on the management account's side of it: the audit sorts ARNs of both into some requests
            low, high = (10**11, int(management)) if member < management else (int(management) + 1, 10**12)
            new = f"{rng.randrange(low, high):012d}"
            while new in used:
                new = f"{rng.randrange(low, high):012d}"
            used.add(new)
            old_key = key_of.get(member)
            new_key = None
            while old_key and (new_key is None or new_key in keymap):  # a key of its own, like AWS's
                new_key = old_key[:-6] + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(6))
            for k in by_member[member]:
                status, headers, body = answers[k]
                body = _sub(body, member, new)
                if old_key:
                    body = _sub(body, old_key, new_key)
                answers[_sub(k, member, new)] = (status, headers, body)
            if old_key:
                keymap[new_key] = new
            denied += [_sub(arn, member, new) for arn in source["denied"] if f":{member}:" in arn]
            accounts += [_sub(a, member, new) for a in accounts if a["Id"] == member]
    base = listed[0]  # the first page's key: '{}' body; later pages carry NextToken
    for i in range(0, len(accounts), PAGE):
        token = f"scaled-page-{i // PAGE}" if i + PAGE < len(accounts) else None
        body = {"Accounts": accounts[i:i + PAGE], "NextToken": token}
        request = base[7] if i == 0 else json.dumps({"NextToken": f"scaled-page-{i // PAGE - 1}"}, sort_keys=True,
                                                separators=(",", ":"))
        answers[base[:7] + (request,)] = (200, page_headers, json.dumps(body).encode())
    return {**{k: v for k, v in source.items() if k not in ("answers", "keymap", "denied")},
            "answers": answers, "keymap": keymap, "denied": denied, "members": len(members) * times,
            "scaled_from": source["members"]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", required=True)
    p.add_argument("--times", type=int, required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    scaled = scale(replay_common.load(args.source), args.times)
    replay_common.save(args.out, scaled)
    meta = {k: v for k, v in scaled.items() if k not in ("answers", "keymap")}
    meta["answers"] = len(scaled["answers"])
    with open(args.out + ".json", "w") as fh:
        json.dump(meta, fh)
    print({k: v for k, v in meta.items() if k != "denied"})


if __name__ == "__main__":
    main()
