"""The stack's whole ``trailguard:*`` config, read once: every problem in one SettingsError, before any resource.

Two kinds of problem are collected together: keys nobody reads (a typo such as ``disableObjectlock``
would otherwise leave Object Lock on while the user believes it off, or the reverse) and every bad value of
:class:`components.settings.Settings`, the CIS alarm settings included.
"""
from __future__ import annotations

from components import validation
from components.errors import SettingsError, settings_error
from components.settings import NAMESPACE, Settings


def configured_keys() -> list[str]:
    """Every ``trailguard:`` key the engine passed (explicit config and the PULUMI_CONFIG environment)."""
    from pulumi.runtime import config as runtime_config

    names = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
    prefix = f"{NAMESPACE}:"
    return sorted(k[len(prefix):] for k in names if k.startswith(prefix))


def known_keys() -> set[str]:
    return set(Settings.config_keys())


def load_stack_config(config=None, keys: list[str] | None = None):
    """(Settings, MonitoringArgs or None) from ``pulumi.Config("trailguard")``; raises one SettingsError."""
    from components.settings import load_settings

    if config is None:
        import pulumi

        config = pulumi.Config(NAMESPACE)
    keys = configured_keys() if keys is None else keys
    problems = validation.unknown_keys([k for k in keys if k not in known_keys()], known_keys())
    settings = None
    try:
        settings = load_settings(config)
    except SettingsError as exc:
        problems.extend(exc.problems)
    if problems:
        raise settings_error(problems)
    return settings, settings.monitoring
