"""The settings of one environment, and of the app around it."""

from typing import Annotated, Literal

from pydantic import Field

from .base import SettingsModel
from .ci import CiSettings
from .compute import ComputeSettings
from .data import DataSettings
from .network import NetworkSettings
from .storage import StorageSettings


class EnvironmentSettings(SettingsModel):
    """Everything under `environments.<env>` in cdk.json."""

    account: Annotated[str | None, Field(pattern=r"^\d{12}$")] = None
    """The 12-digit AWS account to pin the stacks to; left out, the stacks are
    environment-agnostic and `cdk synth` needs no account."""

    region: Annotated[str | None, Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$")] = None
    """The AWS region to pin the stacks to, e.g. eu-central-1."""

    network: NetworkSettings = NetworkSettings()
    storage: StorageSettings = StorageSettings()
    data: DataSettings = DataSettings()
    compute: ComputeSettings = ComputeSettings()
    ci: CiSettings = CiSettings()


class Settings(SettingsModel):
    """The whole app's settings: which environment, for which target, and its values."""

    project: Annotated[str, Field(pattern=r"^[a-z][a-z0-9]{1,11}$")] = "qea"
    """The project's short name, the first part of every stack id."""

    env_name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9]{1,11}$")] = "dev"
    """The environment picked with `-c env=<name>`."""

    target: Literal["aws", "emulator"] = "aws"
    """Where the templates go: real AWS, or the local emulator (`make deploy`)."""

    environment: EnvironmentSettings

    def stack_id(self, layer: str) -> str:
        return f"{self.project}-{self.env_name}-{layer}"
