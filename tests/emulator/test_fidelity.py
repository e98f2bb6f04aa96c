"""The fidelity summary: per deployed stack, what was created and what is not emulated."""

import json

from emulator.fidelity import compare, format_summary, summarize
from tests.emulator.conftest import ref, resource, resources


def test_compare_counts_created_resources_and_groups_the_rest_by_type():
    declared = {
        "Secret": "AWS::SecretsManager::Secret",
        "Rotation": "AWS::SecretsManager::RotationSchedule",
        "Acl": "AWS::WAFv2::WebACL",
        "Acl2": "AWS::WAFv2::WebACL",
    }

    stack = compare("qea-dev-data", declared, {"Secret", "Rotation"})

    assert (stack.created, stack.template_resources) == (2, 4)
    assert stack.dropped == {"AWS::WAFv2::WebACL": 2}
    assert stack.records_only == {"AWS::SecretsManager::RotationSchedule": 1}


def test_summary_names_each_dropped_and_record_only_type_with_its_count():
    stack = compare(
        "qea-dev-data",
        {"Rotation": "AWS::SecretsManager::RotationSchedule", "Acl": "AWS::WAFv2::WebACL"},
        {"Rotation"},
        ("AWS::SecretsManager-2024-09-16",),
    )

    text = format_summary([stack])

    assert "qea-dev-data: 1 of 2 resources created" in text
    assert "not emulated, dropped by moto: AWS::WAFv2::WebACL x1" in text
    assert "record only: AWS::SecretsManager::RotationSchedule x1: " in text
    assert "transform not expanded: AWS::SecretsManager-2024-09-16" in text


def test_summarize_reads_cdk_out_and_the_deployed_stack(deploy, endpoint, tmp_path):
    template = resources(
        Secret=resource("AWS::SecretsManager::Secret", SecretString="x"),
        Rotation=resource(
            "AWS::SecretsManager::RotationSchedule",
            SecretId=ref("Secret"),
            RotationRules={"AutomaticallyAfterDays": 30},
        ),
        Acl=resource("AWS::WAFv2::WebACL", Scope="REGIONAL", DefaultAction={"Allow": {}}),
    )
    template["Resources"]["Metadata"] = {"Type": "AWS::CDK::Metadata", "Properties": {}}
    name = deploy(template)["StackName"]
    (tmp_path / f"{name}.template.json").write_text(json.dumps(template))
    (tmp_path / "never-deployed.template.json").write_text(json.dumps(template))

    summaries = {s.stack_name: s for s in summarize(endpoint, tmp_path)}

    assert (summaries[name].created, summaries[name].template_resources) == (2, 3)
    assert summaries[name].dropped == {"AWS::WAFv2::WebACL": 1}
    assert summaries["never-deployed"].deployed is False


def test_summarize_takes_stack_names_from_the_cdk_manifest(deploy, endpoint, tmp_path):
    template = resources(Topic=resource("AWS::SNS::Topic"))
    name = deploy(template)["StackName"]
    (tmp_path / "DataStack.template.json").write_text(json.dumps(template))
    manifest = {
        "artifacts": {
            "DataStack": {
                "type": "aws:cloudformation:stack",
                "properties": {"templateFile": "DataStack.template.json", "stackName": name},
            },
            "Tree": {"type": "cdk:tree"},
        }
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))

    [summary] = summarize(endpoint, tmp_path)

    assert (summary.stack_name, summary.created) == (name, 1)
