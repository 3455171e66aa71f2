"""bench/replay_scale.py: a recording scaled up by cloning members answers each copy as the original."""
from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "bench"))
from replay_scale import scale  # noqa: E402

MGMT, LOW, HIGH = "123456789012", "100000000001", "900000000009"
TARGET = ("AWSOrganizationsV20161128.ListAccounts", "")


def _account(i):
    return {"Id": i, "Arn": f"arn:aws:organizations::{MGMT}:account/o-x/{i}", "Status": "ACTIVE"}


def _source() -> dict:
    answers = {("organizations", "us-east-1", MGMT, "POST", "/", "", TARGET, "{}"):
               (200, [("x", "y")], json.dumps({"Accounts": [_account(a) for a in (MGMT, LOW, HIGH)],
                                               "NextToken": None}).encode())}
    keymap = {"testing": MGMT}
    for n, member in enumerate((LOW, HIGH)):
        key = f"ASIAKEYOFMEMBER0000{n}"
        keymap[key] = member
        answers[("sts", "us-east-1", MGMT, "POST", "/", "", ("", ""), f"[('RoleArn', 'arn:aws:iam::{member}:role/R')]")] = \
            (200, [], f"<AccessKeyId>{key}</AccessKeyId>".encode())
        answers[("cloudtrail", "us-east-1", member, "POST", "/", "", ("ListTrails", ""), "{}")] = \
            (200, [], f'{{"Trails": [{{"TrailARN": "arn:aws:cloudtrail:us-east-1:{member}:trail/t"}}]}}'.encode())
    return {"management": MGMT, "members": 2, "denied": [], "keymap": keymap, "answers": answers,
            "default_account": MGMT, "regions": 4}


def test_every_copy_of_a_member_answers_as_the_member_under_its_own_id_and_key():
    scaled = scale(_source(), 3)
    listed = json.loads(next(v for k, v in scaled["answers"].items() if k[6] == TARGET)[2])["Accounts"]
    ids = [a["Id"] for a in listed]
    assert len(ids) == len(set(ids)) == 1 + 2 * 3 and ids[0] == MGMT
    members = {a: k for k, a in scaled["keymap"].items() if a != MGMT}
    assert set(members) == set(ids) - {MGMT}  # every copy has its own access key, mapped to its own id
    for account in set(ids) - {MGMT}:
        arn = f"arn:aws:iam::{account}:role/R"
        sts = [v for k, v in scaled["answers"].items() if k[0] == "sts" and arn in k[7]]
        assert sts == [(200, [], f"<AccessKeyId>{members[account]}</AccessKeyId>".encode())]
        trails = scaled["answers"][("cloudtrail", "us-east-1", account, "POST", "/", "", ("ListTrails", ""), "{}")]
        assert f"arn:aws:cloudtrail:us-east-1:{account}:trail/t".encode() in trails[2]
    assert sum(a < MGMT for a in ids) == 3 and sum(a > MGMT for a in ids) == 3  # each copy on its side
