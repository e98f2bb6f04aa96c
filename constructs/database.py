"""A database instance with read replicas, its credentials generated into Secrets Manager."""

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager

from constructs import Construct

ADMIN_USER = "app_admin"

# The engines' usual ports, set explicitly so that rules name a number rather than an attribute.
PORTS = {"postgres": 5432, "mysql": 3306, "mariadb": 3306}

_SINGLE_USER_ROTATION = {
    "postgres": secretsmanager.HostedRotation.postgre_sql_single_user,
    "mysql": secretsmanager.HostedRotation.mysql_single_user,
    "mariadb": secretsmanager.HostedRotation.maria_db_single_user,
}


def engine_for(engine: str, version: str) -> rds.IInstanceEngine:
    """The CDK engine for an engine name and its version as RDS spells it (`17.6`, `8.4.6`)."""
    major = ".".join(version.split(".")[: 1 if engine == "postgres" else 2])
    if engine == "postgres":
        return rds.DatabaseInstanceEngine.postgres(
            version=rds.PostgresEngineVersion.of(version, major)
        )
    if engine == "mysql":
        return rds.DatabaseInstanceEngine.mysql(version=rds.MysqlEngineVersion.of(version, major))
    if engine == "mariadb":
        return rds.DatabaseInstanceEngine.maria_db(
            version=rds.MariaDbEngineVersion.of(version, major)
        )
    raise ValueError(f"engine: got {engine!r}; expected postgres, mysql or mariadb")


def rds_instance_type(instance_class: str) -> ec2.InstanceType:
    """The instance type for an RDS class such as `db.t4g.micro`.

    CDK writes `db.` in front of the type it is given, so `db.t4g.micro` passed as it is
    would become `db.db.t4g.micro`; the prefix is taken off here, once.
    """
    if not instance_class.startswith("db."):
        raise ValueError(f"instance class: got {instance_class!r}; expected db.<type>")
    return ec2.InstanceType(instance_class.removeprefix("db."))


class ReplicatedDatabase(Construct):
    """The writer instance, Multi-AZ when asked, and `replica_count` read replicas of it.

    Storage is gp3, encrypted with a customer-managed key, and grows up to
    `max_allocated_storage_gib`. The admin credentials are generated into Secrets Manager and
    never appear in the template. The security group admits nothing of its own making:
    consumers open the port from their own stack, so this one never depends on them.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        subnets: ec2.SubnetSelection,
        engine_name: str,
        engine_version: str,
        instance_class: str,
        replica_instance_class: str,
        multi_az: bool,
        replica_count: int,
        database_name: str,
        allocated_storage_gib: int,
        max_allocated_storage_gib: int,
        backup_retention_days: int,
        replica_backup_retention_days: int | None,
        delete_automated_backups: bool,
        removal_policy: RemovalPolicy,
        deletion_protection: bool,
        log_exports: tuple[str, ...],
        monitoring_interval_seconds: int,
    ) -> None:
        super().__init__(scope, id)
        if engine_name == "postgres" and replica_backup_retention_days is not None:
            raise ValueError(
                "replica_backup_retention_days: RDS gives postgres read replicas no automated "
                "backups; leave it out for postgres"
            )
        self.engine_name = engine_name
        self.database_name = database_name
        self.port = PORTS[engine_name]
        self._vpc = vpc
        self._subnets = subnets

        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description="The database. Ingress is opened by each consumer stack",
            allow_all_outbound=False,
        )
        # The key must outlive every snapshot it encrypts, so only `destroy` deletes it.
        self.key = kms.Key(
            self,
            "StorageKey",
            description="Encrypts the database's storage, snapshots and replicas",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.DESTROY
            if removal_policy == RemovalPolicy.DESTROY
            else RemovalPolicy.RETAIN,
        )
        monitoring_interval = (
            Duration.seconds(monitoring_interval_seconds) if monitoring_interval_seconds else None
        )
        # One role for the writer and every replica, rather than one each.
        self.monitoring_role = (
            iam.Role(
                self,
                "MonitoringRole",
                assumed_by=iam.ServicePrincipal("monitoring.rds.amazonaws.com"),
                managed_policies=[
                    iam.ManagedPolicy.from_aws_managed_policy_name(
                        "service-role/AmazonRDSEnhancedMonitoringRole"
                    )
                ],
            )
            if monitoring_interval
            else None
        )

        self.instance = rds.DatabaseInstance(
            self,
            "Writer",
            engine=engine_for(engine_name, engine_version),
            instance_type=rds_instance_type(instance_class),
            port=self.port,
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
            cloudwatch_logs_exports=list(log_exports) or None,
            monitoring_interval=monitoring_interval,
            monitoring_role=self.monitoring_role,
            backup_retention=Duration.days(backup_retention_days),
            delete_automated_backups=delete_automated_backups,
            deletion_protection=deletion_protection,
            removal_policy=removal_policy,
            publicly_accessible=False,
            auto_minor_version_upgrade=True,
        )
        self.secret: secretsmanager.ISecret = self.instance.secret
        # The credentials outlive the instance unless everything goes: a snapshot restored
        # later still needs them.
        # `instance.secret` is the attachment; the generated secret is the instance's child.
        generated_secret: secretsmanager.Secret = self.instance.node.find_child("Secret")
        generated_secret.apply_removal_policy(
            RemovalPolicy.DESTROY
            if removal_policy == RemovalPolicy.DESTROY
            else RemovalPolicy.RETAIN
        )

        # RDS takes no final snapshot of a read replica (DeleteDBInstance: "can't be specified
        # when deleting a read replica"), and the writer's snapshot holds all of its data.
        replica_removal_policy = (
            RemovalPolicy.DESTROY if removal_policy == RemovalPolicy.SNAPSHOT else removal_policy
        )
        self.replicas = [
            rds.DatabaseInstanceReadReplica(
                self,
                f"Replica{number}",
                source_database_instance=self.instance,
                instance_type=rds_instance_type(replica_instance_class),
                vpc=vpc,
                vpc_subnets=subnets,
                security_groups=[self.security_group],
                # A replica inherits its source's encryption and key; CDK would default the
                # storage to gp2 rather than inherit it.
                storage_type=rds.StorageType.GP3,
                max_allocated_storage=max_allocated_storage_gib,
                iam_authentication=True,
                cloudwatch_logs_exports=list(log_exports) or None,
                monitoring_interval=monitoring_interval,
                monitoring_role=self.monitoring_role,
                backup_retention=(
                    Duration.days(replica_backup_retention_days)
                    if replica_backup_retention_days is not None
                    else None
                ),
                delete_automated_backups=delete_automated_backups,
                deletion_protection=deletion_protection,
                removal_policy=replica_removal_policy,
                publicly_accessible=False,
                auto_minor_version_upgrade=True,
            )
            for number in range(1, replica_count + 1)
        ]

    def add_single_user_rotation(
        self, *, every: Duration, secrets_manager_endpoint: ec2.InterfaceVpcEndpoint
    ) -> secretsmanager.RotationSchedule:
        """Rotates the admin password every `every` with Secrets Manager's hosted function.

        The function runs in the database's subnets, which have no route out, so it reaches
        Secrets Manager through `secrets_manager_endpoint` (an interface endpoint with
        private DNS); the schedule waits for it, because the first rotation starts at once.
        """
        function_security_group = ec2.SecurityGroup(
            self,
            "RotationSecurityGroup",
            vpc=self._vpc,
            description="The password rotation function: the database and Secrets Manager",
            allow_all_outbound=False,
        )
        function_security_group.connections.allow_to(
            secrets_manager_endpoint, ec2.Port.HTTPS, "Secrets Manager through the VPC endpoint"
        )
        hosted = _SINGLE_USER_ROTATION[self.engine_name](
            vpc=self._vpc,
            vpc_subnets=self._subnets,
            security_groups=[function_security_group],
        )
        schedule = self.secret.add_rotation_schedule(
            "Rotation", hosted_rotation=hosted, automatically_after=every
        )
        schedule.node.add_dependency(secrets_manager_endpoint)
        # The function's own ingress rule, in this stack: it is part of the database.
        self.instance.connections.allow_from(
            function_security_group, ec2.Port.tcp(self.port), "The password rotation function"
        )
        return schedule
