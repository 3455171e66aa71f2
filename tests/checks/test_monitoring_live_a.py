"""CM CM-01..CM-08 against moto: PASS, FAIL, ERROR and NOT_APPLICABLE per control.

Explicit thin functions (not parametrized) so every control id appears in a test name; the scenarios
live in test_monitoring_support.py.
"""
from __future__ import annotations

import test_monitoring_support as support  # tests/checks is on sys.path (conftest.py)


# CM-01 UnauthorizedAPICalls

def test_cloudwatch_unauthorized_api_calls_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_unauthorized_api_calls_alarm_configured")


def test_cloudwatch_unauthorized_api_calls_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_unauthorized_api_calls_alarm_configured")


def test_cloudwatch_unauthorized_api_calls_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_unauthorized_api_calls_alarm_configured")


def test_cloudwatch_unauthorized_api_calls_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_unauthorized_api_calls_alarm_configured")


# CM-02 NoMFAConsoleSignin

def test_cloudwatch_console_signin_without_mfa_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_console_signin_without_mfa_alarm_configured")


def test_cloudwatch_console_signin_without_mfa_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_console_signin_without_mfa_alarm_configured")


def test_cloudwatch_console_signin_without_mfa_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_console_signin_without_mfa_alarm_configured")


def test_cloudwatch_console_signin_without_mfa_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_console_signin_without_mfa_alarm_configured")


# CM-03 RootUsage

def test_cloudwatch_root_usage_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_root_usage_alarm_configured")


def test_cloudwatch_root_usage_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_root_usage_alarm_configured")


def test_cloudwatch_root_usage_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_root_usage_alarm_configured")


def test_cloudwatch_root_usage_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_root_usage_alarm_configured")


# CM-04 IAMChanges

def test_cloudwatch_iam_policy_changes_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_iam_policy_changes_alarm_configured")


def test_cloudwatch_iam_policy_changes_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_iam_policy_changes_alarm_configured")


def test_cloudwatch_iam_policy_changes_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_iam_policy_changes_alarm_configured")


def test_cloudwatch_iam_policy_changes_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_iam_policy_changes_alarm_configured")


# CM-05 CloudTrailCfgChanges

def test_cloudwatch_cloudtrail_changes_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_cloudtrail_changes_alarm_configured")


def test_cloudwatch_cloudtrail_changes_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_cloudtrail_changes_alarm_configured")


def test_cloudwatch_cloudtrail_changes_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_cloudtrail_changes_alarm_configured")


def test_cloudwatch_cloudtrail_changes_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_cloudtrail_changes_alarm_configured")


# CM-06 ConsoleSigninFailures

def test_cloudwatch_console_auth_failures_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_console_auth_failures_alarm_configured")


def test_cloudwatch_console_auth_failures_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_console_auth_failures_alarm_configured")


def test_cloudwatch_console_auth_failures_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_console_auth_failures_alarm_configured")


def test_cloudwatch_console_auth_failures_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_console_auth_failures_alarm_configured")


# CM-07 DisableOrDeleteCMK

def test_cloudwatch_kms_key_disable_or_deletion_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_kms_key_disable_or_deletion_alarm_configured")


def test_cloudwatch_kms_key_disable_or_deletion_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_kms_key_disable_or_deletion_alarm_configured")


def test_cloudwatch_kms_key_disable_or_deletion_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_kms_key_disable_or_deletion_alarm_configured")


def test_cloudwatch_kms_key_disable_or_deletion_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_kms_key_disable_or_deletion_alarm_configured")


# CM-08 S3BucketPolicyChanges

def test_cloudwatch_s3_bucket_policy_changes_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_s3_bucket_policy_changes_alarm_configured")


def test_cloudwatch_s3_bucket_policy_changes_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_s3_bucket_policy_changes_alarm_configured")


def test_cloudwatch_s3_bucket_policy_changes_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_s3_bucket_policy_changes_alarm_configured")


def test_cloudwatch_s3_bucket_policy_changes_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_s3_bucket_policy_changes_alarm_configured")
