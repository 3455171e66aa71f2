"""Pulumi ComponentResources that provision trailguard's hardened organization trail."""
