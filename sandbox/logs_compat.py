"""Where moto's CloudWatch Logs differs from AWS in a way the audit's verdicts depend on, answer as AWS does.

DescribeMetricFilters with the name of a log group that does not exist: AWS answers
ResourceNotFoundException ("The specified log group does not exist."), the error shape botocore's logs
model lists for the operation; moto 5 answers an empty list. The audit treats NotFound as "absent" (FAIL:
no log group, so no filter), an empty list as "a log group without filters"; both FAIL, but for
different reasons, and only the AWS answer lets a test prove the NotFound path.

PutMetricFilter with the name of a filter the log group already has: AWS replaces it (the API "Creates or
updates a metric filter and associates it with the specified log group"); moto 5.2 appends a second filter
of the same name, so the old pattern or metric value would still be read and could pass a control.
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


def _replacing(original):
    def put_metric_filter(self, filter_name, filter_pattern, log_group_name, metric_transformations):
        self.filters.metric_filters = [f for f in self.filters.metric_filters if (
            f["filterName"], f["logGroupName"]) != (filter_name, log_group_name)]
        return original(self, filter_name, filter_pattern, log_group_name, metric_transformations)

    return put_metric_filter


_PATCHES = {"describe_metric_filters": _aware, "put_metric_filter": _replacing}


def apply() -> None:
    """Patch moto's logs backend for the rest of the process (the emulator's threaded server)."""
    global _APPLIED
    if _APPLIED:
        return
    from moto.logs.models import LogsBackend

    for name, wrap in _PATCHES.items():
        setattr(LogsBackend, name, wrap(getattr(LogsBackend, name)))
    _APPLIED = True


@contextlib.contextmanager
def applied():
    """The same patches for the duration of a block (in-process mock_aws tests), then moto as it was."""
    from moto.logs.models import LogsBackend

    originals = {name: getattr(LogsBackend, name) for name in _PATCHES}
    if not _APPLIED:
        for name, wrap in _PATCHES.items():
            setattr(LogsBackend, name, wrap(originals[name]))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(LogsBackend, name, original)
