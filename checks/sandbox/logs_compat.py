"""Where moto's CloudWatch Logs differs from AWS in a way the audit's verdicts depend on, answer as AWS does.

DescribeMetricFilters with the name of a log group that does not exist: AWS answers
ResourceNotFoundException ("The specified log group does not exist."), the error shape botocore's logs
model lists for the operation; moto 5 answers an empty list. The audit treats NotFound as "absent" (FAIL:
no log group, so no filter), an empty list as "a log group without filters"; both FAIL, but for
different reasons, and only the AWS answer lets a test prove the NotFound path.
"""
from __future__ import annotations

import contextlib

_APPLIED = False


def _aware(original):
    from moto.logs.exceptions import ResourceNotFoundException

    def describe_metric_filters(self, prefix=None, log_group_name=None, metric_name=None, metric_namespace=None):
        if log_group_name and log_group_name not in self.groups:
            raise ResourceNotFoundException("The specified log group does not exist.")
        return original(self, prefix, log_group_name, metric_name, metric_namespace)

    return describe_metric_filters


def apply() -> None:
    """Patch moto's logs backend for the rest of the process (the emulator's threaded server)."""
    global _APPLIED
    if _APPLIED:
        return
    from moto.logs.models import LogsBackend

    LogsBackend.describe_metric_filters = _aware(LogsBackend.describe_metric_filters)
    _APPLIED = True


@contextlib.contextmanager
def applied():
    """The same patch for the duration of a block (in-process mock_aws tests), then moto as it was."""
    from moto.logs.models import LogsBackend

    original = LogsBackend.describe_metric_filters
    LogsBackend.describe_metric_filters = original if _APPLIED else _aware(original)
    try:
        yield
    finally:
        LogsBackend.describe_metric_filters = original
