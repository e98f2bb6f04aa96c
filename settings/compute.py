"""Settings of the compute stack: the app's instances, their container and their scaling."""

from typing import Annotated

from pydantic import Field, model_validator

from .base import SettingsModel, setting_error


class ContainerSettings(SettingsModel):
    image: str = "public.ecr.aws/nginx/nginx-unprivileged:1.29-alpine"
    """The app's container image; it runs as a non-root user."""

    port: Annotated[int, Field(ge=1024, le=65535)] = 8080
    """The port the container listens on (unprivileged: 1024 and above)."""


class ScalingSettings(SettingsModel):
    target_cpu_percent: Annotated[int, Field(ge=1, le=100)] = 50
    """Average CPU the target tracking policy holds the group at, 1 to 100."""


class ComputeSettings(SettingsModel):
    instance_type: Annotated[str, Field(pattern=r"^[a-z]+[0-9][a-z0-9-]*\.[a-z0-9]+$")] = (
        "t3.micro"
    )
    """EC2 instance type as `{family}{generation}{attributes}.{size}`, e.g. t3.micro."""

    min_capacity: Annotated[int, Field(ge=0, le=100)] = 2
    """Fewest instances."""

    max_capacity: Annotated[int, Field(ge=1, le=100)] = 4
    """Most instances."""

    desired_capacity: Annotated[int | None, Field(ge=0, le=100)] = None
    """Instances to start with; left out, the group keeps its size across deploys."""

    health_check_path: Annotated[str, Field(pattern=r"^/[\x21-\x7e]*$")] = "/"
    """The path the target group checks on the container."""

    container: ContainerSettings = ContainerSettings()
    scaling: ScalingSettings = ScalingSettings()

    @model_validator(mode="after")
    def _capacities_in_order(self) -> "ComputeSettings":
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
        return self
