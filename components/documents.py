"""Policy documents for the trail's key, buckets, CloudWatch Logs role and SNS topic, as plain dicts.

Pure functions of ARN strings: components call them inside ``Output.apply`` and ``json.dumps`` the result, and
tests read the registered JSON back. Every ARN is built from partition/region/account/name before the
resource exists, so no policy depends on the resource it protects (no dependency cycle).
"""
from __future__ import annotations

CLOUDTRAIL = "cloudtrail.amazonaws.com"
CT_CONTEXT = "kms:EncryptionContext:aws:cloudtrail:arn"
SNS_CONTEXT = "kms:EncryptionContext:aws:sns:topicArn"  # SNS SSE calls KMS with the topic ARN as context


def trail_arn(partition: str, region: str, account: str, name: str) -> str:
    return f"arn:{partition}:cloudtrail:{region}:{account}:trail/{name}"


def log_group_arn(partition: str, region: str, account: str, name: str) -> str:
    return f"arn:{partition}:logs:{region}:{account}:log-group:{name}"


def bucket_arn(partition: str, name: str) -> str:
    return f"arn:{partition}:s3:::{name}"


def _doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": [s for s in statements if s]}


def _deny_insecure_transport(partition: str, bucket: str) -> dict:
    # Plain-HTTP requests could expose log contents and credentials-in-flight; S3 can't refuse them otherwise.
    arn = bucket_arn(partition, bucket)
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def key_policy(
    *,
    partition: str,
    region: str,
    dns_suffix: str,
    key_account: str,
    management_account: str,
    trail: str,
    reader_accounts: list[str],
    log_group: str | None,
    delivery_topic: str | None,
    alarm_topic: str | None = None,
    alarms_account: str = "",
    cloudtrail_grants: bool = True,
    lake: bool = False,
) -> dict:
    """Key policy for a trailguard CMK (key lives in ``key_account``: management or log archive).

    ``delivery_topic`` / ``alarm_topic`` are topic ARNs (None: no such topic, no grant). With
    ``cloudtrail_grants=False`` the key serves only the log group and the topics (the optional separate key).
    """
    trail_pattern = f"arn:{partition}:cloudtrail:*:{management_account}:trail/*"
    statements = [{
        # The key's own account root keeps full control: without it PutKeyPolicy fails with
        # MalformedPolicyDocumentException (lockout check, trussworks #178) and the key can never be fixed.
        "Sid": "EnableKeyAccountAdministration",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{key_account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }]
    if cloudtrail_grants:
        statements += _cloudtrail_key_statements(trail, trail_pattern, reader_accounts)
    statements += _logs_and_topics_key_statements(
        region=region, dns_suffix=dns_suffix, trail=trail, log_group=log_group, delivery_topic=delivery_topic,
        alarm_topic=alarm_topic, alarms_account=alarms_account or management_account)
    if lake and cloudtrail_grants:  # trailguard:lake: the organization event data store uses the trail's key
        from components.lake_documents import key_policy_statement

        statements.append(key_policy_statement(partition, region, management_account))
    return _doc(*statements)


def _cloudtrail_key_statements(trail: str, trail_pattern: str, reader_accounts: list[str]) -> list[dict]:
    return [
        {
            # Encryption context + SourceArn: only this trail (not any trail that learns the key ARN) can encrypt.
            "Sid": "AllowCloudTrailEncryptLogs",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringLike": {CT_CONTEXT: trail_pattern},
                "StringEquals": {"aws:SourceArn": trail},
            },
        },
        {
            # CreateTrail/UpdateTrail call DescribeKey; missing -> InsufficientEncryptionPolicyException.
            "Sid": "AllowCloudTrailDescribeKey",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail}},
        },
        {
            # With S3 Bucket Keys CloudTrail must Decrypt the bucket-level data key; without it delivery fails.
            "Sid": "AllowCloudTrailDecryptForBucketKeys",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL},
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail}},
        },
        {
            # Readers in the listed accounts may decrypt CloudTrail log files only (context must be CloudTrail's),
            # never other data encrypted under this key (LZA #1170: readers could not decrypt at all).
            "Sid": "AllowLogReadersDecryptCloudTrailLogs",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Decrypt", "kms:ReEncryptFrom"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"kms:CallerAccount": sorted(set(reader_accounts))},
                "StringLike": {CT_CONTEXT: trail_pattern},
            },
        },
    ]


def _logs_and_topics_key_statements(*, region: str, dns_suffix: str, trail: str, log_group: str | None,
                                    delivery_topic: str | None, alarm_topic: str | None,
                                    alarms_account: str) -> list[dict]:
    statements = []
    if log_group:
        statements.append({
            # Without this, CreateLogGroup with a kms_key_id fails with AccessDeniedException
            # (modernisation-platform #11133); ArnEquals keeps other log groups from using the key.
            "Sid": "AllowCloudWatchLogsForTrailLogGroup",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.{dns_suffix}"},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*",
            "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group}},
        })
    if delivery_topic:
        statements.append({
            # Publishing to a KMS-encrypted topic needs the publisher to use the key. SNS passes the topic in
            # the encryption context (aws:sns:topicArn), so only this trail, for this topic, may.
            "Sid": "AllowCloudTrailEncryptedTopicDelivery",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL},
            "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail, SNS_CONTEXT: delivery_topic}},
        })
    if alarm_topic:
        statements.append({
            # CIS alarms publish to a KMS-encrypted topic; CloudWatch silently drops the notification without
            # this. Only when alarms exist, and only for their topic in the alarms' account.
            "Sid": "AllowCloudWatchAlarmsEncryptedTopics",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": alarms_account, SNS_CONTEXT: alarm_topic}},
        })
    return statements


def log_bucket_policy(
    *, partition: str, bucket: str, key_prefix: str, management_account: str, org_id: str, trail: str,
    reader_accounts: list[str] = (),
) -> dict:
    """Bucket policy of the trail's log bucket; ``reader_accounts`` (other than the bucket's own) may read it."""
    arn = bucket_arn(partition, bucket)
    prefix = f"{key_prefix}/" if key_prefix else ""
    # SourceArn stops any other trail (in any account) from writing here (CDK #11602 comment); the ACL
    # condition is what CloudTrail sends and is harmless with BucketOwnerEnforced.
    write_condition = {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail}}
    statements = [
        _deny_insecure_transport(partition, bucket),
        {
            "Sid": "AWSCloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL},
            "Action": "s3:GetBucketAcl",
            "Resource": arn,
            "Condition": {"StringEquals": {"aws:SourceArn": trail}},
        },
        {
            # CreateTrail for an organization trail also probes the management account's own path
            # (natsukium/dotfiles #715), so this path is granted in both modes.
            "Sid": "AWSCloudTrailAccountWrite",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL},
            "Action": "s3:PutObject",
            "Resource": f"{arn}/{prefix}AWSLogs/{management_account}/*",
            "Condition": write_condition,
        },
    ]
    if org_id:
        statements.append({
            # Member-account logs of an organization trail land under AWSLogs/<org id>/ (aws-cdk #22267).
            "Sid": "AWSCloudTrailOrganizationWrite",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL},
            "Action": "s3:PutObject",
            "Resource": f"{arn}/{prefix}AWSLogs/{org_id}/*",
            "Condition": write_condition,
        })
    if reader_accounts:
        statements.append({
            # The key policy lets these accounts decrypt, but a cross-account reader also needs the bucket's
            # grant. Fixed account principals, not "*" + aws:PrincipalAccount: S3's "meaning of public" counts
            # a fixed principal as non-public, so BlockPublicPolicy never rejects this policy. Identity
            # policies in each reader account still decide which of its principals may read; TLS only.
            "Sid": "AllowLogReadersReadOverTls",
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:{partition}:iam::{a}:root" for a in sorted(set(reader_accounts))]},
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [arn, f"{arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
        })
    return _doc(*statements)


def access_log_bucket_policy(*, partition: str, bucket: str, source_bucket: str, source_account: str) -> dict:
    """Bucket policy of the access-log bucket: S3 log delivery for the log bucket only."""
    arn = bucket_arn(partition, bucket)
    return _doc(
        _deny_insecure_transport(partition, bucket),
        {
            # With ACLs disabled the log-delivery group grant is gone; this policy replaces it, and the source
            # conditions stop other buckets (or accounts) from filling this one (confused deputy).
            "Sid": "S3ServerAccessLogsDelivery",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"{arn}/*",
            "Condition": {
                "ArnEquals": {"aws:SourceArn": bucket_arn(partition, source_bucket)},
                "StringEquals": {"aws:SourceAccount": source_account},
            },
        },
    )


def cloudwatch_role_trust() -> dict:
    # No condition: the CloudTrail guide ("Role policy document for CloudTrail to use CloudWatch Logs for
    # monitoring") says this role's policy doesn't support aws:SourceArn or aws:SourceAccount, and with
    # either one CreateTrail fails with InvalidCloudWatchLogsRoleArnException ("Access denied. Check the
    # trust relationships for your role"). The role policy limits what the role can do to our log group.
    return _doc({
        "Sid": "AllowCloudTrailAssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": CLOUDTRAIL},
        "Action": "sts:AssumeRole",
    })


def cloudwatch_role_policy(*, log_group: str, management_account: str, region: str, org_id: str) -> dict:
    """Only the two stream families CloudTrail writes; awsx grants just the first, breaking org trails."""
    resources = [f"{log_group}:log-stream:{management_account}_CloudTrail_{region}*"]
    if org_id:
        resources.append(f"{log_group}:log-stream:{org_id}_*")
    return _doc({
        "Sid": "AllowCloudTrailDeliveryToLogGroup",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": resources,
    })


def delivery_topic_policy(*, topic: str, trail: str) -> dict:
    return _doc(
        {
            # Only this trail may publish: a forged "new log file" notice could point consumers elsewhere.
            "Sid": "AllowCloudTrailPublish",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL},
            "Action": "SNS:Publish",
            "Resource": topic,
            "Condition": {"StringEquals": {"aws:SourceArn": trail}},
        },
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "SNS:Publish",
            "Resource": topic,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )
