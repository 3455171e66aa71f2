"""Rule registry: one pure predicate per control, keyed by the control id.

A predicate never calls AWS; it reads facts and returns a :class:`checks.model.Result`.
The engine (``checks.engine``) picks the subjects for each scope and calls the predicate:

- ``account``: ``pred(account: AccountFacts) -> Result`` (one finding per account)
- ``region``: ``pred(account, region: str) -> Result`` (one per enabled region)
- ``trail``: ``pred(account, trail: TrailFacts) -> Result`` (one per trail visible in the account)
- ``bucket``: ``pred(account, trail: TrailFacts) -> Result`` (one per distinct trail bucket)
- ``account`` predicates may return a list of Results when they report several subjects.
- ``stream``: ``pred(facts: StreamFacts) -> list[Result]`` (one digest chain; only ``trailguard verify``
  evaluates it, the audit engine never selects its control)
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

SCOPES = ("account", "region", "trail", "bucket", "stream")
FAMILIES = ("trail", "monitoring", "resources", "history", "lake", "integrity")


@dataclass(frozen=True)
class Rule:
    control_id: str
    scope: str
    predicate: Callable


_RULES: dict[str, Rule] = {}


def rule(control_id: str, scope: str) -> Callable[[Callable], Callable]:
    if scope not in SCOPES:
        raise ValueError(f"rule {control_id}: scope {scope!r} not in {SCOPES}")

    def decorate(fn: Callable) -> Callable:
        if control_id in _RULES:
            raise ValueError(f"rule for {control_id!r} is defined twice")
        _RULES[control_id] = Rule(control_id, scope, fn)
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
