"""The app's instances: a launch template running the container, in an Auto Scaling group."""

import shlex

from aws_cdk import Duration, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

ENV_FILE = "/etc/app/database.env"


def container_user_data(
    *,
    image: str,
    container_port: int,
    log_group: str,
    region: str,
    secret_arn: str,
    environment: dict[str, str],
) -> ec2.UserData:
    """Boot script: Docker, the database credentials into a root-only env file, the container.

    The credentials are read at boot from Secrets Manager; the script holds only the secret's ARN.
    """
    user_data = ec2.UserData.for_linux()
    env_flags = " ".join(f"-e {shlex.quote(f'{key}={value}')}" for key, value in environment.items())
    user_data.add_commands(
        "set -euo pipefail",
        "exec > >(tee /var/log/user-data.log | logger -t user-data -s 2>/dev/console) 2>&1",
        "dnf install -y docker",
        "systemctl enable --now docker",
        "install -d -m 0700 /etc/app",
        "umask 077",
        f"aws secretsmanager get-secret-value --region {region} --secret-id {secret_arn} "
        "--query SecretString --output text"
        " | python3 -c 'import json,sys; s=json.load(sys.stdin);"
        ' print(f"DB_USER={s[\\"username\\"]}"); print(f"DB_PASSWORD={s[\\"password\\"]}")\''
        f" > {ENV_FILE}",
        f"docker pull {shlex.quote(image)}",
        "docker rm -f app 2>/dev/null || true",
        "docker run -d --name app --restart unless-stopped"
        f" -p {container_port}:{container_port}"
        f" --env-file {ENV_FILE} {env_flags}"
        f" --log-driver awslogs --log-opt awslogs-region={region}"
        f" --log-opt awslogs-group={log_group}"
        " --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges"
        f" {shlex.quote(image)}",
    )
    return user_data


class AppFleet(Construct):
    """Instances from a versioned launch template, spread over the app subnets."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        subnets: ec2.SubnetSelection,
        instance_type: ec2.InstanceType,
        min_capacity: int,
        max_capacity: int,
        desired_capacity: int | None,
        container_image: str,
        container_port: int,
        container_environment: dict[str, str],
        database_secret: secretsmanager.ISecret,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, id)

        self.security_group = ec2.SecurityGroup(
            self, "SecurityGroup", vpc=vpc, description="The app instances"
        )
        self.log_group = logs.LogGroup(self, "ContainerLogs", retention=log_retention)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")
            ],
        )
        database_secret.grant_read(self.role)
        self.log_group.grant_write(self.role)

        self.launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            machine_image=ec2.MachineImage.latest_amazon_linux2023(),
            instance_type=instance_type,
            role=self.role,
            security_group=self.security_group,
            require_imdsv2=True,
            http_put_response_hop_limit=2,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        20, encrypted=True, volume_type=ec2.EbsDeviceVolumeType.GP3
                    ),
                )
            ],
            user_data=container_user_data(
                image=container_image,
                container_port=container_port,
                log_group=self.log_group.log_group_name,
                region=Stack.of(self).region,
                secret_arn=database_secret.secret_arn,
                environment=container_environment,
            ),
        )
        self.group = autoscaling.AutoScalingGroup(
            self,
            "Group",
            vpc=vpc,
            vpc_subnets=subnets,
            launch_template=self.launch_template,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
            desired_capacity=desired_capacity,
            health_checks=autoscaling.HealthChecks.with_additional_checks(
                additional_types=[autoscaling.AdditionalHealthCheckType.ELB],
                grace_period=Duration.seconds(300),
            ),
        )
