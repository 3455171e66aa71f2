"""CloudTrail shapes: one table of the names each layer gives the same trail setting or selector key.

Four layers name the same thing four ways, and a misspelling in any one of them is silent (a missing key
reads as "not set"): the facts (``checks.facts``, snake_case), the CloudTrail API as botocore models it
(PascalCase), the Pulumi engine (camelCase props the policy pack and the emulator see) and the pulumi_aws
Python SDK (snake_case args the components write). pulumi-aws v7 spells the prefix/suffix operators in the
plural (``startsWiths``); the API and the facts use the singular. A pack that read the singular judged a
one-bucket S3 selector as "all buckets" (issue 18).

tests/checks/test_shapes.py holds every row against botocore's ``cloudtrail`` service model and the
pulumi_aws types, so a provider or API rename fails a test instead of a control. The collector, the pack
adapter, the components and the emulator read these rows; none keeps its own copy.
"""
from __future__ import annotations

from dataclasses import dataclass

from checks.facts import FieldSelector


@dataclass(frozen=True)
class Key:
    """One key under its four names."""

    fact: str  # attribute of the checks.facts dataclass
    api: str  # member of the botocore cloudtrail shape
    engine: str  # Pulumi engine (camelCase) property name: what the pack and the emulator read
    python: str  # pulumi_aws Python argument / getter name: what the components write

    @property
    def record(self) -> str:
        """The key in a CloudTrail event record's ``requestParameters`` (a PutEventSelectors call as CloudTrail
        logs it): the API member in lowerCamel, singular like the API (``startsWith``, not v7's ``startsWiths``)."""
        return self.api[:1].lower() + self.api[1:]


# AdvancedEventSelector (API) / TrailAdvancedEventSelector (pulumi_aws) -> checks.facts.AdvancedSelector
SELECTOR_NAME = Key("name", "Name", "name", "name")
SELECTOR_FIELDS = Key("field_selectors", "FieldSelectors", "fieldSelectors", "field_selectors")

# AdvancedFieldSelector (API) / TrailAdvancedEventSelectorFieldSelector (pulumi_aws) -> checks.facts.FieldSelector
FIELD = Key("field", "Field", "field", "field")
OPERATORS: tuple[Key, ...] = (
    Key("equals", "Equals", "equals", "equals"),
    Key("not_equals", "NotEquals", "notEquals", "not_equals"),
    Key("starts_with", "StartsWith", "startsWiths", "starts_withs"),
    Key("not_starts_with", "NotStartsWith", "notStartsWiths", "not_starts_withs"),
    Key("ends_with", "EndsWith", "endsWiths", "ends_withs"),
    Key("not_ends_with", "NotEndsWith", "notEndsWiths", "not_ends_withs"),
)
OPERATOR_PYTHON = {op.fact: op.python for op in OPERATORS}


@dataclass(frozen=True)
class TrailKey:
    """A trail setting: DescribeTrails names some members differently from CreateTrail's request."""

    fact: str  # checks.facts.TrailFacts attribute
    described: str  # member of the Trail shape DescribeTrails returns
    created: str  # member of the CreateTrail request
    engine: str  # aws:cloudtrail/trail:Trail property
    python: str  # pulumi_aws.cloudtrail.Trail argument
    default: bool | str | None = ""  # the provider's value when the prop is absent ("": not set; None: required)


TRAIL_KEYS: tuple[TrailKey, ...] = (
    TrailKey("is_multi_region", "IsMultiRegionTrail", "IsMultiRegionTrail", "isMultiRegionTrail",
             "is_multi_region_trail", False),
    TrailKey("is_organization", "IsOrganizationTrail", "IsOrganizationTrail", "isOrganizationTrail",
             "is_organization_trail", False),
    TrailKey("include_global_service_events", "IncludeGlobalServiceEvents", "IncludeGlobalServiceEvents",
             "includeGlobalServiceEvents", "include_global_service_events", True),
    TrailKey("log_file_validation_enabled", "LogFileValidationEnabled", "EnableLogFileValidation",
             "enableLogFileValidation", "enable_log_file_validation", False),
    TrailKey("kms_key_id", "KmsKeyId", "KmsKeyId", "kmsKeyId", "kms_key_id"),
    TrailKey("s3_bucket_name", "S3BucketName", "S3BucketName", "s3BucketName", "s3_bucket_name", None),
    TrailKey("s3_key_prefix", "S3KeyPrefix", "S3KeyPrefix", "s3KeyPrefix", "s3_key_prefix"),
    # CreateTrail takes a topic name (or ARN) and DescribeTrails answers the ARN; the provider sends and
    # reads back the name, so the fact (an ARN) needs resolving from the engine's value.
    TrailKey("sns_topic_arn", "SnsTopicARN", "SnsTopicName", "snsTopicName", "sns_topic_name"),
    TrailKey("cloudwatch_logs_log_group_arn", "CloudWatchLogsLogGroupArn", "CloudWatchLogsLogGroupArn",
             "cloudWatchLogsGroupArn", "cloud_watch_logs_group_arn"),
    TrailKey("cloudwatch_logs_role_arn", "CloudWatchLogsRoleArn", "CloudWatchLogsRoleArn", "cloudWatchLogsRoleArn",
             "cloud_watch_logs_role_arn"),
)
TRAIL_KEY = {k.fact: k for k in TRAIL_KEYS}


def _strings(values) -> tuple[str, ...]:
    return tuple(str(v) for v in (values or ()))


def field_selector(raw: dict, layer: str) -> FieldSelector:
    """One field selector as the API (``layer="api"``), the Pulumi engine (``"engine"``) or a CloudTrail event
    record (``"record"``) spells it."""
    return FieldSelector(field=raw.get(getattr(FIELD, layer)) or "",
                         **{op.fact: _strings(raw.get(getattr(op, layer))) for op in OPERATORS})


def engine_to_api(raw: dict) -> dict:
    """An engine field selector as the PutEventSelectors request member (absent or empty operators left out:
    the API requires at least one value per operator it is given)."""
    renamed = {FIELD.api: raw.get(FIELD.engine), **{op.api: raw.get(op.engine) for op in OPERATORS}}
    return {key: value for key, value in renamed.items() if value is not None and value != []}
