"""How many processes an organization run uses (checks/org_procs.py), and what crosses to a child process."""
from __future__ import annotations

import os
import pickle

import boto3
import pytest

from checks import org, org_procs
from checks.org_procs import MIN_ACCOUNTS_PER_PROCESS as MIN
from checks.org_procs import SessionSpec, choose_processes


@pytest.mark.parametrize(("cores", "accounts", "expected"), [
    (2, 0, 1), (2, 1, 1), (2, MIN - 1, 1), (2, MIN, 1), (2, 2 * MIN - 1, 1), (2, 2 * MIN, 2), (2, 100 * MIN, 2),
    (8, 3 * MIN, 3), (8, 10_000, min(8, 10_000 // MIN)), (1, 10_000, 1),
])
def test_default_is_the_cores_available_but_not_more_than_the_accounts_pay_for(cores, accounts, expected):
    assert choose_processes(None, accounts, cores=cores) == expected


@pytest.mark.parametrize("given", [1, 2, 7, 64])
def test_a_given_count_is_used_as_given(given):
    assert choose_processes(given, 3) == given


@pytest.mark.parametrize("bad", [0, -1, 65, 2.0, "2", True])
def test_a_bad_count_names_the_value_and_the_range(bad):
    with pytest.raises(ValueError, match=r"processes: .* is not a whole number from 1 to 64"):
        choose_processes(bad, 10)


def test_a_bad_count_fails_before_any_aws_call():
    class NoCalls:
        def client(self, *a, **k):
            raise AssertionError("AWS was called")

    with pytest.raises(ValueError, match="processes"):
        org.audit_organization(NoCalls(), [], processes=0)


def test_available_cores_follows_the_affinity_mask():
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert org_procs.available_cores() == expected


def test_a_child_resolves_credentials_itself_unless_they_were_given_explicitly(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT")
    from_env = SessionSpec.of(boto3.Session(region_name="eu-west-1"))
    assert from_env == SessionSpec(None, "eu-west-1", None)  # the child reads the environment itself
    given = SessionSpec.of(boto3.Session(aws_access_key_id="AKIAEXPLICIT", aws_secret_access_key="s3cr3t",
                                         region_name="us-east-1"))
    assert given.explicit == ("AKIAEXPLICIT", "s3cr3t", None)
    rebuilt = pickle.loads(pickle.dumps(given)).session().get_credentials().get_frozen_credentials()
    assert (rebuilt.access_key, rebuilt.secret_key) == ("AKIAEXPLICIT", "s3cr3t")
    assert "s3cr3t" not in repr(given) and "AKIA" not in repr(given)
