"""The one set of fake AWS credentials for tests, benchmarks and the sandbox.

moto accepts any key; these make sure botocore never finds a developer's real ones (~/.aws, a profile,
instance metadata) and never signs for a real endpoint by accident.
"""
from __future__ import annotations

import os
from typing import MutableMapping

REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
# Variables that would point botocore at a real account or endpoint: removed, never faked.
REAL_AWS_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE")


def install_fake_credentials(environ: MutableMapping[str, str] | None = None) -> None:
    """Put the fake credentials into ``environ`` (default: this process) and drop the real-AWS variables."""
    environ = os.environ if environ is None else environ
    for key in REAL_AWS_VARIABLES:
        environ.pop(key, None)
    environ.update(FAKE_CREDENTIALS)


def subprocess_env(endpoint: str | None = None, **extra: str) -> dict[str, str]:
    """This process's environment without any AWS_* variable, plus the fake credentials, ``endpoint`` as
    AWS_ENDPOINT_URL (when given) and NO_COLOR=1: what a CLI child process needs to reach the emulator only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(FAKE_CREDENTIALS, NO_COLOR="1", **extra)
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env
