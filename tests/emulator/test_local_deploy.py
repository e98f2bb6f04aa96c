"""make deploy's care for the emulator: a stack a failed deploy left behind is cleared."""

import json

import pytest

from emulator import local_deploy
from tests.emulator.conftest import resource, resources


def test_a_stack_whose_creation_failed_is_removed_before_the_next_deploy(endpoint, aws):
    aws("s3").create_bucket(Bucket="qea-taken-name")
    cloudformation = aws("cloudformation")
    template = resources(Bucket=resource("AWS::S3::Bucket", BucketName="qea-taken-name"))
    with pytest.raises(Exception, match="BucketAlreadyExists|already"):
        cloudformation.create_stack(StackName="qea-dev-storage", TemplateBody=json.dumps(template))
    (stuck,) = cloudformation.describe_stacks(StackName="qea-dev-storage")["Stacks"]
    assert stuck["StackStatus"] in local_deploy.FAILED_CREATION

    local_deploy.remove_failed_creations("dev", local_deploy.emulator_environment(endpoint))

    names = {stack["StackName"] for stack in cloudformation.describe_stacks()["Stacks"]}
    assert "qea-dev-storage" not in names
