"""Explicit AWS providers: the local sandbox emulator and the log-archive account (assumed role)."""
from __future__ import annotations

import pulumi
import pulumi_aws as aws

# Every service the program calls; the sandbox provider points each at the emulator so nothing leaks to AWS.
SANDBOX_SERVICES = ("cloudtrail", "cloudwatch", "cloudwatchlogs", "iam", "kms", "s3", "sns", "sts", "organizations")
SANDBOX_KEYS = {"access_key": "testing", "secret_key": "testing"}  # moto accepts any key; never real ones


def sandbox_provider_args(endpoint: str, region: str) -> dict:
    """Provider arguments that keep every call on ``endpoint`` (a moto server) and skip real-AWS lookups."""
    return {
        "region": region,
        # Typed args: provider config is sent as JSON, and only typed args get the engine's camelCase keys.
        "endpoints": [aws.ProviderEndpointArgs(**{service: endpoint for service in SANDBOX_SERVICES})],
        "skip_credentials_validation": True,
        "skip_requesting_account_id": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
        "s3_use_path_style": True,  # host:port emulators have no bucket-name DNS
        **SANDBOX_KEYS,
    }


def sandbox_provider(name: str, endpoint: str, region: str, opts: pulumi.ResourceOptions) -> aws.Provider:
    return aws.Provider(name, **sandbox_provider_args(endpoint, region), opts=opts)


def archive_provider(
    name: str, role_arn: str, region: str, opts: pulumi.ResourceOptions, sandbox_endpoint: str = ""
) -> aws.Provider:
    """A provider that assumes ``role_arn`` in the log-archive account (bucket and key are created there)."""
    extra = sandbox_provider_args(sandbox_endpoint, region) if sandbox_endpoint else {"region": region}
    return aws.Provider(
        name,
        assume_roles=[aws.ProviderAssumeRoleArgs(role_arn=role_arn, session_name="trailguard-provisioning")],
        **extra,
        opts=opts,
    )
