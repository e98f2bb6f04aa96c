"""The container repository: a valid generated name, kept on update, and its lifecycle policy."""

import json

from tests.emulator.conftest import ref, resource, resources, with_outputs

KEEP_TEN = json.dumps(
    {
        "rules": [
            {
                "rulePriority": 1,
                "selection": {
                    "tagStatus": "any",
                    "countType": "imageCountMoreThan",
                    "countNumber": 10,
                },
                "action": {"type": "expire"},
            }
        ]
    }
)


def repository(**props) -> dict:
    return with_outputs(resources(Repo=resource("AWS::ECR::Repository", **props)), Name=ref("Repo"))


def test_repository_without_a_name_gets_a_lowercase_generated_one(deploy, aws):
    outputs = deploy(repository())

    names = [r["repositoryName"] for r in aws("ecr").describe_repositories()["repositories"]]

    assert outputs["Name"] == outputs["Name"].lower()
    assert outputs["Name"] in names


def test_lifecycle_policy_of_the_template_is_on_the_repository(deploy, aws):
    outputs = deploy(repository(LifecyclePolicy={"LifecyclePolicyText": KEEP_TEN}))

    policy = aws("ecr").get_lifecycle_policy(repositoryName=outputs["Name"])

    assert json.loads(policy["lifecyclePolicyText"]) == json.loads(KEEP_TEN)


def test_update_keeps_the_generated_name(deploy):
    template = repository()
    outputs = deploy(template)

    template["Resources"]["Repo"]["Properties"]["ImageScanningConfiguration"] = {"ScanOnPush": True}
    updated = deploy(template, update=outputs["StackName"])

    assert updated["Name"] == outputs["Name"]
