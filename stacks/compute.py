"""The compute stack: the app's instances behind an internet-facing load balancer."""

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_logs as logs
from constructs import Construct

from constructs.app_fleet import AppFleet
from constructs.database import ReplicatedDatabase
from settings.compute import ComputeSettings


class ComputeStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: ComputeSettings,
        vpc: ec2.IVpc,
        database: ReplicatedDatabase,
        **kwargs,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        port = settings.container.port
        writer = database.instance

        fleet = AppFleet(
            self,
            "Fleet",
            vpc=vpc,
            subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            instance_type=ec2.InstanceType(settings.instance_type),
            min_capacity=settings.min_capacity,
            max_capacity=settings.max_capacity,
            desired_capacity=settings.desired_capacity,
            container_image=settings.container.image,
            container_port=port,
            container_environment={
                "DB_HOST": writer.db_instance_endpoint_address,
                "DB_PORT": writer.db_instance_endpoint_port,
                "DB_READER_HOSTS": ",".join(
                    replica.db_instance_endpoint_address for replica in database.replicas
                ),
                "DB_NAME": database.database_name,
            },
            database_secret=database.secret,
            log_retention=logs.RetentionDays.ONE_MONTH,
        )

        # The database's ingress lives here, as a plain CloudFormation rule: the construct
        # helper (`connections.allow_default_port_from`) would write it into the data stack
        # and make the two stacks depend on each other.
        ec2.CfnSecurityGroupIngress(
            self,
            "DatabaseFromApp",
            group_id=database.security_group.security_group_id,
            source_security_group_id=fleet.security_group.security_group_id,
            ip_protocol="tcp",
            from_port=writer.instance_endpoint.port,
            to_port=writer.instance_endpoint.port,
            description="The app's instances reach the database",
        )

        self.load_balancer = elbv2.ApplicationLoadBalancer(
            self,
            "LoadBalancer",
            vpc=vpc,
            internet_facing=True,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            drop_invalid_header_fields=True,
        )
        listener = self.load_balancer.add_listener("Http", port=80, open=True)
        self.target_group = listener.add_targets(
            "App",
            port=port,
            protocol=elbv2.ApplicationProtocol.HTTP,
            targets=[fleet.group],
            health_check=elbv2.HealthCheck(
                path=settings.health_check_path, healthy_http_codes="200-399"
            ),
            deregistration_delay=Duration.seconds(30),
        )
        fleet.group.scale_on_cpu_utilization(
            "Cpu", target_utilization_percent=settings.scaling.target_cpu_percent
        )

        CfnOutput(self, "LoadBalancerDnsName", value=self.load_balancer.load_balancer_dns_name)
        CfnOutput(
            self, "AppUrl", value=f"http://{self.load_balancer.load_balancer_dns_name}"
        )
        CfnOutput(self, "GroupName", value=fleet.group.auto_scaling_group_name)
