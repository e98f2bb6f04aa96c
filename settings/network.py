"""Settings of the network stack: the VPC every other stack shares."""

import ipaddress
from typing import Annotated

from pydantic import Field, field_validator

from .base import LogRetentionDays, SettingsModel


class NetworkSettings(SettingsModel):
    cidr: str = "10.0.0.0/16"
    """The VPC's address range; a private IPv4 block from /16 to /24."""

    nat_gateways: Annotated[int, Field(ge=1, le=2)] = 1
    """NAT gateways for the app subnets' egress: 1 (cheap, one AZ) or 2 (one per AZ)."""

    flow_log_retention_days: LogRetentionDays = 30
    """Days the VPC's flow log (every accepted and rejected connection) stays in CloudWatch."""

    @field_validator("cidr")
    @classmethod
    def _private_block(cls, value: str) -> str:
        try:
            network = ipaddress.IPv4Network(value)
        except ValueError as error:
            raise ValueError(f"expected an IPv4 block such as 10.0.0.0/16 ({error})") from None
        if not network.is_private or not 16 <= network.prefixlen <= 24:
            raise ValueError("expected a private IPv4 block from /16 to /24, e.g. 10.0.0.0/16")
        return value
