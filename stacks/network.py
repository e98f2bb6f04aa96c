"""The network stack: one VPC across two AZs with public, app and data subnets."""

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs

from constructs import Construct
from constructs.log_retention import log_retention
from settings.network import NetworkSettings


class NetworkStack(Stack):
    """The VPC the other stacks share.

    Public subnets hold the load balancer and the NAT gateways, app subnets (private, with
    egress) the instances, data subnets (isolated) the database.
    """

    def __init__(self, scope: Construct, id: str, *, settings: NetworkSettings, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)

        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(settings.cidr),
            max_azs=2,
            nat_gateways=settings.nat_gateways,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="Public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24
                ),
                ec2.SubnetConfiguration(
                    name="App", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=24
                ),
                ec2.SubnetConfiguration(
                    name="Data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                ),
            ],
            # The restriction is made by a custom resource, which the emulator cannot run;
            # nothing here uses the default security group.
            restrict_default_security_group=False,
        )

        # The flow log's group is made here, with its retention: the VPC's own helper would
        # leave the logs forever.
        flow_logs = logs.LogGroup(
            self,
            "FlowLogs",
            retention=log_retention(settings.flow_log_retention_days),
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.vpc.add_flow_log(
            "FlowLog",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs),
            traffic_type=ec2.FlowLogTrafficType.ALL,
        )

        CfnOutput(self, "VpcId", value=self.vpc.vpc_id, description="The shared VPC")
