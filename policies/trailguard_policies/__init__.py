"""trailguard's CrossGuard policies: the shared control catalog, enforced on Pulumi stacks.

Importable without starting anything: ``policies/__main__.py`` is the only place a PolicyPack (and its
gRPC server) is constructed.
"""
from .policies import DEFAULT_ENFORCEMENT, build_policies, policy_controls, stack_controls

PACK_NAME = "trailguard"

__all__ = ["DEFAULT_ENFORCEMENT", "PACK_NAME", "build_policies", "policy_controls", "stack_controls"]
