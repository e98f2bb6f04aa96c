"""The SNS topic policy: set on the topic, readable through get_topic_attributes."""

import json

from tests.emulator.conftest import ref, resource, resources, with_outputs

CLOUDWATCH_PUBLISHES = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": "*",
        }
    ],
}


def test_topic_policy_is_the_topics_policy_attribute(deploy, aws):
    template = resources(
        Topic=resource("AWS::SNS::Topic"),
        Policy=resource(
            "AWS::SNS::TopicPolicy", Topics=[ref("Topic")], PolicyDocument=CLOUDWATCH_PUBLISHES
        ),
    )
    outputs = deploy(with_outputs(template, Topic=ref("Topic")))

    attributes = aws("sns").get_topic_attributes(TopicArn=outputs["Topic"])["Attributes"]

    assert json.loads(attributes["Policy"]) == CLOUDWATCH_PUBLISHES
