"""The load balancer and target group: moto's models, with the attributes CDK asks for.

moto 5.2's target group has no Fn::GetAtt at all, so a template that reads TargetGroupFullName
(CDK's request-count scaling and every target-group metric) fails with a server error; its load
balancer leaves LoadBalancerFullName, CanonicalHostedZoneID and SecurityGroups unresolved
(CDK's load-balancer metrics and alarms). Neither has an update, so a changed one becomes None
in moto's resource map. These models add the attributes and keep the resource on update.
"""

import types
from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel
from moto.elbv2.models import FakeLoadBalancer, FakeTargetGroup, elbv2_backends

from emulator.resource import EmulatedResource, KeptOnUpdate

# Route 53 zone of application load balancers in us-east-1; CloudFormation returns one per region.
ALB_HOSTED_ZONE_ID = "Z35SXDOTRQ7X7K"

TARGET_GROUP_ATTRIBUTES = (
    "LoadBalancerArns",
    "TargetGroupArn",
    "TargetGroupFullName",
    "TargetGroupName",
)
LOAD_BALANCER_ATTRIBUTES = (
    "CanonicalHostedZoneID",
    "DNSName",
    "LoadBalancerArn",
    "LoadBalancerFullName",
    "LoadBalancerName",
    "SecurityGroups",
)


def _target_group_attribute(group: FakeTargetGroup, name: str) -> Any:
    values = {
        "LoadBalancerArns": list(group.load_balancer_arns),
        "TargetGroupArn": group.arn,
        # arn:...:targetgroup/<name>/<id> -> targetgroup/<name>/<id>
        "TargetGroupFullName": group.arn.split(":")[-1],
        "TargetGroupName": group.name,
    }
    if name not in values:
        raise UnformattedGetAttTemplateException()
    return values[name]


def _load_balancer_attribute(balancer: FakeLoadBalancer, name: str) -> Any:
    values = {
        "CanonicalHostedZoneID": ALB_HOSTED_ZONE_ID,
        "DNSName": balancer.dns_name,
        "LoadBalancerArn": balancer.arn,
        # arn:...:loadbalancer/app/<name>/<id> -> app/<name>/<id>
        "LoadBalancerFullName": balancer.arn.split(":loadbalancer/")[-1],
        "LoadBalancerName": balancer.name,
        "SecurityGroups": list(balancer.security_groups or []),
    }
    if name not in values:
        raise UnformattedGetAttTemplateException()
    return values[name]


def _with_attributes(resource: Any, attribute: Any) -> Any:
    # On this instance only: moto's classes stay as they are for everything else.
    resource.get_cfn_attribute = types.MethodType(attribute, resource)
    return resource


class TargetGroup(KeptOnUpdate, EmulatedResource, CloudFormationModel):
    """moto's target group, readable with Fn::GetAtt; kept as it is on update (health-check
    settings are not carried over; the group and its ARN stay)."""

    TYPE = "AWS::ElasticLoadBalancingV2::TargetGroup"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = TARGET_GROUP_ATTRIBUTES

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> FakeTargetGroup:
        group = FakeTargetGroup.create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        return _with_attributes(group, _target_group_attribute)

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        backend = elbv2_backends[account_id][region_name]
        if resource_name in backend.target_groups:
            backend.delete_target_group(resource_name)


class LoadBalancer(KeptOnUpdate, EmulatedResource, CloudFormationModel):
    """moto's load balancer, with the full name, hosted zone and security groups as attributes;
    kept on update (attribute and subnet changes are not carried over; the DNS name stays)."""

    TYPE = "AWS::ElasticLoadBalancingV2::LoadBalancer"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = LOAD_BALANCER_ATTRIBUTES

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> FakeLoadBalancer:
        balancer = FakeLoadBalancer.create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        return _with_attributes(balancer, _load_balancer_attribute)


MODELS = (TargetGroup, LoadBalancer)
