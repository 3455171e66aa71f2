import pytest

from checks.arns import arn_account, arn_part, arn_region, arn_service

LOG_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:trail-logs:*"


def test_arn_fields_of_a_log_group_arn():
    assert (arn_service(LOG_GROUP), arn_region(LOG_GROUP), arn_account(LOG_GROUP)) == (
        "logs", "eu-west-1", "123456789012")


def test_global_service_arn_has_empty_region():
    assert (arn_region("arn:aws:iam::123456789012:role/r"), arn_account("arn:aws:iam::123456789012:role/r")) == (
        "", "123456789012")


@pytest.mark.parametrize("value", ["", None, "alias/trail-key", "1234abcd-12ab", "arn:aws:s3:::bucket"])
def test_non_arn_or_short_arn_reads_as_empty(value):
    assert arn_account(value) == arn_region(value) == ""


def test_arn_part_reads_any_field():
    assert arn_part(LOG_GROUP, 5) == "log-group"
