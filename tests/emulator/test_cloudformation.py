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


def exporting_template(*export_names: str) -> dict:
    outputs = {name: (ref("Queue"), name) for name in export_names}
    return with_outputs(resources(Queue=resource("AWS::SQS::Queue")), **outputs)


def importing_template(export_name: str) -> dict:
    return with_outputs(
        resources(Topic=resource("AWS::SNS::Topic")),
        Imported={"Fn::ImportValue": export_name},
    )


def test_an_export_added_by_an_update_can_be_imported(deploy):
    producer = deploy(exporting_template("qea-test-first"))
    deploy(exporting_template("qea-test-first", "qea-test-added"), update=producer["StackName"])

    consumer = deploy(importing_template("qea-test-added"))

    assert consumer["Imported"].startswith("http")


def test_an_export_removed_by_an_update_is_forgotten(deploy, aws):
    producer = deploy(exporting_template("qea-test-kept", "qea-test-dropped"))
    deploy(exporting_template("qea-test-kept"), update=producer["StackName"])

    names = {export["Name"] for export in aws("cloudformation").list_exports()["Exports"]}
    assert "qea-test-kept" in names
    assert "qea-test-dropped" not in names
