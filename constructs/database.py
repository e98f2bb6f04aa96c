"""A database instance with read replicas, its credentials generated into Secrets Manager."""

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

ADMIN_USER = "app_admin"


def engine_for(engine: str, version: str) -> rds.IInstanceEngine:
    """The CDK engine for a settings engine name and its `major.minor[.patch]` version."""
    major = ".".join(version.split(".")[:1 if engine == "postgres" else 2])
    if engine == "postgres":
        return rds.DatabaseInstanceEngine.postgres(
            version=rds.PostgresEngineVersion.of(version, major)
        )
    if engine == "mysql":
        return rds.DatabaseInstanceEngine.mysql(version=rds.MysqlEngineVersion.of(version, major))
    return rds.DatabaseInstanceEngine.maria_db(
        version=rds.MariaDbEngineVersion.of(version, major)
    )


class ReplicatedDatabase(Construct):
    """The writer instance, Multi-AZ when asked, and `replica_count` read replicas.

    The security group admits nothing of its own making: consumers open the port from their
    own stack, so this one never depends on them.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        subnets: ec2.SubnetSelection,
        engine: rds.IInstanceEngine,
        instance_type: ec2.InstanceType,
        replica_instance_type: ec2.InstanceType,
        multi_az: bool,
        replica_count: int,
        database_name: str,
        allocated_storage_gib: int,
        max_allocated_storage_gib: int,
        backup_retention_days: int,
        replica_backup_retention_days: int | None,
        removal_policy: RemovalPolicy,
        deletion_protection: bool,
        delete_automated_backups: bool,
    ) -> None:
        super().__init__(scope, id)
        self.database_name = database_name

        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description="The database. Ingress is opened by each consumer stack",
            allow_all_outbound=False,
        )
        self.key = kms.Key(
            self,
            "StorageKey",
            description="Encrypts the database's storage, snapshots and replicas",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN
            if removal_policy != RemovalPolicy.DESTROY
            else RemovalPolicy.DESTROY,
        )
        self.instance = rds.DatabaseInstance(
            self,
            "Writer",
            engine=engine,
            instance_type=instance_type,
            vpc=vpc,
            vpc_subnets=subnets,
            security_groups=[self.security_group],
            credentials=rds.Credentials.from_generated_secret(ADMIN_USER),
            database_name=database_name,
            multi_az=multi_az,
            storage_type=rds.StorageType.GP3,
            allocated_storage=allocated_storage_gib,
            max_allocated_storage=max_allocated_storage_gib,
            storage_encrypted=True,
            storage_encryption_key=self.key,
            iam_authentication=True,
            backup_retention=Duration.days(backup_retention_days),
            delete_automated_backups=delete_automated_backups,
            deletion_protection=deletion_protection,
            removal_policy=removal_policy,
            publicly_accessible=False,
            auto_minor_version_upgrade=True,
        )
        self.secret: secretsmanager.ISecret = self.instance.secret

        self.replicas = [
            rds.DatabaseInstanceReadReplica(
                self,
                f"Replica{number}",
                source_database_instance=self.instance,
                instance_type=replica_instance_type,
                vpc=vpc,
                vpc_subnets=subnets,
                security_groups=[self.security_group],
                # A replica inherits its source's encryption and key.
                backup_retention=(
                    Duration.days(replica_backup_retention_days)
                    if replica_backup_retention_days is not None
                    else None
                ),
                deletion_protection=deletion_protection,
                removal_policy=removal_policy,
                publicly_accessible=False,
                auto_minor_version_upgrade=True,
            )
            for number in range(1, replica_count + 1)
        ]
