"""Stack updates: a parameter left at its default survives `UsePreviousValue` on update."""

import json

from tests.emulator.conftest import ref, resource, resources, with_outputs


def template_with_defaulted_parameter(queue_name: str) -> dict:
    template = with_outputs(
        resources(Queue=resource("AWS::SQS::Queue", QueueName=queue_name)),
        Image=ref("ImageId"),
    )
    template["Parameters"] = {"ImageId": {"Type": "String", "Default": "ami-12345678"}}
    return template


def test_update_with_use_previous_value_for_a_defaulted_parameter_completes(deploy, aws):
    created = deploy(template_with_defaulted_parameter("reports-a"))
    cloudformation = aws("cloudformation")

    cloudformation.update_stack(
        StackName=created["StackName"],
        TemplateBody=json.dumps(template_with_defaulted_parameter("reports-b")),
        Parameters=[{"ParameterKey": "ImageId", "UsePreviousValue": True}],
    )

    stack = cloudformation.describe_stacks(StackName=created["StackName"])["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["Image"] == "ami-12345678"
