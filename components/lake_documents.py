"""The KMS key policy statement CloudTrail Lake needs (pure: no Pulumi import, the key policy builder calls it)."""
from __future__ import annotations

CLOUDTRAIL = "cloudtrail.amazonaws.com"


def key_policy_statement(partition: str, region: str, management_account: str) -> dict:
    """CloudTrail user guide, "Configure AWS KMS key policies for CloudTrail": for event data stores the
    CloudTrail service principal needs kms:GenerateDataKey (encrypt, "Granting encrypt permissions for
    event data stores") and kms:Decrypt (query, "Granting decrypt permissions for event data stores").
    Without them CreateEventDataStore answers InsufficientEncryptionPolicyException. The statement the
    CloudTrail console writes itself ("Default KMS key policy created in CloudTrail console", section
    "Default KMS key policy for CloudTrail Lake event data stores") is exactly this one, with no condition;
    we add none, since a condition key CloudTrail Lake does not send would deny its own calls. ``partition``/``region``/``management_account`` name the statement's scope
    are accepted so a verified condition can be added without changing callers.
    """
    return {
        "Sid": "AllowCloudTrailLakeEventDataStores",
        "Effect": "Allow",
        "Principal": {"Service": CLOUDTRAIL},
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
        "Resource": "*",
    }
