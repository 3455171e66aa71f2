"""One function per pulumi-aws resource type: create it in the emulator with boto3, return (id, state).

`state` is what pulumi-aws would report beyond the echoed inputs (arn, generated names, ...), so
outputs flow between resources as in a real deployment. Ids follow pulumi-aws v7: a bucket's id is its
name, a key's its key id, a log group's its name, a topic's its ARN, a trail's its ARN.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sandbox.convert import as_json_text, drop_none, numbers, pascal, physical_name, tag_list
from checks.shapes import SELECTOR_FIELDS, SELECTOR_NAME, TRAIL_KEYS, engine_to_api


@dataclass
class Ctx:
    """Where one resource is created: clients bound to its account's credentials and region."""

    client: Callable[[str], Any]  # service name -> boto3 client
    account_id: str
    region: str
    partition: str = "aws"

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        return (f"arn:{self.partition}:{service}:{self.region if region else ''}:"
                f"{self.account_id if account else ''}:{resource}")


Handler = Callable[[Ctx, str, dict], tuple[str, dict]]
HANDLERS: dict[str, Handler] = {}

# Inline bucket sub-configurations pulumi-aws v7 still accepts but deprecates; the components use the
# separate resources. Creating the bucket without them would silently drop a hardening setting.
_LEGACY_BUCKET_INPUTS = ("acl", "grants", "versioning", "serverSideEncryptionConfiguration", "logging",
                         "lifecycleRules", "objectLockConfiguration", "policy", "corsRules", "website")


def handles(*tokens: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for token in tokens:
            HANDLERS[token] = fn
        return fn
    return register


class UnsupportedInput(ValueError):
    pass


# --- KMS --------------------------------------------------------------------------------------------


@handles("aws:kms/key:Key")
def kms_key(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    kms = ctx.client("kms")
    params = drop_none({
        "Description": p.get("description"),
        "KeyUsage": p.get("keyUsage"),
        "KeySpec": p.get("customerMasterKeySpec") or p.get("keySpec"),
        "Policy": as_json_text(p["policy"]) if p.get("policy") else None,
        "MultiRegion": p.get("multiRegion"),
        "BypassPolicyLockoutSafetyCheck": p.get("bypassPolicyLockoutSafetyCheck"),
        "Tags": tag_list(p.get("tags"), "TagKey", "TagValue"),
    })
    meta = kms.create_key(**params)["KeyMetadata"]
    if p.get("enableKeyRotation"):
        kms.enable_key_rotation(**drop_none({"KeyId": meta["KeyId"],
                                             "RotationPeriodInDays": p.get("rotationPeriodInDays")}))
    if p.get("isEnabled") is False:
        kms.disable_key(KeyId=meta["KeyId"])
    return meta["KeyId"], {"arn": meta["Arn"], "keyId": meta["KeyId"]}


@handles("aws:kms/alias:Alias")
def kms_alias(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    alias = physical_name(f"alias/{name}", p)
    ctx.client("kms").create_alias(AliasName=alias, TargetKeyId=p["targetKeyId"])
    key_arn = p["targetKeyId"] if p["targetKeyId"].startswith("arn:") else ctx.arn(
        "kms", f"key/{p['targetKeyId']}")
    return alias, {"name": alias, "arn": ctx.arn("kms", alias), "targetKeyArn": key_arn}


# --- S3 ---------------------------------------------------------------------------------------------


@handles("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
def s3_bucket(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    legacy = [k for k in _LEGACY_BUCKET_INPUTS if p.get(k)]
    if legacy:
        raise UnsupportedInput(
            f"bucket {name!r}: inline {', '.join(legacy)} not supported by the sandbox deployer; "
            "use the separate aws.s3.Bucket* resources."
        )
    bucket = physical_name(name, p, key="bucket", lower=True, max_len=63)
    s3 = ctx.client("s3")
    params: dict[str, Any] = {"Bucket": bucket}
    if ctx.region != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
    if p.get("objectLockEnabled"):
        params["ObjectLockEnabledForBucket"] = True
    s3.create_bucket(**params)
    if p.get("tags"):
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tag_list(p["tags"])})
    return bucket, {
        "bucket": bucket,
        "arn": f"arn:{ctx.partition}:s3:::{bucket}",
        "bucketDomainName": f"{bucket}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{bucket}.s3.{ctx.region}.amazonaws.com",
        "region": ctx.region,
        "objectLockEnabled": bool(p.get("objectLockEnabled")),
    }


@handles("aws:s3/bucketOwnershipControls:BucketOwnershipControls")
def s3_ownership(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    ctx.client("s3").put_bucket_ownership_controls(
        Bucket=p["bucket"], OwnershipControls={"Rules": [pascal(p["rule"])]})
    return p["bucket"], {}


@handles("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
def s3_public_access_block(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    flags = ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")
    config = {f[:1].upper() + f[1:]: bool(p.get(f)) for f in flags}
    ctx.client("s3").put_public_access_block(Bucket=p["bucket"], PublicAccessBlockConfiguration=config)
    return p["bucket"], {}


@handles("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
def s3_versioning(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    ctx.client("s3").put_bucket_versioning(
        Bucket=p["bucket"], VersioningConfiguration=pascal(p["versioningConfiguration"]))
    return p["bucket"], {}


@handles("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
         "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
def s3_encryption(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    ctx.client("s3").put_bucket_encryption(
        Bucket=p["bucket"], ServerSideEncryptionConfiguration={"Rules": pascal(p["rules"])})
    return p["bucket"], {}


@handles("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
         "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
def s3_lifecycle(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    ctx.client("s3").put_bucket_lifecycle_configuration(**drop_none({
        "Bucket": p["bucket"], "LifecycleConfiguration": {"Rules": pascal(p["rules"])},
        "TransitionDefaultMinimumObjectSize": p.get("transitionDefaultMinimumObjectSize")}))
    return p["bucket"], {}


@handles("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
def s3_logging(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    enabled = drop_none({"TargetBucket": p["targetBucket"], "TargetPrefix": p.get("targetPrefix", ""),
                         "TargetObjectKeyFormat": pascal(p.get("targetObjectKeyFormat"))})
    ctx.client("s3").put_bucket_logging(Bucket=p["bucket"],
                                        BucketLoggingStatus={"LoggingEnabled": enabled})
    return p["bucket"], {}


@handles("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
         "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2")
def s3_object_lock(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    config = drop_none({"ObjectLockEnabled": p.get("objectLockEnabled") or "Enabled",
                        "Rule": pascal(p.get("rule"))})
    ctx.client("s3").put_object_lock_configuration(Bucket=p["bucket"], ObjectLockConfiguration=config)
    return p["bucket"], {}


@handles("aws:s3/bucketPolicy:BucketPolicy")
def s3_policy(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    ctx.client("s3").put_bucket_policy(Bucket=p["bucket"], Policy=as_json_text(p["policy"]))
    return p["bucket"], {}


# --- CloudWatch Logs, IAM ---------------------------------------------------------------------------


@handles("aws:cloudwatch/logGroup:LogGroup")
def log_group(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    group = physical_name(name, p, max_len=512)
    logs = ctx.client("logs")
    logs.create_log_group(**drop_none({"logGroupName": group, "kmsKeyId": p.get("kmsKeyId"),
                                       "tags": p.get("tags"), "logGroupClass": p.get("logGroupClass")}))
    if p.get("retentionInDays"):
        logs.put_retention_policy(logGroupName=group, retentionInDays=numbers(p["retentionInDays"]))
    # pulumi-aws (v6+) reports the ARN without the trailing ":*" DescribeLogGroups adds.
    return group, {"name": group, "arn": ctx.arn("logs", f"log-group:{group}")}


@handles("aws:cloudwatch/logMetricFilter:LogMetricFilter")
def log_metric_filter(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    t = p["metricTransformation"]
    transformation = drop_none({"metricName": t["name"], "metricNamespace": t["namespace"],
                                "metricValue": t["value"], "defaultValue": t.get("defaultValue"),
                                "unit": t.get("unit"), "dimensions": t.get("dimensions")})
    ctx.client("logs").put_metric_filter(logGroupName=p["logGroupName"], filterName=p["name"],
                                         filterPattern=p["pattern"],
                                         metricTransformations=[transformation])
    return p["name"], {}


@handles("aws:iam/role:Role")
def iam_role(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    role = physical_name(name, p, max_len=64)
    iam = ctx.client("iam")
    created = iam.create_role(**drop_none({
        "RoleName": role, "AssumeRolePolicyDocument": as_json_text(p["assumeRolePolicy"]),
        "Path": p.get("path"), "Description": p.get("description"),
        "MaxSessionDuration": p.get("maxSessionDuration"), "Tags": tag_list(p.get("tags")),
        "PermissionsBoundary": p.get("permissionsBoundary"),
    }))["Role"]
    for policy in p.get("inlinePolicies") or []:
        iam.put_role_policy(RoleName=role, PolicyName=policy["name"],
                            PolicyDocument=as_json_text(policy["policy"]))
    for policy_arn in p.get("managedPolicyArns") or []:
        iam.attach_role_policy(RoleName=role, PolicyArn=policy_arn)
    return role, {"name": role, "arn": created["Arn"], "uniqueId": created["RoleId"]}


@handles("aws:iam/rolePolicy:RolePolicy")
def iam_role_policy(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    policy = physical_name(name, p, max_len=128)
    ctx.client("iam").put_role_policy(RoleName=p["role"], PolicyName=policy,
                                      PolicyDocument=as_json_text(p["policy"]))
    return f"{p['role']}:{policy}", {"name": policy}


@handles("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
def iam_role_policy_attachment(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    ctx.client("iam").attach_role_policy(RoleName=p["role"], PolicyArn=p["policyArn"])
    return f"{p['role']}/{p['policyArn']}", {}


# --- SNS, SQS ---------------------------------------------------------------------------------------


@handles("aws:sns/topic:Topic")
def sns_topic(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    topic = physical_name(name, p, max_len=256)
    attrs = drop_none({"KmsMasterKeyId": p.get("kmsMasterKeyId"), "DisplayName": p.get("displayName"),
                       "Policy": as_json_text(p["policy"]) if p.get("policy") else None,
                       "FifoTopic": "true" if p.get("fifoTopic") else None})
    arn = ctx.client("sns").create_topic(**drop_none({
        "Name": topic, "Attributes": attrs, "Tags": tag_list(p.get("tags"))}))["TopicArn"]
    return arn, {"name": topic, "arn": arn, "owner": ctx.account_id}


@handles("aws:sns/topicPolicy:TopicPolicy")
def sns_topic_policy(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    ctx.client("sns").set_topic_attributes(TopicArn=p["arn"], AttributeName="Policy",
                                           AttributeValue=as_json_text(p["policy"]))
    return p["arn"], {"owner": ctx.account_id}


@handles("aws:sns/topicSubscription:TopicSubscription")
def sns_subscription(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    attrs = drop_none({"RawMessageDelivery": "true" if p.get("rawMessageDelivery") else None,
                       "FilterPolicy": p.get("filterPolicy"),
                       "RedrivePolicy": p.get("redrivePolicy")})
    arn = ctx.client("sns").subscribe(**drop_none({
        "TopicArn": p["topic"], "Protocol": p["protocol"], "Endpoint": p["endpoint"],
        "Attributes": attrs, "ReturnSubscriptionArn": True}))["SubscriptionArn"]
    return arn, {"arn": arn, "ownerId": ctx.account_id,
                 "pendingConfirmation": arn == "PendingConfirmation"}


@handles("aws:sqs/queue:Queue")
def sqs_queue(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    queue = physical_name(name, p, max_len=80)
    attrs = drop_none({"KmsMasterKeyId": p.get("kmsMasterKeyId"),
                       "Policy": as_json_text(p["policy"]) if p.get("policy") else None})
    sqs = ctx.client("sqs")
    url = sqs.create_queue(**drop_none({"QueueName": queue, "Attributes": attrs,
                                        "tags": p.get("tags")}))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, {"name": queue, "arn": arn, "url": url}


@handles("aws:sqs/queuePolicy:QueuePolicy")
def sqs_queue_policy(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    ctx.client("sqs").set_queue_attributes(QueueUrl=p["queueUrl"],
                                           Attributes={"Policy": as_json_text(p["policy"])})
    return p["queueUrl"], {}


# --- CloudTrail, CloudWatch alarms ------------------------------------------------------------------


@handles("aws:cloudtrail/trail:Trail")
def cloudtrail_trail(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    trail = physical_name(name, p, max_len=128)
    ct = ctx.client("cloudtrail")
    topic = p.get("snsTopicName")
    if topic and topic.startswith("arn:"):
        # AWS takes a topic name or ARN; moto builds the ARN from a name in the trail's own account and
        # region, so an ARN there must be reduced to its name (and can only point at that account).
        if topic.split(":")[3:5] != [ctx.region, ctx.account_id]:
            raise UnsupportedInput(f"trail {name!r}: the sandbox supports delivery topics in the trail's own "
                                   f"account and region only, not {topic}.")
        topic = topic.split(":")[-1]
    # An absent prop takes the provider's default (a flag) or stays unset (a name or ARN: None is dropped).
    request = {key.created: p.get(key.engine, key.default if isinstance(key.default, bool) else None)
               for key in TRAIL_KEYS}
    request.update(Name=trail, SnsTopicName=topic, TagsList=tag_list(p.get("tags")))
    created = ct.create_trail(**drop_none(request))
    arn = created["TrailARN"]
    if p.get("advancedEventSelectors"):
        ct.put_event_selectors(TrailName=arn, AdvancedEventSelectors=[
            _advanced_selector(s) for s in p["advancedEventSelectors"]])
    elif p.get("eventSelectors"):
        ct.put_event_selectors(TrailName=arn, EventSelectors=pascal(p["eventSelectors"]))
    if p.get("insightSelectors"):
        ct.put_insight_selectors(TrailName=arn, InsightSelectors=pascal(p["insightSelectors"]))
    # The provider starts logging unless told not to: a created trail that records nothing is the
    # "stopped trail" misconfiguration, so the sandbox must not produce it by accident.
    if p.get("enableLogging", True):
        ct.start_logging(Name=arn)
    return arn, {"arn": arn, "name": trail, "homeRegion": ctx.region,
                 "snsTopicArn": created.get("SnsTopicARN", "")}


def _advanced_selector(selector: dict) -> dict:
    fields = [engine_to_api(fs) for fs in selector.get(SELECTOR_FIELDS.engine) or []]
    return drop_none({SELECTOR_NAME.api: selector.get(SELECTOR_NAME.engine), SELECTOR_FIELDS.api: fields})


@handles("aws:cloudwatch/metricAlarm:MetricAlarm")
def metric_alarm(ctx: Ctx, name: str, p: dict) -> tuple[str, dict]:
    alarm = physical_name(name, p, max_len=255)
    dims = [{"Name": k, "Value": v} for k, v in (p.get("dimensions") or {}).items()]
    ctx.client("cloudwatch").put_metric_alarm(**drop_none({
        "AlarmName": alarm, "AlarmDescription": p.get("alarmDescription"),
        "ActionsEnabled": p.get("actionsEnabled", True), "AlarmActions": p.get("alarmActions"),
        "OKActions": p.get("okActions"), "InsufficientDataActions": p.get("insufficientDataActions"),
        "MetricName": p.get("metricName"), "Namespace": p.get("namespace"),
        "Statistic": p.get("statistic"), "ExtendedStatistic": p.get("extendedStatistic"),
        "Period": p.get("period"), "EvaluationPeriods": p["evaluationPeriods"],
        "DatapointsToAlarm": p.get("datapointsToAlarm"), "Threshold": p.get("threshold"),
        "ComparisonOperator": p["comparisonOperator"], "TreatMissingData": p.get("treatMissingData"),
        "Unit": p.get("unit"), "Dimensions": dims, "Tags": tag_list(p.get("tags")),
    }))
    return alarm, {"name": alarm, "arn": ctx.arn("cloudwatch", f"alarm:{alarm}")}

from sandbox import continuous_handlers  # noqa: E402,F401 - registers the scheduled audit's types
