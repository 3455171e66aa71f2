"""Rule registry: one pure predicate per control, keyed by the control id.

A predicate never calls AWS; it reads facts and returns :class:`checks.model.Result` (or a list of them).
The engine (``checks.engine``, whose ``SUBJECTS`` table picks the subjects of each scope) calls it through
:meth:`Rule.results`, which always gives a list:

- ``account``: ``pred(account: AccountFacts)`` (one call per account)
- ``region``: ``pred(account, region: str)`` (one per enabled region)
- ``trail``: ``pred(account, trail: TrailFacts)`` (one per trail visible in the account)
- ``bucket``: ``pred(account, trail: TrailFacts)`` (one per distinct trail bucket)
- ``stream``: ``pred(facts: StreamFacts)`` (one digest chain; only ``trailguard verify`` evaluates it, the
  audit engine never selects its control)

A predicate that needs the run's parameters (:class:`checks.params.AuditParams`: the collection instant,
required tags, minimum retention, the organization-trail expectation) declares a keyword ``params``.
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from typing import Callable

from checks.catalog import FAMILIES  # one list of families: a rule module per catalog module

SCOPES = ("account", "region", "trail", "bucket", "stream")


@dataclass(frozen=True)
class Rule:
    control_id: str
    scope: str
    predicate: Callable
    takes_params: bool = field(default=False)
    judges: str = ""  # "key": a trail-scope rule that judges the trail's KMS key (assessed where the key lives)

    def results(self, *args, params=None) -> list:
        """The predicate's Results for one subject, always as a list."""
        out = self.predicate(*args, params=params) if self.takes_params else self.predicate(*args)
        return list(out) if isinstance(out, (list, tuple)) else [out]


_RULES: dict[str, Rule] = {}


def rule(control_id: str, scope: str, *, judges: str = "") -> Callable[[Callable], Callable]:
    """Register ``fn`` as the predicate of ``control_id``. ``judges="key"`` marks a trail-scope rule that
    judges the trail's KMS key: an organization run also gives it the keys other accounts' trails use
    (checks/org_guests.py), so a key is assessed in the account that owns it."""
    if scope not in SCOPES:
        raise ValueError(f"rule {control_id}: scope {scope!r} not in {SCOPES}")
    if judges not in ("", "key") or (judges and scope != "trail"):
        raise ValueError(f"rule {control_id}: judges={judges!r}; allowed: \"\" or \"key\" (trail scope only)")

    def decorate(fn: Callable) -> Callable:
        if control_id in _RULES:
            raise ValueError(f"rule for {control_id!r} is defined twice")
        _RULES[control_id] = Rule(control_id, scope, fn, "params" in inspect.signature(fn).parameters, judges)
        return fn

    return decorate


def all_rules() -> dict[str, Rule]:
    for family in FAMILIES:
        try:
            importlib.import_module(f"checks.rules.{family}")
        except ModuleNotFoundError as exc:
            if exc.name != f"checks.rules.{family}":
                raise
    return dict(_RULES)
