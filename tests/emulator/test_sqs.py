"""The SQS queue policy: set on the queue, readable through get_queue_attributes."""

import json

from tests.emulator.conftest import get_att, ref, resource, resources, with_outputs


def events_may_send_to(queue: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": get_att(queue, "Arn"),
            }
        ],
    }


def test_queue_policy_is_the_queues_policy_attribute(deploy, aws):
    template = resources(
        DeadLetters=resource("AWS::SQS::Queue"),
        Policy=resource(
            "AWS::SQS::QueuePolicy",
            Queues=[ref("DeadLetters")],
            PolicyDocument=events_may_send_to("DeadLetters"),
        ),
    )
    outputs = deploy(
        with_outputs(template, Url=ref("DeadLetters"), Arn=get_att("DeadLetters", "Arn"))
    )

    attributes = aws("sqs").get_queue_attributes(
        QueueUrl=outputs["Url"], AttributeNames=["Policy"]
    )["Attributes"]

    [statement] = json.loads(attributes["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Resource"] == outputs["Arn"]
