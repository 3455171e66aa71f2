"""Pulumi props as the adapter reads them: plain Python values, with preview unknowns made explicit.

pulumi_policy hands validators a proxy that raises ``UnknownValueError`` on *any* read of a value not
known at preview, including ``key in props`` and ``props.get(key)`` (both go through ``__getitem__``).
:func:`plain` walks the proxy through iteration (which never reads a value), catches the error per value
and puts :data:`UNKNOWN` in its place, so the adapter can tell "absent" (provider default applies) from
"unknown" (no verdict) without ever tripping the proxy. Raw sentinel strings (props deserialized without
the proxy, or built by hand in tests) become :data:`UNKNOWN` too.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import proxy as _proxy


class _Unknown:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:  # an unknown is never silently truthy or falsy in a condition
        raise TypeError("an unknown preview value has no truth value; test `is UNKNOWN` first")


UNKNOWN: Any = _Unknown()
_SENTINELS = frozenset({
    _proxy.UNKNOWN_BOOLEAN_VALUE, _proxy.UNKNOWN_NUMBER_VALUE, _proxy.UNKNOWN_STRING_VALUE,
    _proxy.UNKNOWN_ARRAY_VALUE, _proxy.UNKNOWN_ASSET_VALUE, _proxy.UNKNOWN_ARCHIVE_VALUE,
    _proxy.UNKNOWN_OBJECT_VALUE,
})


def _read(container, key):
    try:
        return plain(container[key])
    except _proxy.UnknownValueError:
        return UNKNOWN


def plain(value: Any) -> Any:
    """A deep plain copy of props: dicts, lists and scalars, with UNKNOWN for every unknown value."""
    if isinstance(value, str):
        return UNKNOWN if value in _SENTINELS else value
    if isinstance(value, Mapping):
        return {key: _read(value, key) for key in iter(value)}
    if isinstance(value, Sequence):
        return [_read(value, i) for i in range(len(value))]
    return value


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


def contains_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


@dataclass
class StackResource:
    """One resource of the stack, independent of how it was obtained (policy SDK, mocks, tests)."""

    type: str
    props: dict
    urn: str
    name: str
    dependencies: tuple[str, ...] = ()  # URNs
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)  # prop -> URNs

    def __post_init__(self) -> None:
        self.props = plain(self.props)  # idempotent; makes raw sentinels from any source UNKNOWN

    def get(self, key: str, default: Any = None) -> Any:
        return self.props.get(key, default)

    def deps_of(self, prop: str) -> tuple[str, ...]:
        """URNs the prop was computed from; falls back to all dependencies when the engine gave none."""
        return self.property_dependencies.get(prop) or self.dependencies


def from_policy_resource(resource) -> StackResource:
    """From a pulumi_policy PolicyResource (stack validation) or ResourceValidationArgs."""
    deps = tuple(d.urn for d in getattr(resource, "dependencies", None) or ())
    prop_deps = {k: tuple(d.urn for d in v) for k, v in (getattr(resource, "property_dependencies", None) or {}).items()}
    return StackResource(resource.resource_type, resource.props, resource.urn, resource.name, deps, prop_deps)
