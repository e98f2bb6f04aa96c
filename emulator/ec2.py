"""AWS::EC2::SecurityGroupEgress, which moto 5.2 drops from templates (it models Ingress only).

CDK writes one for each egress rule between two groups (the load balancer to the instances'
port), so without it describe_security_groups lacks rules the stack declares. moto does not
filter traffic by security group: no instance runs.
"""

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import (
    InvalidPermissionDuplicateError,
    InvalidPermissionNotFoundError,
    InvalidSecurityGroupNotFoundError,
)
from moto.ec2.models import ec2_backends

from emulator.resource import EmulatedResource, properties


class SecurityGroupEgress(EmulatedResource, CloudFormationModel):
    """AWS::EC2::SecurityGroupEgress: one egress rule on moto's group. Ref is the rule's id."""

    TYPE = "AWS::EC2::SecurityGroupEgress"

    def __init__(self, rule_id: str, group_id: str, rule: dict[str, Any]) -> None:
        super().__init__(rule_id)
        self.group_id = group_id
        self.rule = rule

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "SecurityGroupEgress":
        props = properties(cloudformation_json)
        group_id = props["GroupId"]
        rule = _rule(props)
        backend = ec2_backends[account_id][region_name]
        try:
            added, _ = backend.authorize_security_group_egress(group_id, **rule)
            rule_id = added[0].id
        except InvalidPermissionDuplicateError:
            # The group already has this rule (moto gives each group allow-all egress).
            rule_id = f"{group_id}-{resource_name}"
        return cls(rule_id, group_id, rule)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = ec2_backends[account_id][region_name]
        try:
            backend.revoke_security_group_egress(self.group_id, **self.rule)
        except (InvalidPermissionNotFoundError, InvalidSecurityGroupNotFoundError):
            return  # the group or the rule went first


def _rule(props: dict[str, Any]) -> dict[str, Any]:
    ip_ranges: list[dict[str, str]] = []
    if "CidrIp" in props:
        ip_ranges.append({"CidrIp": props["CidrIp"], "Description": props.get("Description", "")})
    if "CidrIpv6" in props:
        ip_ranges.append({"CidrIpv6": props["CidrIpv6"]})
    destination = props.get("DestinationSecurityGroupId")
    prefix_list = props.get("DestinationPrefixListId")
    protocol = str(props["IpProtocol"])
    return {
        "ip_protocol": protocol,
        "from_port": props.get("FromPort", -1 if protocol == "-1" else None),
        "to_port": props.get("ToPort", -1 if protocol == "-1" else None),
        "ip_ranges": ip_ranges,
        "source_groups": [{"GroupId": destination}] if destination else None,
        "prefix_list_ids": [{"PrefixListId": prefix_list}] if prefix_list else None,
    }


MODELS = (SecurityGroupEgress,)
