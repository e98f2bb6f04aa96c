"""The compute stack: the app's instances behind an internet-facing load balancer."""

from aws_cdk import Annotations, CfnOutput, Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns

from constructs import Construct
from constructs.app_alarms import AppAlarms
from constructs.app_dashboard import AppDashboard
from constructs.app_fleet import AppFleet, ContainerSpec
from constructs.app_load_balancer import AppLoadBalancer
from constructs.database import ReplicatedDatabase
from constructs.fleet_scaling import CapacitySchedule, CpuSteps, FleetScaling
from settings.compute import ComputeSettings

HTTP_ONLY_WARNING = "qea:compute-http-only"


class ComputeStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: ComputeSettings,
        vpc: ec2.IVpc,
        database: ReplicatedDatabase,
        alarm_topic: sns.ITopic | None = None,
        log_bucket: s3.IBucket | None = None,
        log_prefix: str = "alb",
        **kwargs,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        container = settings.container
        writer = database.instance

        self.fleet = AppFleet(
            self,
            "Fleet",
            vpc=vpc,
            subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS,
            instance_type=ec2.InstanceType(settings.instance_type),
            instance_types=[ec2.InstanceType(t) for t in settings.instance_types],
            on_demand_base_capacity=settings.on_demand_base_capacity,
            spot_percent_above_base=settings.spot_percent_above_base,
            root_volume_gib=settings.root_volume_gib,
            container=ContainerSpec(
                image=container.image,
                port=container.port,
                user=container.user,
                memory_mib=container.memory_mib,
                cpus=container.cpus,
                pids_limit=container.pids_limit,
                health_check_path=settings.health_check_path,
                environment={
                    "DB_HOST": writer.db_instance_endpoint_address,
                    "DB_PORT": writer.db_instance_endpoint_port,
                    "DB_READER_HOSTS": ",".join(
                        replica.db_instance_endpoint_address for replica in database.replicas
                    ),
                    "DB_NAME": database.database_name,
                },
            ),
            database_secret=database.secret,
            log_retention_days=container.log_retention_days,
            min_capacity=settings.min_capacity,
            max_capacity=settings.max_capacity,
            desired_capacity=settings.desired_capacity,
            health_check_grace=Duration.seconds(settings.health_check_grace_seconds),
            launch_timeout=Duration.seconds(settings.launch_timeout_seconds),
            drain_time=Duration.seconds(settings.deregistration_delay_seconds),
            cooldown=Duration.seconds(settings.default_cooldown_seconds),
            instance_warmup=Duration.seconds(settings.instance_warmup_seconds),
            min_instances_in_service=settings.min_instances_in_service,
            rolling_batch_size=settings.rolling_batch_size,
            notification_topic=alarm_topic,
        )
        group = self.fleet.group

        self.entry = AppLoadBalancer(
            self,
            "LoadBalancer",
            vpc=vpc,
            subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            targets=[group],
            target_port=container.port,
            health_check_path=settings.health_check_path,
            health_check_interval=Duration.seconds(settings.health_check_interval_seconds),
            health_check_timeout=Duration.seconds(settings.health_check_timeout_seconds),
            healthy_threshold=settings.healthy_threshold,
            unhealthy_threshold=settings.unhealthy_threshold,
            deregistration_delay=Duration.seconds(settings.deregistration_delay_seconds),
            certificate_arn=settings.certificate_arn,
            access_log_bucket=log_bucket,
            access_log_prefix=log_prefix,
        )
        if settings.certificate_arn is None and settings.expect_https:
            Annotations.of(self.entry).add_warning_v2(
                HTTP_ONLY_WARNING,
                "compute.certificate_arn is not set, so the load balancer serves plain HTTP "
                "only. Set it to an ACM certificate's ARN for HTTPS, or acknowledge this warning",
            )

        # The database's ingress lives here, as a plain CloudFormation rule: the construct
        # helper (`connections.allow_default_port_from`) would write it into the data stack
        # and make the two stacks depend on each other.
        ec2.CfnSecurityGroupIngress(
            self,
            "DatabaseFromApp",
            group_id=database.security_group.security_group_id,
            source_security_group_id=self.fleet.security_group.security_group_id,
            ip_protocol="tcp",
            from_port=writer.instance_endpoint.port,
            to_port=writer.instance_endpoint.port,
            description="The app's instances reach the database",
        )

        scaling = settings.scaling
        FleetScaling(
            self,
            "Scaling",
            group=group,
            target_group=self.entry.target_group,
            target_cpu_percent=scaling.target_cpu_percent,
            requests_per_target=scaling.requests_per_target,
            cpu_steps=CpuSteps(
                increment=scaling.step.increment,
                scale_out_percent=scaling.step.scale_out_cpu_percent,
                scale_in_percent=scaling.step.scale_in_cpu_percent,
            )
            if scaling.step
            else None,
            schedules=[
                CapacitySchedule(
                    name=schedule.name,
                    cron=schedule.cron,
                    time_zone=schedule.time_zone,
                    min_capacity=schedule.min_capacity,
                    max_capacity=schedule.max_capacity,
                    desired_capacity=schedule.desired_capacity,
                )
                for schedule in scaling.schedules
            ],
        )

        dashboard = AppDashboard(
            self,
            "Monitoring",
            group=group,
            load_balancer=self.entry.load_balancer,
            target_group=self.entry.target_group,
            database=writer,
            replicas=database.replicas,
        )
        alarms = settings.alarms
        AppAlarms(
            self,
            "Alarms",
            load_balancer=self.entry.load_balancer,
            target_group=self.entry.target_group,
            unhealthy_hosts=alarms.unhealthy_hosts,
            server_error_percent=alarms.server_error_percent,
            p90_response_seconds=alarms.p90_response_seconds,
            evaluation_periods=alarms.evaluation_minutes,
            topic=alarm_topic,
        )

        CfnOutput(
            self, "LoadBalancerDnsName", value=self.entry.load_balancer.load_balancer_dns_name
        )
        CfnOutput(self, "AppUrl", value=self.entry.url)
        CfnOutput(self, "GroupName", value=group.auto_scaling_group_name)
        CfnOutput(self, "DashboardName", value=dashboard.dashboard.dashboard_name)
