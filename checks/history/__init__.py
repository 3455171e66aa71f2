"""What happened, not only how it is configured: logging gaps and tamper events (issue 14).

Pure core, no boto3: ``events`` (one CloudTrail event record -> :class:`HistoryEvent`), ``gaps`` (trail
timelines and the intervals in which a region had no trail recording all management events),
``tamper`` (events that weakened the audit trail's own resources), ``ratelimit`` (a token bucket),
``options`` (the run's window and deployer roles). The LookupEvents fetching lives in
:mod:`checks.collect.history`; the predicates in :mod:`checks.rules.history`.
"""
