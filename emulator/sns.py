"""AWS::SNS::TopicPolicy, which moto 5.2 drops from templates.

The policy is set on each topic, so get_topic_attributes shows it; moto does not enforce topic
policies on Publish.
"""

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sns.models import sns_backends

from emulator.resource import EmulatedResource, properties


class TopicPolicy(EmulatedResource, CloudFormationModel):
    """AWS::SNS::TopicPolicy: the policy document on every listed topic."""

    TYPE = "AWS::SNS::TopicPolicy"

    def __init__(self, physical_id: str, topic_arns: list[str]) -> None:
        super().__init__(physical_id)
        self.topic_arns = topic_arns

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "TopicPolicy":
        props = properties(cloudformation_json)
        document = props["PolicyDocument"]
        if not isinstance(document, str):
            document = json.dumps(document)
        topic_arns = list(props["Topics"])

        backend = sns_backends[account_id][region_name]
        for arn in topic_arns:
            backend.get_topic(arn).policy = document
        return cls(resource_name, topic_arns)

    def delete(self, account_id: str, region_name: str) -> None:
        # Back to the policy SNS gives a new topic.
        backend = sns_backends[account_id][region_name]
        for arn in self.topic_arns:
            topic = backend.topics.get(arn)
            if topic is not None:
                topic._policy_json = topic._create_default_topic_policy(
                    region_name, account_id, topic.name
                )


MODELS = (TopicPolicy,)
