"""trailguard: one stack per AWS Organization. Reads settings, builds the trail, exports its outputs."""
import importlib.util

import pulumi

from components.settings import load_settings
from components.trail import OrganizationTrail, OrganizationTrailArgs

settings = load_settings()  # raises SettingsError naming every bad key before any resource is registered

monitoring = None
if not settings.disable_cloudwatch_logs and importlib.util.find_spec("components.monitoring") is not None:
    from components.monitoring import MonitoringArgs

    monitoring = MonitoringArgs.from_config(pulumi.Config("trailguard"))

trail = OrganizationTrail(
    "trailguard",
    OrganizationTrailArgs(settings=settings, monitoring=monitoring, region=pulumi.Config("aws").get("region")),
)

for output_name, value in trail.outputs.items():
    pulumi.export(output_name, value)

from components.continuous_audit import deploy_continuous_audit  # noqa: E402 - trailguard:continuousAudit

for output_name, value in deploy_continuous_audit(settings).items():
    pulumi.export(output_name, value)
