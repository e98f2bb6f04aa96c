"""The app's instances: a launch template running the container, in an Auto Scaling group."""

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aws_cdk import Aws, Duration, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns

from constructs import Construct
from constructs.log_retention import log_retention

ENV_FILE = "/etc/app/database.env"
LAUNCH_HOOK = "app-launch"
TERMINATION_HOOK = "app-termination"
_ECR_IMAGE = re.compile(
    r"^(?P<registry>(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?)"
    r"/(?P<repository>[a-z0-9._/-]+)([:@].*)?$"
)
# The boot script gives up this long before the launch hook would, so that it can still
# abandon the hook and signal its failure itself.
_BOOT_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class ContainerSpec:
    """The app's container and the limits it runs under."""

    image: str
    port: int
    user: str
    memory_mib: int
    cpus: float
    pids_limit: int
    health_check_path: str
    environment: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EcrImage:
    registry: str
    account: str
    region: str
    repository: str


def ecr_image(image: str) -> EcrImage | None:
    """The private ECR repository an image reference points into, or None for other registries."""
    match = _ECR_IMAGE.match(image)
    if not match:
        return None
    return EcrImage(
        registry=match["registry"],
        account=match["account"],
        region=match["region"],
        repository=match["repository"],
    )


def docker_run_command(
    container: ContainerSpec, *, log_group: str, region: str, env_file: str = ENV_FILE
) -> str:
    """`docker run` of the app with the course's hardening, logs to CloudWatch Logs."""
    env_flags = [
        f"-e {shlex.quote(f'{key}={value}')}" for key, value in container.environment.items()
    ]
    return " ".join(
        [
            "docker run -d --name app --restart unless-stopped",
            f"-p {container.port}:{container.port}",
            f"--user {shlex.quote(container.user)}",
            "--read-only --tmpfs /tmp:rw,noexec,nosuid,size=64m",
            "--cap-drop ALL --security-opt no-new-privileges",
            f"--memory {container.memory_mib}m --cpus {container.cpus:g}",
            f"--pids-limit {container.pids_limit}",
            f"--env-file {env_file}",
            *env_flags,
            f"--log-driver awslogs --log-opt awslogs-region={region}",
            f"--log-opt awslogs-group={log_group}",
            shlex.quote(container.image),
        ]
    )


def boot_commands(
    container: ContainerSpec,
    *,
    log_group: str,
    region: str,
    secret_arn: str,
    health_wait_seconds: int,
) -> list[str]:
    """The boot script: Docker, credentials into a root-only file, the container, its health.

    The credentials are read at boot from Secrets Manager; the script holds only the secret's ARN.
    Once the container answers its health check, the script completes the launch hook; the exit
    trap then signals CloudFormation with the script's exit code.
    """
    health_url = f"http://127.0.0.1:{container.port}{container.health_check_path}"
    source = ecr_image(container.image)
    login = (
        [
            f"aws ecr get-login-password --region {source.region}"
            f" | docker login --username AWS --password-stdin {source.registry}"
        ]
        if source
        else []
    )
    return [
        "set -euo pipefail",
        "exec > >(tee /var/log/user-data.log | logger -t user-data -s 2>/dev/console) 2>&1",
        "dnf install -y docker aws-cfn-bootstrap",
        "systemctl enable --now docker",
        "imds_token=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token"
        " -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600')",
        'instance_id=$(curl -fsS -H "X-aws-ec2-metadata-token: $imds_token"'
        " http://169.254.169.254/latest/meta-data/instance-id)",
        "install -d -m 0700 /etc/app",
        "umask 077",
        f"aws secretsmanager get-secret-value --region {region} --secret-id {secret_arn}"
        " --query SecretString --output text"
        " | python3 -c 'import json,sys; s=json.load(sys.stdin);"
        ' print(f"DB_USER={s[\\"username\\"]}"); print(f"DB_PASSWORD={s[\\"password\\"]}")\''
        f" > {ENV_FILE}",
        *login,
        f"docker pull {shlex.quote(container.image)}",
        "docker rm -f app 2>/dev/null || true",
        docker_run_command(container, log_group=log_group, region=region),
        f"deadline=$((SECONDS + {health_wait_seconds}))",
        f"until curl -fsS -o /dev/null {shlex.quote(health_url)}; do",
        '  if [ "$SECONDS" -ge "$deadline" ]; then',
        f'    echo "the container did not answer {health_url} in {health_wait_seconds} s"',
        "    docker logs --tail 50 app || true",
        "    exit 1",
        "  fi",
        "  sleep 5",
        "done",
        _complete_launch_hook(region, "CONTINUE"),
        "launch_hook_done=1",
    ]


def exit_commands(region: str) -> list[str]:
    """Run from the exit trap, before the signal: a failed boot abandons the launch hook."""
    return [
        'if [ "$exitCode" -ne 0 ] && [ -z "${launch_hook_done:-}" ]'
        ' && [ -n "${instance_id:-}" ]; then',
        f"  {_complete_launch_hook(region, 'ABANDON')} || true",
        "fi",
    ]


def _complete_launch_hook(region: str, result: str) -> str:
    # The group's name is not in the script: a Ref to the group from its own launch template
    # would be a circular dependency, so the instance asks which group it belongs to.
    return (
        "aws autoscaling complete-lifecycle-action"
        f" --region {region} --lifecycle-hook-name {LAUNCH_HOOK}"
        f' --instance-id "$instance_id" --lifecycle-action-result {result}'
        " --auto-scaling-group-name"
        ' "$(aws autoscaling describe-auto-scaling-instances'
        f' --region {region} --instance-ids "$instance_id"'
        " --query 'AutoScalingInstances[0].AutoScalingGroupName' --output text)\""
    )


class AppFleet(Construct):
    """Instances from a versioned launch template, spread over the app subnets.

    Each instance runs the container hardened, signals CloudFormation once the container is
    healthy, and holds its launch hook until then. A change of the launch template rolls out
    instance by instance and rolls back when the new instances do not signal.

    Optional arguments and what happens without them: `desired_capacity` none (the group
    keeps its size across deploys); `instance_types` none (no mixed instances policy, all on
    demand); `root_volume_gib` 20; `log_retention_days` 30; `health_check_grace` 5 minutes;
    `launch_timeout` 10 minutes (the launch hook's heartbeat; signals wait 2 minutes more);
    `drain_time` 30 s (the termination hook waits 30 s more); `cooldown` and
    `instance_warmup` 5 minutes; `min_instances_in_service` 1 and `rolling_batch_size` 1;
    `notification_topic` none (no scaling notifications).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        subnet_type: ec2.SubnetType = ec2.SubnetType.PRIVATE_WITH_EGRESS,
        instance_type: ec2.InstanceType,
        container: ContainerSpec,
        database_secret: secretsmanager.ISecret,
        min_capacity: int,
        max_capacity: int,
        desired_capacity: int | None = None,
        instance_types: Sequence[ec2.InstanceType] = (),
        on_demand_base_capacity: int = 0,
        spot_percent_above_base: int = 0,
        root_volume_gib: int = 20,
        log_retention_days: int = 30,
        health_check_grace: Duration | None = None,
        launch_timeout: Duration | None = None,
        drain_time: Duration | None = None,
        cooldown: Duration | None = None,
        instance_warmup: Duration | None = None,
        min_instances_in_service: int = 1,
        rolling_batch_size: int = 1,
        notification_topic: sns.ITopic | None = None,
    ) -> None:
        super().__init__(scope, id)
        health_check_grace = health_check_grace or Duration.minutes(5)
        launch_timeout = launch_timeout or Duration.minutes(10)
        drain_time = drain_time or Duration.seconds(30)
        cooldown = cooldown or Duration.minutes(5)
        instance_warmup = instance_warmup or Duration.minutes(5)
        zones = vpc.select_subnets(subnet_type=subnet_type).availability_zones
        if len(set(zones)) < 2:
            raise ValueError(
                f"AppFleet {self.node.path}: the app subnets span {len(set(zones))} "
                "availability zone(s); expected at least 2, so that one zone's loss leaves "
                "instances serving. Give the VPC app subnets in 2 or more zones"
            )
        region = Stack.of(self).region

        self.security_group = ec2.SecurityGroup(
            self, "SecurityGroup", vpc=vpc, description="The app instances"
        )
        self.log_group = logs.LogGroup(
            self, "ContainerLogs", retention=log_retention(log_retention_days)
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description="The app instances: SSM sessions, their logs, the database secret",
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")
            ],
        )

        architecture = instance_type.architecture
        self.user_data = ec2.UserData.for_linux()
        self.launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            machine_image=ec2.MachineImage.latest_amazon_linux2023(
                cpu_type=ec2.AmazonLinuxCpuType.ARM_64
                if architecture == ec2.InstanceArchitecture.ARM_64
                else ec2.AmazonLinuxCpuType.X86_64
            ),
            instance_type=instance_type,
            role=self.role,
            security_group=self.security_group,
            require_imdsv2=True,
            http_put_response_hop_limit=2,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        root_volume_gib,
                        encrypted=True,
                        volume_type=ec2.EbsDeviceVolumeType.GP3,
                        delete_on_termination=True,
                    ),
                )
            ],
            user_data=self.user_data,
        )

        mixed = (
            autoscaling.MixedInstancesPolicy(
                launch_template=self.launch_template,
                launch_template_overrides=[
                    autoscaling.LaunchTemplateOverrides(instance_type=t) for t in instance_types
                ],
                instances_distribution=autoscaling.InstancesDistribution(
                    on_demand_base_capacity=on_demand_base_capacity,
                    on_demand_percentage_above_base_capacity=100 - spot_percent_above_base,
                    spot_allocation_strategy=autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
                ),
            )
            if instance_types
            else None
        )
        signal_timeout = launch_timeout.plus(Duration.minutes(2))
        self.group = autoscaling.AutoScalingGroup(
            self,
            "Group",
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=subnet_type),
            launch_template=None if mixed else self.launch_template,
            mixed_instances_policy=mixed,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
            desired_capacity=desired_capacity,
            health_checks=autoscaling.HealthChecks.with_additional_checks(
                additional_types=[autoscaling.AdditionalHealthCheckType.ELB],
                grace_period=health_check_grace,
            ),
            cooldown=cooldown,
            default_instance_warmup=instance_warmup,
            signals=autoscaling.Signals.wait_for_min_capacity(timeout=signal_timeout),
            update_policy=autoscaling.UpdatePolicy.rolling_update(
                max_batch_size=rolling_batch_size,
                min_instances_in_service=min_instances_in_service,
                pause_time=signal_timeout,
                wait_on_resource_signals=True,
            ),
            group_metrics=[autoscaling.GroupMetrics.all()],
            notifications=[
                autoscaling.NotificationConfiguration(
                    topic=notification_topic, scaling_events=autoscaling.ScalingEvents.ALL
                )
            ]
            if notification_topic
            else None,
        )
        self._add_lifecycle_hooks(launch_timeout, drain_time)

        self.user_data.add_commands(
            *boot_commands(
                container,
                log_group=self.log_group.log_group_name,
                region=region,
                secret_arn=database_secret.secret_arn,
                health_wait_seconds=max(
                    launch_timeout.to_seconds() - _BOOT_MARGIN_SECONDS, _BOOT_MARGIN_SECONDS
                ),
            )
        )
        self.user_data.add_on_exit_commands(*exit_commands(region))
        self.user_data.add_signal_on_exit_command(self.group)

        database_secret.grant_read(self.role)
        self.log_group.grant_write(self.role)
        self._grant_image_pull(container.image)
        self._grant_lifecycle_completion()

    def _add_lifecycle_hooks(self, launch_timeout: Duration, drain_time: Duration) -> None:
        # On the group itself rather than as AWS::AutoScaling::LifecycleHook resources: those
        # are created after the group, so its first instances would launch without the hook.
        group = self.group.node.default_child
        group.lifecycle_hook_specification_list = [
            autoscaling.CfnAutoScalingGroup.LifecycleHookSpecificationProperty(
                lifecycle_hook_name=LAUNCH_HOOK,
                lifecycle_transition="autoscaling:EC2_INSTANCE_LAUNCHING",
                heartbeat_timeout=int(launch_timeout.to_seconds()),
                default_result="ABANDON",
            ),
            autoscaling.CfnAutoScalingGroup.LifecycleHookSpecificationProperty(
                lifecycle_hook_name=TERMINATION_HOOK,
                lifecycle_transition="autoscaling:EC2_INSTANCE_TERMINATING",
                heartbeat_timeout=int(drain_time.to_seconds()) + 30,
                default_result="CONTINUE",
            ),
        ]

    def _grant_image_pull(self, image: str) -> None:
        source = ecr_image(image)
        if source is None:
            return
        arn = (
            f"arn:{Aws.PARTITION}:ecr:{source.region}:{source.account}"
            f":repository/{source.repository}"
        )
        repository = ecr.Repository.from_repository_attributes(
            self, "ImageRepository", repository_arn=arn, repository_name=source.repository
        )
        repository.grant_pull(self.role)

    def _grant_lifecycle_completion(self) -> None:
        # Not the group's ARN: it is a Ref to the group, whose creation waits for the signals
        # that follow the hook's completion. The tags CloudFormation puts on the group name it.
        stack = Stack.of(self)
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=[
                    "autoscaling:CompleteLifecycleAction",
                    "autoscaling:RecordLifecycleActionHeartbeat",
                ],
                resources=[
                    stack.format_arn(
                        service="autoscaling",
                        resource="autoScalingGroup:*:autoScalingGroupName",
                        resource_name="*",
                    )
                ],
                conditions={
                    "StringEquals": {
                        "aws:ResourceTag/aws:cloudformation:stack-id": stack.stack_id,
                        "aws:ResourceTag/aws:cloudformation:logical-id": stack.get_logical_id(
                            self.group.node.default_child
                        ),
                    }
                },
            )
        )
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["autoscaling:DescribeAutoScalingInstances"], resources=["*"]
            )
        )
