"""The data stack: the database, its read replicas and its credentials."""

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_sns as sns

from constructs import Construct
from constructs.database import ReplicatedDatabase, engine_for
from settings.data import DataSettings

_REMOVAL = {
    "destroy": RemovalPolicy.DESTROY,
    "snapshot": RemovalPolicy.SNAPSHOT,
    "retain": RemovalPolicy.RETAIN,
}


class DataStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: DataSettings,
        vpc: ec2.IVpc,
        **kwargs,
    ) -> None:
        super().__init__(scope, id, **kwargs)

        instance_type = ec2.InstanceType(settings.instance_class.removeprefix("db."))
        self.database = ReplicatedDatabase(
            self,
            "Database",
            vpc=vpc,
            subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            engine=engine_for(settings.engine, settings.engine_version),
            instance_type=instance_type,
            replica_instance_type=instance_type,
            multi_az=settings.multi_az,
            replica_count=settings.read_replicas,
            database_name=settings.database_name,
            allocated_storage_gib=settings.allocated_storage_gib,
            max_allocated_storage_gib=settings.max_allocated_storage_gib,
            backup_retention_days=settings.backup_retention_days,
            # RDS rejects a backup retention on postgres replicas; mysql and mariadb take one.
            replica_backup_retention_days=None if settings.engine == "postgres" else 1,
            removal_policy=_REMOVAL[settings.removal_policy],
            deletion_protection=settings.deletion_protection,
            delete_automated_backups=settings.removal_policy == "destroy",
        )

        # The compute stack sends its alarms to the same topic.
        self.alarm_topic: sns.ITopic = sns.Topic(
            self, "AlarmTopic", display_name="Database and app alarms", enforce_ssl=True
        )

        instance = self.database.instance
        CfnOutput(self, "WriterEndpoint", value=instance.db_instance_endpoint_address)
        CfnOutput(self, "WriterPort", value=instance.db_instance_endpoint_port)
        for number, replica in enumerate(self.database.replicas, start=1):
            CfnOutput(
                self,
                f"Replica{number}Endpoint",
                value=replica.db_instance_endpoint_address,
            )
        CfnOutput(self, "SecretArn", value=self.database.secret.secret_arn)
        CfnOutput(
            self,
            "SecurityGroupId",
            value=self.database.security_group.security_group_id,
        )
        CfnOutput(self, "AlarmTopicArn", value=self.alarm_topic.topic_arn)
