"""AuditParams: what a run asks of the facts, kept apart from the facts themselves.

Facts say what the account is (collected once, never changed afterwards); parameters say what this run
requires of it. The engine hands the same AuditParams to every predicate that declares a ``params``
argument, so a predicate never reads the wall clock or a setting stored on the facts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DEFAULT_MIN_RETENTION_DAYS = 365  # CX-03: CIS and Security Hub's one year of readily searchable logs


@dataclass(frozen=True)
class AuditParams:
    # The instant delivery ages (CT-03, CT-08) are measured from: the collection time. The engine fills it
    # from AccountFacts.collected_at when it is None; predicates never fall back to the wall clock.
    now: dt.datetime | None = None
    required_tag_keys: tuple[str, ...] = ()  # CT-16
    min_log_retention_days: int = DEFAULT_MIN_RETENTION_DAYS  # CX-03, and CH-02's log group retention
    expect_organization_trail: bool = False  # CX-09 (stack config / policy config)

    def __post_init__(self):
        if self.now is not None and self.now.tzinfo is None:
            raise ValueError(f"AuditParams.now must be timezone-aware (UTC); got {self.now.isoformat()}.")
        if isinstance(self.required_tag_keys, str):
            raise ValueError(f"AuditParams.required_tag_keys must be a sequence of tag keys, not the string "
                             f"{self.required_tag_keys!r}.")
        object.__setattr__(self, "required_tag_keys", tuple(self.required_tag_keys))
        if not isinstance(self.min_log_retention_days, int) or self.min_log_retention_days < 1:
            raise ValueError(f"AuditParams.min_log_retention_days must be a whole number of days >= 1; got "
                             f"{self.min_log_retention_days!r}.")
