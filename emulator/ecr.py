"""AWS::ECR::Repository: moto's model, with a valid generated name and the lifecycle policy.

When the template names no repository, moto 5.2 names it after the stack and logical id with
their capitals, which ECR's own name rule then rejects ("must satisfy regular expression"), so
the stack fails; on update it would generate yet another name and replace the repository.
CloudFormation generates a lowercase name once. moto also ignores LifecyclePolicy.
"""

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ecr.models import Repository as MotoRepository
from moto.ecr.models import ecr_backends

from emulator.resource import properties


class ContainerRepository(CloudFormationModel):
    """Lowercases a generated name, then creates through moto's Repository model."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ECR::Repository"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "RepositoryName"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return MotoRepository.has_cfn_attr(attr)

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> MotoRepository:
        props = properties(cloudformation_json)
        name = props.get("RepositoryName") or resource_name.lower()
        repository = MotoRepository.create_from_cloudformation_json(
            name, cloudformation_json, account_id, region_name, **kwargs
        )
        _put_lifecycle_policy(props, name, account_id, region_name)
        return repository

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: MotoRepository,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> MotoRepository:
        props = properties(cloudformation_json)
        name = props.get("RepositoryName") or original_resource.name
        repository = MotoRepository.update_from_cloudformation_json(
            original_resource, name, cloudformation_json, account_id, region_name
        )
        _put_lifecycle_policy(props, repository.name, account_id, region_name)
        return repository

    def is_created(self) -> bool:
        return True


def _put_lifecycle_policy(props: dict[str, Any], name: str, account_id: str, region: str) -> None:
    text = (props.get("LifecyclePolicy") or {}).get("LifecyclePolicyText")
    if text:
        ecr_backends[account_id][region].put_lifecycle_policy(None, name, text)


MODELS = (ContainerRepository,)
