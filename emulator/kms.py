"""AWS::KMS::Key, whose moto 5.2 model fails on any tag.

moto's own model hands CloudFormation's tags (`Key`/`Value`) to a tagger that expects KMS's
API shape (`TagKey`/`TagValue`) and fails with KeyError 'TagKey', so every tagged key, which is
every key CDK makes under a tagged app, was lost and the stack failed on its `Fn::GetAtt`. This
model creates the key through moto's backend with the tags in the API's shape.
"""

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.kms.models import kms_backends

from emulator.resource import EmulatedResource, properties


class Key(EmulatedResource, CloudFormationModel):
    """AWS::KMS::Key: a symmetric key in moto's KMS, its policy, rotation flag and tags."""

    TYPE = "AWS::KMS::Key"
    ATTRIBUTES = ("Arn", "KeyId")

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        props = properties(cloudformation_json)
        backend = kms_backends[account_id][region_name]
        key = backend.create_key(
            policy=_policy_text(props.get("KeyPolicy")),
            key_usage=props.get("KeyUsage", "ENCRYPT_DECRYPT"),
            key_spec=props.get("KeySpec", "SYMMETRIC_DEFAULT"),
            description=props.get("Description", ""),
            tags=[
                {"TagKey": tag["Key"], "TagValue": tag["Value"]} for tag in props.get("Tags", [])
            ],
        )
        key.key_rotation_status = bool(props.get("EnableKeyRotation", False))
        key.enabled = bool(props.get("Enabled", True))
        return key

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        props = properties(cloudformation_json)
        original_resource.description = props.get("Description", "")
        original_resource.key_rotation_status = bool(props.get("EnableKeyRotation", False))
        if "KeyPolicy" in props:
            original_resource.policy = _policy_text(props["KeyPolicy"])
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        # CloudFormation schedules a deleted key's deletion; the emulator forgets it at once.
        backend = kms_backends[account_id][region_name]
        backend.keys.pop(resource_name, None)


def _policy_text(policy: Any) -> str | None:
    if policy is None:
        return None  # moto then gives the key the default policy, as KMS does
    return policy if isinstance(policy, str) else json.dumps(policy)


MODELS = (Key,)
