"""CloudTrail advanced event selectors built from named presets (config key ``eventSelectors``).

Only advanced selectors are produced. The S3 presets record all current and future buckets, as CIS
3.8/3.9 (v6.0+ 4.8/4.9) and Config's cloudtrail-all-*-s3-data-event-check require. Advanced selectors can
also exclude the trail's own buckets by ARN prefix (``excludeLogBucketsFromDataEvents``, off by default),
against the LZA #1192 feedback loop (~1.5 billion PutObject events from logging the log bucket); that
breaks CT-12/CT-13, so it is an explicit opt-out, never the default. Data selectors never carry management
events (LZA #449 paid for management events three times).
"""
from __future__ import annotations

from checks.shapes import FIELD, OPERATOR_PYTHON, SELECTOR_FIELDS, SELECTOR_NAME
from components.errors import SettingsError

PRESETS = (
    "management-all",
    "management-write-only",
    "exclude-kms-rds-data",
    "s3-read",
    "s3-write",
    "s3-read-write",
    "lambda-all",
    "dynamodb-all",
)
MANAGEMENT_PRESETS = ("management-all", "management-write-only")
S3_PRESETS = ("s3-read", "s3-write", "s3-read-write")
# High-volume, low-value management sources; the CloudTrail console offers the same two exclusions.
NOISY_MANAGEMENT_SOURCES = ["kms.amazonaws.com", "rdsdata.amazonaws.com"]


def preset_errors(key: str, presets: list[str]) -> list[str]:
    """Every problem with a preset list: unknown names, duplicates and contradictory combinations."""
    errors = []
    unknown = [p for p in presets if p not in PRESETS]
    if unknown:
        errors.append(f"{key}: unknown preset(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(PRESETS)}.")
    if not presets:
        errors.append(f"{key}: [] selects no events; allowed: a list of one or more of {', '.join(PRESETS)}.")
    duplicates = sorted({p for p in presets if presets.count(p) > 1})
    if duplicates:
        errors.append(f"{key}: preset(s) {', '.join(duplicates)} listed more than once; list each preset once.")
    for group, what in ((MANAGEMENT_PRESETS, "management"), (S3_PRESETS, "S3")):
        chosen = sorted({p for p in presets if p in group})
        if len(chosen) > 1:
            errors.append(f"{key}: presets {', '.join(chosen)} conflict; choose at most one {what} mode of "
                          f"{', '.join(group)}.")
    if "exclude-kms-rds-data" in presets and not any(p in MANAGEMENT_PRESETS for p in presets):
        errors.append(f"{key}: exclude-kms-rds-data narrows management events, so it needs one of "
                      f"{', '.join(MANAGEMENT_PRESETS)}.")
    return errors


def _field(field: str, **ops: list[str]) -> dict:
    """A field selector dict of pulumi_aws argument names; ``ops`` are named as the facts name them
    (``starts_with``), and checks.shapes gives v7's argument name (``starts_withs``)."""
    return {FIELD.python: field, **{OPERATOR_PYTHON[op]: values for op, values in ops.items() if values}}


def _selector(name: str, fields: list[dict]) -> dict:
    return {SELECTOR_NAME.python: name, SELECTOR_FIELDS.python: fields}


def build_selectors(
    presets: list[str],
    *,
    partition: str,
    excluded_buckets: list[str],
    exclude_own_buckets: bool = False,
    s3_buckets: list[str] = (),
    lambda_function_arns: list[str] = (),
    dynamodb_table_arns: list[str] = (),
) -> list[dict]:
    """Advanced selectors for validated presets, as dicts of pulumi-aws v7 argument names (checks.shapes).

    ``excluded_buckets`` are the trail's own log buckets: never listed in ``s3_buckets`` (a loop), and left
    out of the all-buckets S3 presets only when ``exclude_own_buckets`` is set.

    v7 spells the prefix/suffix operators in the plural (``starts_withs``, ``not_starts_withs``); the engine
    names are ``startsWiths``/``notStartsWiths``. :func:`to_args` turns the dicts into typed args, which
    raise TypeError on a misspelt operator instead of silently dropping it.
    """
    selectors = []
    if any(p in MANAGEMENT_PRESETS for p in presets):
        fields = [_field("eventCategory", equals=["Management"])]
        if "management-write-only" in presets:
            fields.append(_field("readOnly", equals=["false"]))
        if "exclude-kms-rds-data" in presets:
            fields.append(_field("eventSource", not_equals=list(NOISY_MANAGEMENT_SOURCES)))
        selectors.append(_selector("Management events", fields))

    s3_mode = next((p for p in presets if p in S3_PRESETS), None)
    if s3_mode:
        fields = [_field("eventCategory", equals=["Data"]), _field("resources.type", equals=["AWS::S3::Object"])]
        if s3_mode != "s3-read-write":
            fields.append(_field("readOnly", equals=["true" if s3_mode == "s3-read" else "false"]))
        own = set(excluded_buckets)
        if s3_buckets:
            # One resources.ARN field per selector: listing buckets already leaves the trail's own buckets out,
            # so drop them from the list rather than adding a second (rejected) resources.ARN condition.
            chosen = [b for b in s3_buckets if b not in own]
            if not chosen:
                raise SettingsError(
                    f"s3DataEventBuckets: {list(s3_buckets)!r} lists only the trail's own log buckets, whose data "
                    "events would loop back into the trail; allowed: other bucket names.")
            fields.append(_field("resources.ARN", starts_with=[f"arn:{partition}:s3:::{b}/" for b in chosen]))
        elif exclude_own_buckets and excluded_buckets:
            # Opt-in only: "all buckets" minus the log buckets fails CIS 3.8/3.9 and Config (CT-12/CT-13).
            fields.append(_field("resources.ARN",
                                 not_starts_with=[f"arn:{partition}:s3:::{b}/" for b in excluded_buckets]))
        selectors.append(_selector(f"S3 data events ({s3_mode})", fields))

    for preset, rtype, arns, title in (
        ("lambda-all", "AWS::Lambda::Function", lambda_function_arns, "Lambda data events"),
        ("dynamodb-all", "AWS::DynamoDB::Table", dynamodb_table_arns, "DynamoDB data events"),
    ):
        if preset in presets:
            fields = [_field("eventCategory", equals=["Data"]), _field("resources.type", equals=[rtype])]
            if arns:
                fields.append(_field("resources.ARN", equals=list(arns)))
            selectors.append(_selector(title, fields))
    return selectors


def to_args(selectors: list[dict]) -> list:
    import pulumi_aws as aws

    return [
        aws.cloudtrail.TrailAdvancedEventSelectorArgs(
            name=sel[SELECTOR_NAME.python],
            field_selectors=[aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(**f)
                             for f in sel[SELECTOR_FIELDS.python]],
        )
        for sel in selectors
    ]
