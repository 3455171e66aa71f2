"""CloudTrail quotas the settings can exceed, checked before anything is registered.

"Advanced event selectors: a trail can have up to 500 values across all conditions in all selectors"
(CloudTrail User Guide, "Quotas in AWS CloudTrail"; cannot be raised). The provider calls
PutEventSelectors after CreateTrail, so an over-limit list would fail with the trail already created.
"""
from __future__ import annotations

from checks.shapes import OPERATORS, SELECTOR_FIELDS
from components.event_selectors import build_selectors

SELECTOR_VALUE_QUOTA = 500


def selector_value_count(selectors: list[dict]) -> int:
    """Values across every operator of every field selector (build_selectors' dicts)."""
    return sum(len(fs.get(op.python) or ()) for sel in selectors for fs in sel[SELECTOR_FIELDS.python]
               for op in OPERATORS)


def selector_quota_problem(settings) -> str | None:
    """None when the trail's selectors fit; else one sentence naming the settings that add values."""
    own = ["trail-log-bucket"] + ([] if settings.disable_access_logging else ["trail-access-log-bucket"])
    try:
        selectors = build_selectors(
            list(settings.event_selectors), partition="aws", excluded_buckets=own,
            s3_buckets=list(settings.s3_data_event_buckets), lambda_function_arns=list(settings.lambda_function_arns),
            dynamodb_table_arns=list(settings.dynamodb_table_arns))
    except Exception:  # other validations already name what is wrong with these lists
        return None
    total = selector_value_count(selectors)
    if total <= SELECTOR_VALUE_QUOTA:
        return None
    parts = [f"{key} {len(values)}" for key, values in (
        ("s3DataEventBuckets", settings.s3_data_event_buckets), ("lambdaFunctionArns", settings.lambda_function_arns),
        ("dynamodbTableArns", settings.dynamodb_table_arns)) if values]
    fixed = total - sum(len(v) for v in (settings.s3_data_event_buckets, settings.lambda_function_arns,
                                         settings.dynamodb_table_arns))
    parts.append(f"eventSelectors presets {fixed}")
    return (f"s3DataEventBuckets / lambdaFunctionArns / dynamodbTableArns: the trail's advanced event selectors would "
            f"hold {total} values ({', '.join(parts)}); allowed: at most {SELECTOR_VALUE_QUOTA} across all "
            "selectors (a CloudTrail quota that cannot be raised); list fewer resources or log all of a type.")
