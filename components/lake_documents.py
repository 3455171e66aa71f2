"""The KMS key policy statement CloudTrail Lake needs (pure: no Pulumi import, the key policy builder calls it)."""
from __future__ import annotations

CLOUDTRAIL = "cloudtrail.amazonaws.com"


def key_policy_statement(partition: str, region: str, management_account: str) -> dict:
    """CloudTrail user guide, "Configure AWS KMS key policies for CloudTrail": for event data stores the
    CloudTrail service principal needs kms:GenerateDataKey (encrypt, "Granting encrypt permissions for
    event data stores") and kms:Decrypt (query, "Granting decrypt permissions for event data stores").
    Without them CreateEventDataStore answers InsufficientEncryptionPolicyException. The guide's statement
    carries no condition; we add none we could not verify, since a condition key CloudTrail Lake does not
    send would deny its own calls. ``partition``/``region``/``management_account`` name the statement's scope
    are accepted so a verified condition can be added without changing callers.
    """
    return {
        "Sid": "AllowCloudTrailLakeEventDataStores",
        "Effect": "Allow",
        "Principal": {"Service": CLOUDTRAIL},
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
        "Resource": "*",
    }
