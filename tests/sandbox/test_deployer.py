"""The sandbox deployer on small programs: ids and ARNs as pulumi-aws reports them, providers, errors."""
from __future__ import annotations

import textwrap

import pytest

from sandbox.convert import numbers, pascal


def _program(tmp_path, body: str):
    path = tmp_path / "__main__.py"
    path.write_text("import json\nimport pulumi\nimport pulumi_aws as aws\n" + textwrap.dedent(body))
    return path


def test_mock_numbers_become_ints_for_boto3():
    assert numbers({"days": 365.0, "ratio": 0.5, "rules": [{"n": 7.0}]}) == {"days": 365, "ratio": 0.5,
                                                                             "rules": [{"n": 7}]}


def test_pascal_renames_aws_acronyms_and_drops_unset_values():
    got = pascal([{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "k"},
                   "bucketKeyEnabled": True, "id": "r1", "filter": None}])
    assert got == [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "k"},
                    "BucketKeyEnabled": True, "ID": "r1"}]


def test_unknown_resource_type_is_an_error_naming_it_and_the_supported_ones(emulator, tmp_path):
    from sandbox.deployer import UnsupportedResourceType, deploy

    program = _program(tmp_path, 'aws.ec2.Vpc("net", cidr_block="10.0.0.0/16")\n')
    with pytest.raises(UnsupportedResourceType) as err:
        deploy(emulator.endpoint_url, {}, program=program)
    assert "aws:ec2/vpc:Vpc" in str(err.value)
    assert "aws:cloudtrail/trail:Trail" in str(err.value)


def test_unknown_invoke_is_an_error_naming_it(emulator, tmp_path):
    from sandbox.deployer import DeployError, deploy

    program = _program(tmp_path, 'pulumi.export("zones", aws.get_availability_zones().names)\n')
    with pytest.raises(DeployError, match="getAvailabilityZones"):
        deploy(emulator.endpoint_url, {}, program=program)


def test_trail_log_group_and_topic_ids_and_arns_follow_pulumi_aws(emulator, tmp_path):
    import boto3

    from sandbox.deployer import deploy

    program = _program(tmp_path, '''
        bucket = aws.s3.Bucket("unit-bucket")
        group = aws.cloudwatch.LogGroup("unit-group", retention_in_days=90)
        topic = aws.sns.Topic("unit-topic")
        trail = aws.cloudtrail.Trail(
            "unit-trail", name="unit-trail", s3_bucket_name=bucket.id, is_multi_region_trail=True,
            sns_topic_name=topic.arn, cloud_watch_logs_group_arn=group.arn.apply(lambda a: a + ":*"),
            advanced_event_selectors=[{"name": "mgmt", "field_selectors": [
                {"field": "eventCategory", "equals": ["Management"]},
                {"field": "eventSource", "not_equals": ["kms.amazonaws.com"]}]}],
            insight_selectors=[{"insight_type": "ApiCallRateInsight"}])
        pulumi.export("bucket", bucket.id)
        pulumi.export("group_arn", group.arn)
        pulumi.export("group_id", group.id)
        pulumi.export("topic_id", topic.id)
        pulumi.export("trail_id", trail.id)
        pulumi.export("trail_arn", trail.arn)
        pulumi.export("home", trail.home_region)
    ''')
    out = deploy(emulator.endpoint_url, {}, program=program).outputs

    assert out["bucket"].startswith("unit-bucket-")  # auto-named like Pulumi: <name>-<7 hex>
    assert out["group_arn"] == f"arn:aws:logs:us-east-1:123456789012:log-group:{out['group_id']}"
    assert out["topic_id"].startswith("arn:aws:sns:us-east-1:123456789012:unit-topic-")
    assert out["trail_id"] == out["trail_arn"] == "arn:aws:cloudtrail:us-east-1:123456789012:trail/unit-trail"
    assert out["home"] == "us-east-1"
    ct = boto3.client("cloudtrail", region_name="us-east-1", endpoint_url=emulator.endpoint_url)
    selectors = ct.get_event_selectors(TrailName="unit-trail")["AdvancedEventSelectors"]
    assert selectors[0]["FieldSelectors"][1] == {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}
    assert ct.get_insight_selectors(TrailName="unit-trail")["InsightSelectors"] == [
        {"InsightType": "ApiCallRateInsight"}]
    assert ct.get_trail_status(Name="unit-trail")["IsLogging"] is True
    logs = boto3.client("logs", region_name="us-east-1", endpoint_url=emulator.endpoint_url)
    group = logs.describe_log_groups(logGroupNamePrefix=out["group_id"])["logGroups"][0]
    assert group["retentionInDays"] == 90


def test_trail_with_enable_logging_false_is_created_stopped(emulator, tmp_path):
    import boto3

    from sandbox.deployer import deploy

    program = _program(tmp_path, '''
        bucket = aws.s3.Bucket("quiet-bucket")
        aws.cloudtrail.Trail("quiet", name="quiet-trail", s3_bucket_name=bucket.id, enable_logging=False)
    ''')
    deploy(emulator.endpoint_url, {}, program=program)
    ct = boto3.client("cloudtrail", region_name="us-east-1", endpoint_url=emulator.endpoint_url)
    assert ct.get_trail_status(Name="quiet-trail")["IsLogging"] is False


def test_provider_assuming_a_role_deploys_into_that_account(emulator, tmp_path):
    from sandbox.deployer import deploy
    from sandbox.legacy import create_member, create_organization

    emulator.reset()
    create_organization(emulator.endpoint_url)
    member, _ = create_member(emulator.endpoint_url, "archive", "archive@example.com")
    program = _program(tmp_path, f'''
        archive = aws.Provider("archive", region="us-east-1", assume_roles=[
            {{"role_arn": "arn:aws:iam::{member}:role/OrganizationAccountAccessRole"}}])
        key = aws.kms.Key("archive-key", opts=pulumi.ResourceOptions(provider=archive))
        here = aws.kms.Key("here-key")
        pulumi.export("archive_key", key.arn)
        pulumi.export("here_key", here.arn)
    ''')
    out = deploy(emulator.endpoint_url, {}, program=program).outputs

    assert out["archive_key"].split(":")[4] == member
    assert out["here_key"].split(":")[4] == "123456789012"


def test_plan_records_parents_and_renders_a_tree(tmp_path):
    from sandbox.deployer import plan
    from sandbox.plan import render_tree

    program = _program(tmp_path, '''
        class Box(pulumi.ComponentResource):
            def __init__(self, name):
                super().__init__("unit:index:Box", name, None)
                aws.sns.Topic(f"{name}-topic", opts=pulumi.ResourceOptions(parent=self))
                self.register_outputs({})
        Box("box")
        aws.s3.Bucket("loose")
    ''')
    resources = plan({}, program=program)
    by_name = {r.name: r for r in resources}

    assert by_name["box-topic"].parent == by_name["box"].urn
    assert render_tree(resources).splitlines() == [
        "├── box  (unit:index:Box)",
        "│   └── box-topic  (aws:sns/topic:Topic)",
        "└── loose  (aws:s3/bucket:Bucket)",
        "2 resources in 1 components",
    ]
