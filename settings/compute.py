"""Settings of the compute stack: the app's instances, their container, scaling and monitoring."""

import re
import zoneinfo
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from .base import LogRetentionDays, SettingsModel, setting_error

_INSTANCE_TYPE = re.compile(
    r"^(?P<family>[a-z]+)(?P<generation>[0-9]+)(?P<attributes>[a-z0-9-]*)"
    r"\.(?P<size>nano|micro|small|medium|large|[0-9]*xlarge|metal(-[0-9]+xl)?)$"
)
# Graviton types: a1, and every family whose attributes start with `g` (t4g, m7gd, c7gn...).
_ARM64_INSTANCE_TYPE = re.compile(r"^(a1|[a-z]+[0-9]+g[a-z0-9-]*)\.")
_ROOT_USERS = re.compile(r"^(0|root)(:.*)?$")
_CRON_FIELDS = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    (
        "month",
        1,
        12,
        {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)},
    ),
    ("day of week", 0, 6, {d: i for i, d in enumerate("SUN MON TUE WED THU FRI SAT".split())}),
)
_CERTIFICATE_ARN = re.compile(
    r"^arn:aws[a-z-]*:acm:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:certificate/[0-9a-f-]{36}$"
)


def architecture_of(instance_type: str) -> str:
    """`arm64` for a Graviton type, `x86_64` for the others."""
    return "arm64" if _ARM64_INSTANCE_TYPE.match(instance_type) else "x86_64"


def _check_instance_type(value: str) -> str:
    if value.startswith("db."):
        raise ValueError(
            "is an RDS instance class; expected an EC2 instance type without the `db.` "
            "prefix, as {family}{generation}{attributes}.{size}, e.g. t3.micro"
        )
    if not _INSTANCE_TYPE.match(value):
        raise ValueError(
            "expected an EC2 instance type as {family}{generation}{attributes}.{size}, e.g. "
            "t3.micro or m7g.large, with a size of nano, micro, small, medium, large, "
            "xlarge, <n>xlarge or metal"
        )
    return value


def _check_cron(expression: str) -> str:
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(
            f"has {len(fields)} fields; expected 5 (minute hour day-of-month month "
            "day-of-week), e.g. '0 8 * * MON-FRI'"
        )
    for text, (name, low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for part in text.split(","):
            _check_cron_part(part, name, low, high, names)
    return expression


def _check_cron_part(part: str, name: str, low: int, high: int, names: dict[str, int]) -> None:
    span, _, step = part.partition("/")
    if step and not (step.isdigit() and int(step) >= 1):
        raise ValueError(f"{name} step {step!r} is not a positive number")
    if span == "*":
        return
    for bound in span.split("-", 1):
        number = names.get(bound.upper()) if bound.upper() in names else None
        if number is None and bound.isdigit():
            number = int(bound)
        if number is None or not low <= number <= high:
            raise ValueError(f"{name} {bound!r} is outside {low}-{high}")


class ContainerSettings(SettingsModel):
    image: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._/:@-]*[a-z0-9]$")] = (
        "public.ecr.aws/nginx/nginx-unprivileged:1.29-alpine"
    )
    """The app's container image; an image in a private ECR repository is pulled after an ECR
    login, and the instances may pull from that repository only. The default runs as a
    non-root user and writes only to /tmp."""

    port: Annotated[int, Field(ge=1024, le=65535)] = 8080
    """The port the container listens on (unprivileged: 1024 and above); the instances publish
    it on the same port for the target group."""

    user: Annotated[str, Field(pattern=r"^[a-z0-9_][a-z0-9_-]*(:[a-z0-9_][a-z0-9_-]*)?$")] = (
        "101:101"
    )
    """The user (and group) the container runs as, `uid[:gid]` or a name; never root. 101 is
    the nginx user of the default image."""

    memory_mib: Annotated[int, Field(ge=64, le=524288)] = 512
    """Memory limit of the container in MiB (`docker run --memory`)."""

    cpus: Annotated[float, Field(gt=0, le=192)] = 1.0
    """CPU limit of the container in vCPUs (`docker run --cpus`)."""

    pids_limit: Annotated[int, Field(ge=16, le=65536)] = 256
    """Most processes the container may run (`docker run --pids-limit`)."""

    log_retention_days: LogRetentionDays = 30
    """Days the container's log group keeps its logs; one of CloudWatch's retention values."""

    @field_validator("user")
    @classmethod
    def _not_root(cls, value: str) -> str:
        if _ROOT_USERS.match(value):
            raise ValueError("is root; expected a non-root user such as 101:101 or nobody")
        return value


class StepScalingSettings(SettingsModel):
    increment: Annotated[int, Field(ge=1, le=100)] = 1
    """Instances added above `scale_out_cpu_percent` and removed below `scale_in_cpu_percent`."""

    scale_out_cpu_percent: Annotated[int, Field(ge=1, le=100)] = 80
    """Average CPU above which a step adds `increment` instances."""

    scale_in_cpu_percent: Annotated[int, Field(ge=0, le=99)] = 20
    """Average CPU below which a step removes `increment` instances."""

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> "StepScalingSettings":
        if self.scale_in_cpu_percent >= self.scale_out_cpu_percent:
            raise setting_error(
                "scale_in_cpu_percent",
                f"is {self.scale_in_cpu_percent}, not below scale_out_cpu_percent "
                f"({self.scale_out_cpu_percent}); expected scale_in < scale_out",
            )
        return self


class ScheduleSettings(SettingsModel):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")]
    """The scheduled action's name, lower-case words joined by `-`, e.g. `office-hours`."""

    cron: str
    """When the action runs: a 5-field cron expression, e.g. `0 8 * * MON-FRI`."""

    time_zone: str = "UTC"
    """The IANA time zone the cron expression is read in, e.g. Europe/Berlin."""

    min_capacity: Annotated[int | None, Field(ge=0, le=100)] = None
    """The group's minimum from then on; left out, unchanged."""

    max_capacity: Annotated[int | None, Field(ge=0, le=100)] = None
    """The group's maximum from then on; left out, unchanged."""

    desired_capacity: Annotated[int | None, Field(ge=0, le=100)] = None
    """The group's size from then on; left out, unchanged."""

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        return _check_cron(value)

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                "is not an IANA time zone; expected e.g. UTC or Europe/Berlin"
            ) from None
        return value

    @model_validator(mode="after")
    def _sets_a_capacity(self) -> "ScheduleSettings":
        if self.capacities() == {}:
            raise setting_error(
                "desired_capacity",
                "is left out, as are min_capacity and max_capacity; a schedule sets at least one",
            )
        return self

    def capacities(self) -> dict[str, int]:
        values = {
            "min_capacity": self.min_capacity,
            "desired_capacity": self.desired_capacity,
            "max_capacity": self.max_capacity,
        }
        return {key: value for key, value in values.items() if value is not None}


class ScalingSettings(SettingsModel):
    target_cpu_percent: Annotated[int, Field(ge=1, le=100)] = 50
    """Average CPU the target tracking policy holds the group at, 1 to 100."""

    requests_per_target: Annotated[int | None, Field(ge=1, le=1_000_000)] = None
    """Requests per minute per instance a second target tracking policy holds; left out, none."""

    step: StepScalingSettings | None = None
    """Step scaling on CPU with its own alarms; left out, none."""

    schedules: list[ScheduleSettings] = []
    """Scheduled actions that set the group's capacities; left out, none."""

    @field_validator("schedules")
    @classmethod
    def _unique_names(cls, value: list[ScheduleSettings]) -> list[ScheduleSettings]:
        names = [schedule.name for schedule in value]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"names {repeated} appear twice; expected one schedule per name")
        return value


class AlarmSettings(SettingsModel):
    unhealthy_hosts: Annotated[int, Field(ge=1, le=100)] = 1
    """Unhealthy targets at or above which the unhealthy-hosts alarm fires."""

    server_error_percent: Annotated[float, Field(gt=0, le=100)] = 5.0
    """Share of requests answered with a 5xx (by the targets or the load balancer), in percent,
    above which the 5xx alarm fires."""

    p90_response_seconds: Annotated[float, Field(gt=0, le=300)] = 1.0
    """The targets' p90 response time in seconds above which the latency alarm fires."""

    evaluation_minutes: Annotated[int, Field(ge=1, le=60)] = 5
    """Consecutive one-minute periods a threshold must be crossed before an alarm fires."""


class ComputeSettings(SettingsModel):
    instance_type: str = "t3.micro"
    """EC2 instance type as `{family}{generation}{attributes}.{size}`, e.g. t3.micro; its
    architecture picks the Amazon Linux 2023 image (a Graviton type gets the arm64 one)."""

    instance_types: list[str] = []
    """Several instance types for a mixed instances policy, all of `instance_type`'s
    architecture; left out, every instance is `instance_type` and on demand."""

    on_demand_base_capacity: Annotated[int, Field(ge=0, le=100)] = 0
    """With `instance_types`: instances that are always on demand, before any spot."""

    spot_percent_above_base: Annotated[int, Field(ge=0, le=100)] = 0
    """With `instance_types`: the share of instances above the on-demand base that are spot."""

    root_volume_gib: Annotated[int, Field(ge=8, le=16384)] = 20
    """Size of the encrypted gp3 root volume in GiB."""

    min_capacity: Annotated[int, Field(ge=0, le=100)] = 2
    """Fewest instances."""

    max_capacity: Annotated[int, Field(ge=1, le=100)] = 4
    """Most instances."""

    desired_capacity: Annotated[int | None, Field(ge=0, le=100)] = None
    """Instances to start with; left out, the group keeps its size across deploys. Set, every
    deploy resets the group to it (synth warns)."""

    health_check_grace_seconds: Annotated[int, Field(le=7200)] = 300
    """Seconds after an instance enters service before failed ELB health checks replace it;
    60 or more, since instances still pull the image."""

    launch_timeout_seconds: Annotated[int, Field(ge=120, le=7200)] = 600
    """Seconds a new instance has to boot and answer its health check: its launch hook's
    heartbeat, and how long the boot script waits before it signals failure."""

    default_cooldown_seconds: Annotated[int, Field(ge=0, le=3600)] = 300
    """Seconds after a simple scaling activity before the next one."""

    instance_warmup_seconds: Annotated[int, Field(ge=0, le=3600)] = 300
    """Seconds before a new instance's metrics count towards the group's."""

    min_instances_in_service: Annotated[int, Field(ge=0, le=100)] = 1
    """Instances kept in service during a rolling update; below max_capacity."""

    rolling_batch_size: Annotated[int, Field(ge=1, le=100)] = 1
    """Instances replaced at a time during a rolling update."""

    health_check_path: Annotated[str, Field(pattern=r"^/[\x21-\x7e]*$")] = "/"
    """The path the target group checks on the container."""

    health_check_interval_seconds: Annotated[int, Field(ge=5, le=300)] = 15
    """Seconds between the target group's health checks."""

    health_check_timeout_seconds: Annotated[int, Field(ge=2, le=120)] = 5
    """Seconds a health check waits for an answer; below the interval."""

    healthy_threshold: Annotated[int, Field(ge=2, le=10)] = 2
    """Consecutive passed checks before a target is healthy."""

    unhealthy_threshold: Annotated[int, Field(ge=2, le=10)] = 3
    """Consecutive failed checks before a target is unhealthy."""

    deregistration_delay_seconds: Annotated[int, Field(ge=0, le=3600)] = 30
    """Seconds a leaving target drains its connections; the termination hook waits this long
    and 30 s more."""

    certificate_arn: str | None = None
    """An ACM certificate: HTTPS on 443 with a current TLS policy, HTTP redirected to it. Left
    out, HTTP only."""

    expect_https: bool = False
    """Warn at synth (`qea:compute-http-only`) when `certificate_arn` is left out."""

    container: ContainerSettings = ContainerSettings()
    scaling: ScalingSettings = ScalingSettings()
    alarms: AlarmSettings = AlarmSettings()

    @field_validator("instance_type")
    @classmethod
    def _valid_instance_type(cls, value: str) -> str:
        return _check_instance_type(value)

    @field_validator("instance_types")
    @classmethod
    def _valid_instance_types(cls, value: list[str]) -> list[str]:
        for index, instance_type in enumerate(value):
            try:
                _check_instance_type(instance_type)
            except ValueError as error:
                raise ValueError(f"[{index}] {instance_type!r} {error}") from None
        if len(set(value)) != len(value):
            raise ValueError("lists a type twice; expected each type once")
        return value

    @field_validator("health_check_grace_seconds")
    @classmethod
    def _grace_for_the_image_pull(cls, value: int) -> int:
        if value < 60:
            raise ValueError(
                "is under 60; new instances still pull the image then and would be replaced "
                "before they serve. Expected 60 to 7200 (default 300)"
            )
        return value

    @field_validator("certificate_arn")
    @classmethod
    def _acm_certificate(cls, value: str | None) -> str | None:
        if value is not None and not _CERTIFICATE_ARN.match(value):
            raise ValueError(
                "expected an ACM certificate ARN, arn:aws:acm:<region>:<account>:certificate/<uuid>"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "ComputeSettings":
        self._capacities_in_order()
        self._same_architecture()
        self._spot_needs_several_types()
        self._rolling_update_possible()
        self._health_check_timeout_below_interval()
        self._schedules_inside_the_group()
        return self

    def _capacities_in_order(self) -> None:
        if self.min_capacity > self.max_capacity:
            raise setting_error(
                "min_capacity",
                f"is {self.min_capacity}, above max_capacity ({self.max_capacity}); "
                "expected min_capacity <= max_capacity",
            )
        desired = self.desired_capacity
        if desired is not None and not self.min_capacity <= desired <= self.max_capacity:
            raise setting_error(
                "desired_capacity",
                f"is {desired}, outside min_capacity ({self.min_capacity}) to max_capacity "
                f"({self.max_capacity}); expected a value in that range, or leave it out",
            )

    def _same_architecture(self) -> None:
        architecture = architecture_of(self.instance_type)
        for index, instance_type in enumerate(self.instance_types):
            if architecture_of(instance_type) != architecture:
                raise setting_error(
                    f"instance_types.{index}",
                    f"is {instance_type!r}, an {architecture_of(instance_type)} type, but "
                    f"instance_type {self.instance_type!r} picks the {architecture} image; "
                    f"expected only {architecture} types",
                )

    def _spot_needs_several_types(self) -> None:
        if not self.instance_types and (
            self.spot_percent_above_base or self.on_demand_base_capacity
        ):
            raise setting_error(
                "spot_percent_above_base",
                f"is {self.spot_percent_above_base} (on_demand_base_capacity "
                f"{self.on_demand_base_capacity}) without instance_types; set instance_types "
                "for a mixed instances policy, or leave both at 0",
            )

    def _rolling_update_possible(self) -> None:
        if self.min_instances_in_service >= self.max_capacity:
            raise setting_error(
                "min_instances_in_service",
                f"is {self.min_instances_in_service}, not below max_capacity "
                f"({self.max_capacity}); a rolling update needs room for one new instance",
            )

    def _health_check_timeout_below_interval(self) -> None:
        if self.health_check_timeout_seconds >= self.health_check_interval_seconds:
            raise setting_error(
                "health_check_timeout_seconds",
                f"is {self.health_check_timeout_seconds}, not below "
                f"health_check_interval_seconds ({self.health_check_interval_seconds})",
            )

    def _schedules_inside_the_group(self) -> None:
        for index, schedule in enumerate(self.scaling.schedules):
            for key, value in schedule.capacities().items():
                if not self.min_capacity <= value <= self.max_capacity:
                    raise setting_error(
                        f"scaling.schedules.{index}.{key}",
                        f"is {value} in schedule {schedule.name!r}, outside min_capacity "
                        f"({self.min_capacity}) to max_capacity ({self.max_capacity}); "
                        "expected a value in that range",
                    )
            given = schedule.capacities()
            ordered = [
                given[k] for k in ("min_capacity", "desired_capacity", "max_capacity") if k in given
            ]
            if ordered != sorted(ordered):
                raise setting_error(
                    f"scaling.schedules.{index}.min_capacity",
                    f"schedule {schedule.name!r} sets {given}; expected min <= desired <= max",
                )
