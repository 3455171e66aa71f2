"""Component tests: the Pulumi mocks and the `deploy` / `org_plan` fixtures live in testkit/component_mocks.py."""
from testkit.component_mocks import deploy, org_plan  # noqa: F401 - fixtures
