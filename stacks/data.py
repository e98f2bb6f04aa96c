"""The data stack: the database, its read replicas, its credentials and its alarms."""

from aws_cdk import Annotations, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_sns as sns

from constructs import Construct
from constructs.database import ReplicatedDatabase
from constructs.database_alarms import DatabaseAlarms
from settings.data import DataSettings, is_retired_instance_class

_REMOVAL = {
    "destroy": RemovalPolicy.DESTROY,
    "snapshot": RemovalPolicy.SNAPSHOT,
    "retain": RemovalPolicy.RETAIN,
}


class DataStack(Stack):
    """The database in the VPC's data subnets, and the SNS topic that its alarms notify.

    The compute stack reads `database` (writer, replicas, secret, security group) and
    `alarm_topic`, and opens the database port from its own stack.
    """

    def __init__(
        self, scope: Construct, id: str, *, settings: DataSettings, vpc: ec2.IVpc, **kwargs
    ) -> None:
        super().__init__(scope, id, **kwargs)
        data_subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        self._warn_of_retired_classes(settings)

        self.database = ReplicatedDatabase(
            self,
            "Database",
            vpc=vpc,
            subnets=data_subnets,
            engine_name=settings.engine,
            engine_version=settings.resolved_engine_version,
            instance_class=settings.instance_class,
            replica_instance_class=settings.resolved_replica_instance_class,
            multi_az=settings.multi_az,
            replica_count=settings.read_replicas,
            database_name=settings.database_name,
            allocated_storage_gib=settings.allocated_storage_gib,
            max_allocated_storage_gib=settings.max_allocated_storage_gib,
            backup_retention_days=settings.backup_retention_days,
            replica_backup_retention_days=settings.replica_backup_retention_days,
            delete_automated_backups=settings.delete_automated_backups,
            removal_policy=_REMOVAL[settings.removal_policy],
            deletion_protection=settings.deletion_protection,
            log_exports=settings.resolved_log_exports,
            monitoring_interval_seconds=settings.monitoring_interval_seconds,
        )
        if settings.rotation_days is not None:
            # Private DNS makes every Secrets Manager call in the VPC go through this
            # endpoint, the app's too, so it admits HTTPS from the whole VPC.
            endpoint = ec2.InterfaceVpcEndpoint(
                self,
                "SecretsManagerEndpoint",
                vpc=vpc,
                service=ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
                subnets=data_subnets,
                private_dns_enabled=True,
                open=True,
            )
            self.database.add_single_user_rotation(
                every=Duration.days(settings.rotation_days), secrets_manager_endpoint=endpoint
            )

        # The compute stack sends its alarms to the same topic.
        self.alarm_topic: sns.ITopic = sns.Topic(
            self, "AlarmTopic", display_name="Database and app alarms", enforce_ssl=True
        )
        thresholds = settings.alarms
        self.alarms = DatabaseAlarms(
            self,
            "Alarms",
            writer=self.database.instance,
            replicas=list(self.database.replicas),
            topic=self.alarm_topic,
            cpu_percent=thresholds.cpu_percent,
            free_storage_gib=thresholds.free_storage_gib,
            freeable_memory_mib=thresholds.freeable_memory_mib,
            connections=thresholds.connections,
            replica_lag_seconds=thresholds.replica_lag_seconds,
            evaluation_periods=thresholds.evaluation_periods,
        )

        instance = self.database.instance
        CfnOutput(self, "WriterEndpoint", value=instance.db_instance_endpoint_address)
        CfnOutput(self, "WriterPort", value=instance.db_instance_endpoint_port)
        for number, replica in enumerate(self.database.replicas, start=1):
            CfnOutput(self, f"Replica{number}Endpoint", value=replica.db_instance_endpoint_address)
        CfnOutput(self, "SecretArn", value=self.database.secret.secret_arn)
        CfnOutput(self, "SecurityGroupId", value=self.database.security_group.security_group_id)
        CfnOutput(self, "AlarmTopicArn", value=self.alarm_topic.topic_arn)

    def _warn_of_retired_classes(self, settings: DataSettings) -> None:
        classes = {"instance_class": settings.instance_class}
        if settings.replica_instance_class is not None:
            classes["replica_instance_class"] = settings.replica_instance_class
        for key, instance_class in classes.items():
            if is_retired_instance_class(instance_class):
                Annotations.of(self).add_warning_v2(
                    "qea:data-retired-instance-class",
                    f"data.{key} is {instance_class}, a retired previous-generation family "
                    "that RDS is moving instances off; choose a current one such as "
                    "db.t4g.micro or db.m7g.large",
                )
