"""LogBucket: a hardened S3 bucket for CloudTrail logs or for the server access logs of that bucket."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class LogBucketArgs:
    bucket_name: str
    policy: dict  # full bucket policy document (see components.documents)
    kms_key_arn: pulumi.Input[str] | None = None  # None: SSE-S3 (AES256)
    object_lock_mode: str | None = "GOVERNANCE"  # None: no Object Lock (required for access-log targets)
    object_lock_days: int = 365
    transition_days: int = 90
    transition_storage_class: str = "GLACIER_IR"
    expiration_days: int = 365
    noncurrent_version_expiration_days: int = 90
    abort_incomplete_multipart_upload_days: int = 7
    access_log_bucket: pulumi.Input[str] | None = None  # None: no server access logging
    access_log_prefix: str = ""
    access_log_depends_on: list = field(default_factory=list)  # the target's policy must exist first
    protect: bool = True
    tags: dict = field(default_factory=dict)


class LogBucket(pulumi.ComponentResource):
    bucket: aws.s3.Bucket
    policy: aws.s3.BucketPolicy
    object_lock: aws.s3.BucketObjectLockConfiguration | None
    logging: aws.s3.BucketLogging | None

    def __init__(self, name: str, args: LogBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("trailguard:index:LogBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=args.bucket_name,
            # Enabled at creation so the lock exists before CloudTrail's first write (no unlocked window).
            object_lock_enabled=bool(args.object_lock_mode),
            force_destroy=False,  # awsx defaults to force_destroy=true, which deletes evidence on destroy
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect),
        )
        bucket_id = self.bucket.id
        # BucketOwnerEnforced disables ACLs, so no writer can keep ownership of a log object or grant it away
        # (cloudposse #71 InvalidBucketAclWithObjectOwnership came from mixing ACLs and ownership).
        self.ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership", bucket=bucket_id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child)
        self.public_access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access-block",
            bucket=bucket_id,
            block_public_acls=True,
            ignore_public_acls=True,
            block_public_policy=True,
            restrict_public_buckets=True,
            opts=child,
        )
        # Versioning keeps overwritten or deleted log files recoverable; Object Lock also requires it.
        self.versioning = aws.s3.BucketVersioning(
            f"{name}-versioning", bucket=bucket_id, versioning_configuration={"status": "Enabled"}, opts=child)
        if args.kms_key_arn is not None:
            default = {"sse_algorithm": "aws:kms", "kms_master_key_id": args.kms_key_arn}
            bucket_key = True  # one KMS call per bucket-level key instead of per object: cost and throttling
        else:
            default = {"sse_algorithm": "AES256"}
            bucket_key = False
        self.encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket_id,
            rules=[{"apply_server_side_encryption_by_default": default, "bucket_key_enabled": bucket_key}],
            opts=child,
        )
        self.lifecycle = aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket_id,
            # S3's default (all_storage_classes_128K) never transitions objects under 128 KB, and most CloudTrail
            # and access-log objects are that small. varies_by_storage_class lets them reach GLACIER and
            # DEEP_ARCHIVE; GLACIER_IR, STANDARD_IA and INTELLIGENT_TIERING still skip them (docs/provisioning.md).
            transition_default_minimum_object_size="varies_by_storage_class",
            rules=[{
                "id": "trailguard-retention",
                "status": "Enabled",
                "filter": {"prefix": ""},
                "transitions": [{"days": args.transition_days, "storage_class": args.transition_storage_class}],
                "expiration": {"days": args.expiration_days},
                "noncurrent_version_expiration": {"noncurrent_days": args.noncurrent_version_expiration_days},
                "abort_incomplete_multipart_upload": {
                    "days_after_initiation": args.abort_incomplete_multipart_upload_days},
            }],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.versioning]),
        )
        self.object_lock = None
        if args.object_lock_mode:
            # Default retention makes every log version undeletable (GOVERNANCE: without the bypass
            # permission; COMPLIANCE: by anyone) until it ages out, so a compromised admin can't erase evidence.
            self.object_lock = aws.s3.BucketObjectLockConfiguration(
                f"{name}-object-lock",
                bucket=bucket_id,
                object_lock_enabled="Enabled",
                rule={"default_retention": {"mode": args.object_lock_mode, "days": args.object_lock_days}},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.versioning]),
            )
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket_id,
            policy=pulumi.Output.from_input(args.policy).apply(json.dumps),
            # PutBucketPolicy fails with AccessDenied while BlockPublicPolicy is being applied concurrently.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.public_access_block, self.ownership]),
        )
        self.logging = None
        if args.access_log_bucket is not None:
            self.logging = aws.s3.BucketLogging(
                f"{name}-logging",
                bucket=bucket_id,
                target_bucket=args.access_log_bucket,
                target_prefix=args.access_log_prefix,
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.access_log_depends_on)),
            )
        self.bucket_name = self.bucket.bucket
        self.arn = self.bucket.arn
        self.register_outputs({"bucketName": self.bucket.bucket, "bucketArn": self.bucket.arn})
