"""Settings of the data stack: the database, its replicas and its credentials."""

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import SettingsModel, setting_error


class DataSettings(SettingsModel):
    engine: Literal["postgres", "mysql", "mariadb"] = "postgres"
    """The database engine."""

    engine_version: str = "17.6"
    """The engine version, `major.minor` (postgres `17.6`, mysql `8.4.6`)."""

    instance_class: str = "db.t4g.micro"
    """Instance class as `db.{class}{generation}.{size}`."""

    multi_az: bool = True
    """A standby in a second AZ."""

    read_replicas: Annotated[int, Field(ge=0, le=5)] = 1
    """Read replicas of the writer, 0 to 5."""

    backup_retention_days: Annotated[int, Field(ge=0, le=35)] = 7
    """Days of automated backups, 0 to 35; replicas need at least 1."""

    allocated_storage_gib: Annotated[int, Field(ge=20, le=65536)] = 20
    """Initial gp3 storage in GiB."""

    max_allocated_storage_gib: Annotated[int, Field(ge=20, le=65536)] = 100
    """Storage autoscaling ceiling in GiB."""

    database_name: Annotated[str, Field(pattern=r"^[a-zA-Z][a-zA-Z0-9_]{0,62}$")] = "app"
    """The database created on the instance."""

    removal_policy: Literal["destroy", "snapshot", "retain"] = "snapshot"
    """What happens to the instances when the stack goes."""

    deletion_protection: bool = True
    """RDS refuses to delete a protected instance."""

    @model_validator(mode="after")
    def _replicas_need_backups(self) -> "DataSettings":
        if self.read_replicas and self.backup_retention_days == 0:
            raise setting_error(
                "backup_retention_days",
                f"is 0 but read_replicas is {self.read_replicas}: RDS creates a read replica "
                "only from a source with automated backups. Set backup_retention_days to 1 or "
                "more, or read_replicas to 0",
            )
        if self.max_allocated_storage_gib < self.allocated_storage_gib:
            raise setting_error(
                "max_allocated_storage_gib",
                f"is {self.max_allocated_storage_gib}, below allocated_storage_gib "
                f"({self.allocated_storage_gib}); expected at least that",
            )
        if self.removal_policy == "destroy" and self.deletion_protection:
            raise setting_error(
                "removal_policy",
                "is destroy while deletion_protection is true; set deletion_protection to "
                "false, or removal_policy to snapshot or retain",
            )
        return self
