"""What our CloudFormation models share: physical id, attributes, replace-on-update, no-op delete.

Only a mixin: moto looks a model up among the *direct* subclasses of `CloudFormationModel`
(moto/cloudformation/parsing.py, `get_model_list`), so each model lists both bases itself,
`class Secret(EmulatedResource, CloudFormationModel)`, in a module named after its service.
"""

from typing import Any, ClassVar

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException


class EmulatedResource:
    """A resource a stack created in the emulator.

    Subclasses set TYPE (the CloudFormation type), NAME_PROPERTY (the property that names the
    resource, "" if none), ATTRIBUTES (what Fn::GetAtt may ask for), and implement
    `create_from_cloudformation_json`; `delete` removes the thing from moto's backend.
    """

    TYPE: ClassVar[str] = ""
    NAME_PROPERTY: ClassVar[str] = ""
    ATTRIBUTES: ClassVar[tuple[str, ...]] = ()

    def __init__(self, physical_id: str, attributes: dict[str, Any] | None = None) -> None:
        self._physical_id = physical_id
        self.attributes = dict(attributes or {})

    @property
    def physical_resource_id(self) -> str:
        return self._physical_id

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.TYPE

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.NAME_PROPERTY

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name not in self.attributes:
            raise UnformattedGetAttTemplateException()
        return self.attributes[attribute_name]

    def is_created(self) -> bool:
        return True

    def delete(self, account_id: str, region_name: str) -> None:
        """Remove the thing from moto's backend; nothing to remove by default."""

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: "EmulatedResource",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        """Replace: delete the old resource, then create the new one.

        CloudFormation creates the replacement first; deleting first keeps a resource with a
        fixed name from colliding with itself in moto. moto calls this only when the
        resource's template text changed; models that can change a property in place override it.
        """
        original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(  # type: ignore[attr-defined]
            new_resource_name, cloudformation_json, account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        # moto calls this only when `delete` on the instance is missing; ours never is.
        return None


class KeptOnUpdate:
    """For a model whose thing lives on unchanged when its template text changes.

    List it first, `class X(KeptOnUpdate, EmulatedResource, CloudFormationModel)`: moto would
    otherwise replace (or, with no update at all, lose) the thing and every Ref to it.
    """

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        return original_resource


def properties(cloudformation_json: dict[str, Any]) -> dict[str, Any]:
    return cloudformation_json.get("Properties") or {}
