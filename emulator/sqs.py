"""AWS::SQS::QueuePolicy, which moto 5.2 drops from templates.

CDK writes one when a queue receives from a service (EventBridge into the publisher's dead-letter
queue, say). The policy is set on each queue, so get_queue_attributes shows it; moto does not
check queue policies when a message is sent.
"""

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sqs.models import sqs_backends

from emulator.resource import EmulatedResource, properties


def _queue_name(queue_url: str) -> str:
    # Ref of a queue is its URL, https://sqs.<region>.amazonaws.com/<account>/<name>
    return queue_url.rstrip("/").rsplit("/", 1)[-1]


class QueuePolicy(EmulatedResource, CloudFormationModel):
    """AWS::SQS::QueuePolicy: the policy document on every listed queue."""

    TYPE = "AWS::SQS::QueuePolicy"

    def __init__(self, physical_id: str, queue_names: list[str]) -> None:
        super().__init__(physical_id)
        self.queue_names = queue_names

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "QueuePolicy":
        props = properties(cloudformation_json)
        document = props["PolicyDocument"]
        if not isinstance(document, str):
            document = json.dumps(document)
        names = [_queue_name(url) for url in props["Queues"]]

        backend = sqs_backends[account_id][region_name]
        for name in names:
            backend.set_queue_attributes(name, {"Policy": document})
        return cls(resource_name, names)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = sqs_backends[account_id][region_name]
        for name in self.queue_names:
            if name in backend.queues:
                backend.set_queue_attributes(name, {"Policy": ""})


MODELS = (QueuePolicy,)
