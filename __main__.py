"""trailguard: one stack per AWS Organization. Reads settings, builds the trail, exports its outputs."""
import pulumi

from components.stack_config import load_stack_config
from components.trail import OrganizationTrail, OrganizationTrailArgs

# Raises one SettingsError listing every bad or unknown trailguard:* key before any resource is registered.
settings, monitoring = load_stack_config()

trail = OrganizationTrail(
    "trailguard",
    OrganizationTrailArgs(settings=settings, monitoring=monitoring, region=pulumi.Config("aws").get("region")),
)

for output_name, value in trail.outputs.items():
    pulumi.export(output_name, value)

from components.continuous_audit import deploy_continuous_audit  # noqa: E402 - trailguard:continuousAudit

for output_name, value in deploy_continuous_audit(settings).items():
    pulumi.export(output_name, value)
