"""CloudFront resources, which moto 5.2 drops from templates.

moto's CloudFront backend keeps distributions, origin access controls and functions, so the
reports site's distribution exists with an Id and a DomainName that outputs can use. Nothing
serves that domain name: there is no edge in the emulator, and functions never run.
"""

import uuid
from typing import Any

from moto.cloudfront.models import CloudFrontBackend, cloudfront_backends
from moto.core.common_models import CloudFormationModel
from moto.utilities.utils import get_partition

from emulator.resource import EmulatedResource, properties


def _backend(account_id: str, region_name: str) -> CloudFrontBackend:
    # CloudFront is global: moto keeps one backend per partition.
    return cloudfront_backends[account_id][get_partition(region_name)]


def _items(values: list[Any] | None) -> dict[str, Any]:
    values = list(values or [])
    return {"Quantity": len(values), "Items": values}


def api_distribution_config(config: dict[str, Any], caller_reference: str) -> dict[str, Any]:
    """CloudFormation's DistributionConfig in the API's shape that moto's backend expects.

    The template writes lists where the API wraps them in {Quantity, Items}; only the fields
    moto keeps are carried over.
    """
    origins = []
    for origin in config.get("Origins", []):
        api_origin = {k: v for k, v in origin.items() if k not in ("S3OriginConfig",)}
        if "S3OriginConfig" in origin:
            api_origin["S3OriginConfig"] = {
                "OriginAccessIdentity": origin["S3OriginConfig"].get("OriginAccessIdentity", "")
            }
        origins.append(api_origin)

    api = {
        "CallerReference": caller_reference,
        "Aliases": _items(config.get("Aliases")),
        "Origins": _items(origins),
        "DefaultCacheBehavior": dict(config.get("DefaultCacheBehavior", {})),
        "Comment": config.get("Comment", ""),
        "Enabled": config.get("Enabled", True),
        "DefaultRootObject": config.get("DefaultRootObject", ""),
        "PriceClass": config.get("PriceClass", "PriceClass_All"),
        "HttpVersion": config.get("HttpVersion", "http2"),
        "IsIPV6Enabled": config.get("IPV6Enabled", True),
    }
    behaviors = config.get("CacheBehaviors")
    if behaviors:
        api["CacheBehaviors"] = _items([dict(b) for b in behaviors])
    if "ViewerCertificate" in config:
        api["ViewerCertificate"] = config["ViewerCertificate"]
    if "Logging" in config:
        api["Logging"] = {"Enabled": True, **config["Logging"]}
    return api


class Distribution(EmulatedResource, CloudFormationModel):
    """AWS::CloudFront::Distribution: recorded in moto with an Id and a DomainName; not served."""

    TYPE = "AWS::CloudFront::Distribution"
    ATTRIBUTES = ("Id", "DomainName")

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "Distribution":
        props = properties(cloudformation_json)
        config = api_distribution_config(props["DistributionConfig"], str(uuid.uuid4()))
        distribution, _, _ = _backend(account_id, region_name).create_distribution(
            config, props.get("Tags") or []
        )
        return cls(
            distribution.distribution_id,
            {"Id": distribution.distribution_id, "DomainName": distribution.domain_name},
        )

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: "Distribution",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "Distribution":
        # In place, as in AWS: the Id and the domain name that outputs point at stay.
        props = properties(cloudformation_json)
        config = api_distribution_config(props["DistributionConfig"], str(uuid.uuid4()))
        _backend(account_id, region_name).update_distribution(
            config, original_resource.physical_resource_id, if_match=True
        )
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(account_id, region_name)
        if self.physical_resource_id in backend.distributions:
            backend.delete_distribution(self.physical_resource_id, if_match=True)


class OriginAccessControl(EmulatedResource, CloudFormationModel):
    """AWS::CloudFront::OriginAccessControl: recorded in moto; Ref and Id give its id."""

    TYPE = "AWS::CloudFront::OriginAccessControl"
    ATTRIBUTES = ("Id",)

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "OriginAccessControl":
        config = properties(cloudformation_json)["OriginAccessControlConfig"]
        control = _backend(account_id, region_name).create_origin_access_control(config)
        return cls(control.id, {"Id": control.id})

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: "OriginAccessControl",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "OriginAccessControl":
        config = properties(cloudformation_json)["OriginAccessControlConfig"]
        _backend(account_id, region_name).update_origin_access_control(
            original_resource.physical_resource_id, config
        )
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).origin_access_controls.pop(
            self.physical_resource_id, None
        )


class Function(EmulatedResource, CloudFormationModel):
    """AWS::CloudFront::Function: its code is stored in moto and never run (no edge)."""

    TYPE = "AWS::CloudFront::Function"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = ("FunctionARN", "FunctionMetadata.FunctionARN", "Stage")

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "Function":
        props = properties(cloudformation_json)
        function = _backend(account_id, region_name).create_function(
            resource_name,
            props.get("FunctionConfig") or {},
            props.get("FunctionCode", "").encode(),
            tags=[],
        )
        if str(props.get("AutoPublish", False)).lower() == "true":
            function.stage, function.status = "LIVE", "DEPLOYED"
        return cls(
            function.arn,
            {
                "FunctionARN": function.arn,
                "FunctionMetadata.FunctionARN": function.arn,
                "Stage": function.stage,
            },
        )

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(account_id, region_name)
        name = self.physical_resource_id.rsplit("/", 1)[-1]
        if name in backend.functions:
            backend.delete_function(name, if_match=True)


MODELS = (Distribution, OriginAccessControl, Function)
