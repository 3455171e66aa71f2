"""CM CM-09..CM-16 against moto: PASS, FAIL, ERROR and NOT_APPLICABLE per control.

Explicit thin functions (not parametrized) so every control id appears in a test name; the scenarios
live in test_monitoring_support.py.
"""
from __future__ import annotations

import test_monitoring_support as support  # tests/checks is on sys.path (conftest.py)


# CM-09 AWSConfigChanges

def test_cloudwatch_config_changes_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_config_changes_alarm_configured")


def test_cloudwatch_config_changes_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_config_changes_alarm_configured")


def test_cloudwatch_config_changes_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_config_changes_alarm_configured")


def test_cloudwatch_config_changes_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_config_changes_alarm_configured")


# CM-10 SecurityGroupChanges

def test_cloudwatch_security_group_changes_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_security_group_changes_alarm_configured")


def test_cloudwatch_security_group_changes_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_security_group_changes_alarm_configured")


def test_cloudwatch_security_group_changes_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_security_group_changes_alarm_configured")


def test_cloudwatch_security_group_changes_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_security_group_changes_alarm_configured")


# CM-11 NACLChanges

def test_cloudwatch_nacl_changes_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_nacl_changes_alarm_configured")


def test_cloudwatch_nacl_changes_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_nacl_changes_alarm_configured")


def test_cloudwatch_nacl_changes_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_nacl_changes_alarm_configured")


def test_cloudwatch_nacl_changes_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_nacl_changes_alarm_configured")


# CM-12 NetworkGWChanges

def test_cloudwatch_network_gateway_changes_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_network_gateway_changes_alarm_configured")


def test_cloudwatch_network_gateway_changes_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_network_gateway_changes_alarm_configured")


def test_cloudwatch_network_gateway_changes_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_network_gateway_changes_alarm_configured")


def test_cloudwatch_network_gateway_changes_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_network_gateway_changes_alarm_configured")


# CM-13 RouteTableChanges

def test_cloudwatch_route_table_changes_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_route_table_changes_alarm_configured")


def test_cloudwatch_route_table_changes_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_route_table_changes_alarm_configured")


def test_cloudwatch_route_table_changes_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_route_table_changes_alarm_configured")


def test_cloudwatch_route_table_changes_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_route_table_changes_alarm_configured")


# CM-14 VPCChanges

def test_cloudwatch_vpc_changes_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_vpc_changes_alarm_configured")


def test_cloudwatch_vpc_changes_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_vpc_changes_alarm_configured")


def test_cloudwatch_vpc_changes_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_vpc_changes_alarm_configured")


def test_cloudwatch_vpc_changes_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_vpc_changes_alarm_configured")


# CM-15 OrganizationsChanges

def test_cloudwatch_organizations_changes_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_organizations_changes_alarm_configured")


def test_cloudwatch_organizations_changes_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_organizations_changes_alarm_configured")


def test_cloudwatch_organizations_changes_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_organizations_changes_alarm_configured")


def test_cloudwatch_organizations_changes_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_organizations_changes_alarm_configured")


# CM-16 TrailSelectorChanges

def test_cloudwatch_trail_selector_changes_alarm_configured_pass_provisioned_filter_alarm_and_subscriber():
    support.check_pass("cloudwatch_trail_selector_changes_alarm_configured")


def test_cloudwatch_trail_selector_changes_alarm_configured_fail_filter_misses_or_overcounts():
    support.check_fail("cloudwatch_trail_selector_changes_alarm_configured")


def test_cloudwatch_trail_selector_changes_alarm_configured_error_describe_metric_filters_denied():
    support.check_error("cloudwatch_trail_selector_changes_alarm_configured")


def test_cloudwatch_trail_selector_changes_alarm_configured_na_log_group_in_another_account():
    support.check_na("cloudwatch_trail_selector_changes_alarm_configured")
