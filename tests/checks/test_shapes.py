"""checks/shapes.py held against the two outside authorities it copies: botocore's cloudtrail service model
(the API's member names) and the pulumi_aws SDK (Python argument names and the engine names its getters map
them to). Then the readers of the table, swept over every operator: the collector (GetEventSelectors on moto), the
emulator (engine props -> PutEventSelectors) and the components (Python args); the pack adapter's sweep is in
tests/policies/test_selector_operators.py.
"""
from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import botocore.session
import pulumi._types as pulumi_types
import pulumi_aws
import pytest

from checks import facts, shapes
from checks.collect.trails import parse_selectors
from checks.shapes import FIELD, OPERATORS, SELECTOR_FIELDS, SELECTOR_NAME, TRAIL_KEYS

ROOT = Path(__file__).resolve().parents[2]
MODEL = botocore.session.get_session().get_service_model("cloudtrail")
# pulumi_aws: the input (Args) and output types of a trail's and an event data store's advanced selectors
FIELD_TYPES = [pulumi_aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs,
               pulumi_aws.cloudtrail.outputs.TrailAdvancedEventSelectorFieldSelector,
               pulumi_aws.cloudtrail.EventDataStoreAdvancedEventSelectorFieldSelectorArgs,
               pulumi_aws.cloudtrail.outputs.EventDataStoreAdvancedEventSelectorFieldSelector]
SELECTOR_TYPES = [pulumi_aws.cloudtrail.TrailAdvancedEventSelectorArgs,
                  pulumi_aws.cloudtrail.outputs.TrailAdvancedEventSelector,
                  pulumi_aws.cloudtrail.EventDataStoreAdvancedEventSelectorArgs,
                  pulumi_aws.cloudtrail.outputs.EventDataStoreAdvancedEventSelector]


def _pulumi_names(cls) -> dict[str, str]:
    """Python name -> engine name, as the SDK's own (de)serialisation maps them."""
    if cls.__name__.endswith("Args"):
        return pulumi_types.input_type_py_to_pulumi_names(cls)
    return pulumi_types._py_to_pulumi_names_from_py_properties(cls)


def _fields(cls) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def test_field_selector_keys_are_botocores_advanced_field_selector_members():
    assert {FIELD.api, *(op.api for op in OPERATORS)} == set(MODEL.shape_for("AdvancedFieldSelector").members)
    assert {SELECTOR_NAME.api, SELECTOR_FIELDS.api} == set(MODEL.shape_for("AdvancedEventSelector").members)


@pytest.mark.parametrize("cls", FIELD_TYPES, ids=lambda c: c.__name__)
def test_field_selector_keys_are_the_pulumi_aws_getters(cls):
    assert {k.python: k.engine for k in (FIELD, *OPERATORS)} == _pulumi_names(cls)


@pytest.mark.parametrize("cls", SELECTOR_TYPES, ids=lambda c: c.__name__)
def test_selector_keys_are_the_pulumi_aws_getters(cls):
    assert {k.python: k.engine for k in (SELECTOR_NAME, SELECTOR_FIELDS)} == _pulumi_names(cls)


def test_fact_names_are_the_facts_dataclass_fields():
    assert {FIELD.fact, *(op.fact for op in OPERATORS)} == _fields(facts.FieldSelector)
    assert {SELECTOR_NAME.fact, SELECTOR_FIELDS.fact} == _fields(facts.AdvancedSelector)


@pytest.mark.parametrize("key", TRAIL_KEYS, ids=lambda k: k.fact)
def test_trail_key_names_the_same_setting_in_botocore_and_pulumi_aws(key):
    trail, create = MODEL.shape_for("Trail"), MODEL.operation_model("CreateTrail").input_shape
    assert key.described in trail.members and key.created in create.members
    assert key.fact in _fields(facts.TrailFacts)
    assert pulumi_types.resource_py_to_pulumi_names(pulumi_aws.cloudtrail.Trail)[key.python] == key.engine
    assert key.python in pulumi_types.input_type_py_to_pulumi_names(pulumi_aws.cloudtrail.TrailArgs)
    kind = trail.members[key.described].type_name
    assert (kind == "boolean") is isinstance(key.default, bool), "a flag defaults to a flag, a string to a string"


@pytest.mark.parametrize("key", [k for k in TRAIL_KEYS if isinstance(k.default, bool)], ids=lambda k: k.fact)
def test_trail_flag_default_is_the_one_pulumi_aws_documents(key):
    """pulumi_aws documents each flag's default in the argument's docstring ("Defaults to `true`.")."""
    doc = getattr(pulumi_aws.cloudtrail.TrailArgs, key.python).__doc__
    assert f"Defaults to `{str(key.default).lower()}`" in doc


# --- the readers, swept over every operator ----------------------------------------------------------------

def _one(op) -> facts.FieldSelector:
    return facts.FieldSelector(field="resources.ARN", **{op.fact: (f"arn:aws:s3:::{op.fact}/",)})


@pytest.mark.parametrize("op", OPERATORS, ids=lambda o: o.fact)
def test_components_write_each_operator_as_its_pulumi_aws_argument(op):
    from components.event_selectors import _field, to_args

    built = [{"name": "s3", "field_selectors": [_field("resources.ARN", **{op.fact: [f"arn:aws:s3:::{op.fact}/"]})]}]
    arg = to_args(built)[0].field_selectors[0]
    assert getattr(arg, op.python) == [f"arn:aws:s3:::{op.fact}/"]


@pytest.mark.parametrize("op", OPERATORS, ids=lambda o: o.fact)
def test_emulator_and_collector_round_trip_each_operator_through_cloudtrail(op, aws):
    """The emulator turns engine props into PutEventSelectors; the collector reads GetEventSelectors back."""
    import boto3

    from sandbox.handlers import _advanced_selector

    ct, s3 = boto3.client("cloudtrail", region_name="us-east-1"), boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="shape-logs")
    ct.create_trail(Name="shapes", S3BucketName="shape-logs")
    engine = {"name": "s3", "fieldSelectors": [
        {"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]},
        {"field": "resources.ARN", op.engine: [f"arn:aws:s3:::{op.fact}/"]}]}
    ct.put_event_selectors(TrailName="shapes", AdvancedEventSelectors=[_advanced_selector(engine)])
    got = parse_selectors(ct.get_event_selectors(TrailName="shapes"))
    assert got.advanced[0].field_selectors[-1] == _one(op)


def test_engine_to_api_leaves_out_absent_and_empty_operators():
    """PutEventSelectors' AdvancedFieldSelector operators are lists of at least one value (botocore min 1)."""
    assert MODEL.shape_for("AdvancedFieldSelector").members["Equals"].metadata["min"] == 1
    assert shapes.engine_to_api({"field": "readOnly", "equals": ["true"], "notEquals": []}) == {
        "Field": "readOnly", "Equals": ["true"]}


def test_a_put_event_selectors_record_reads_with_the_record_names():
    """A PutEventSelectors event as CloudTrail records it: requestParameters carry the API's members in
    lowerCamel (e.g. {"trailName": ..., "advancedEventSelectors": [{"name": "Management events selector",
    "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}]}), singular operators included."""
    assert [op.record for op in OPERATORS] == [
        "equals", "notEquals", "startsWith", "notStartsWith", "endsWith", "notEndsWith"]
    raw = {"field": "resources.ARN", "startsWith": ["arn:aws:s3:::a/"], "notEndsWith": [".tmp"]}
    assert shapes.field_selector(raw, "record") == facts.FieldSelector(
        field="resources.ARN", starts_with=("arn:aws:s3:::a/",), not_ends_with=(".tmp",))


# --- no second copy ------------------------------------------------------------------------------------------

# Other layers that spell selector keys on purpose: CloudTrail event records (requestParameters of a
# PutEventSelectors event, lowerCamel of the API names) and the Lake emulator's fixed store selector.
_ELSEWHERE = {"checks/history/events.py", "sandbox/lake.py", "checks/shapes.py"}


def test_no_product_module_spells_a_selector_key_of_its_own():
    names = {n for k in (*OPERATORS, SELECTOR_FIELDS) for n in (k.api, k.engine, k.python)} - {"equals"}
    found = []
    for top in ("checks", "components", "policies/trailguard_policies"):
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in _ELSEWHERE:
                continue
            found += [f"{rel}:{node.lineno} {node.value!r}" for node in ast.walk(ast.parse(path.read_text()))
                      if isinstance(node, ast.Constant) and node.value in names]
    assert found == []
