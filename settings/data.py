"""Settings of the data stack: the database, its replicas, credentials, backups and alarms."""

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .base import SettingsModel, setting_error

Engine = Literal["postgres", "mysql", "mariadb"]

# What an engine version looks like to RDS: postgres takes `17` or `17.6`; mysql and mariadb
# take `8.4.6` (mysql also `8.0.46-rds.20260624`). No list of versions: it goes stale.
_ENGINE_VERSION = {
    "postgres": (re.compile(r"^[0-9]+(\.[0-9]+)?$"), "{major}[.{minor}], e.g. 17.6"),
    "mysql": (
        re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+(-rds\.[0-9]{8})?$"),
        "{major}.{minor}.{patch}, e.g. 8.4.6",
    ),
    "mariadb": (re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$"), "{major}.{minor}.{patch}, e.g. 11.8.3"),
}
DEFAULT_ENGINE_VERSION: dict[str, str] = {"postgres": "17.6", "mysql": "8.4.6", "mariadb": "11.8.3"}

# The log types each engine can export to CloudWatch Logs without an option group.
ENGINE_LOG_TYPES: dict[str, tuple[str, ...]] = {
    "postgres": ("postgresql", "upgrade", "iam-db-auth-error"),
    "mysql": ("error", "general", "slowquery", "iam-db-auth-error"),
    "mariadb": ("error", "general", "slowquery", "iam-db-auth-error"),
}
DEFAULT_LOG_EXPORTS: dict[str, tuple[str, ...]] = {
    "postgres": ("postgresql", "upgrade"),
    "mysql": ("error", "slowquery"),
    "mariadb": ("error", "slowquery"),
}

_INSTANCE_CLASS = re.compile(
    r"^db\.(?P<family>[a-z]+)(?P<generation>[0-9]+)(?P<attributes>[a-z0-9-]*)"
    r"\.(?P<size>nano|micro|small|medium|large|[0-9]*xlarge|metal(-[0-9]+xl)?)$"
)
_INSTANCE_CLASS_SHAPE = (
    "expected an RDS instance class as db.{class}{generation}[{attributes}].{size}, e.g. "
    "db.t4g.micro, db.r7g.large or db.m7i.2xlarge, in lower case, with a size of nano, "
    "micro, small, medium, large, xlarge, <n>xlarge or metal"
)
# Previous-generation families that RDS retires; new instances should not start on them.
RETIRED_INSTANCE_FAMILIES = frozenset({"t1", "t2", "m1", "m2", "m3", "m4", "r3", "r4"})
MONITORING_INTERVALS = (0, 1, 5, 10, 15, 30, 60)


def _check_instance_class(value: str | None) -> str | None:
    if value is not None and not _INSTANCE_CLASS.match(value):
        raise ValueError(_INSTANCE_CLASS_SHAPE)
    return value


def instance_family(instance_class: str) -> str:
    """`t4g` for `db.t4g.micro`: the family and generation, with the attributes."""
    match = _INSTANCE_CLASS.match(instance_class)
    if match is None:
        raise ValueError(f"not an RDS instance class: {instance_class!r}")
    return match["family"] + match["generation"] + match["attributes"]


def is_retired_instance_class(instance_class: str) -> bool:
    """Whether the class belongs to a retired previous-generation family (t2, m4, r4...)."""
    match = _INSTANCE_CLASS.match(instance_class)
    return match is not None and match["family"] + match["generation"] in (
        RETIRED_INSTANCE_FAMILIES
    )


class DataAlarmSettings(SettingsModel):
    """Thresholds of the database's CloudWatch alarms; each alarm notifies the alarm topic."""

    cpu_percent: Annotated[int, Field(ge=1, le=100)] = 80
    """Alarm when the writer's or a replica's average CPU is at or above this percentage."""

    free_storage_gib: Annotated[int, Field(ge=1)] = 5
    """Alarm when the writer's free storage falls to or below this many GiB."""

    freeable_memory_mib: Annotated[int, Field(ge=1)] = 64
    """Alarm when the writer's freeable memory falls to or below this many MiB."""

    connections: Annotated[int, Field(ge=1)] = 80
    """Alarm when the writer holds at least this many connections."""

    replica_lag_seconds: Annotated[int, Field(ge=1)] = 300
    """Alarm when a replica lags its source by at least this many seconds."""

    evaluation_periods: Annotated[int, Field(ge=1, le=100)] = 3
    """Consecutive 5-minute periods over the threshold before an alarm fires."""


class DataSettings(SettingsModel):
    engine: Engine = "postgres"
    """The database engine: postgres, mysql or mariadb."""

    engine_version: str | None = None
    """The engine version as RDS spells it (postgres `17.6`, mysql and mariadb `8.4.6`); left
    out, postgres 17.6, mysql 8.4.6 or mariadb 11.8.3. cfn-lint (W3691) flags versions that
    RDS has deprecated."""

    instance_class: str = "db.t4g.micro"
    """The writer's instance class as `db.{class}{generation}.{size}`, e.g. db.t4g.micro."""

    replica_instance_class: str | None = None
    """The read replicas' instance class; left out, the writer's."""

    multi_az: bool = True
    """A synchronous standby of the writer in a second AZ."""

    read_replicas: Annotated[int, Field(ge=0, le=5)] = 1
    """Read replicas of the writer, 0 to 5, for the app's read traffic."""

    backup_retention_days: Annotated[int, Field(ge=0, le=35)] = 7
    """Days of the writer's automated backups, 0 to 35; 0 turns them off, which read replicas
    do not allow."""

    replica_backup_retention_days: Annotated[int | None, Field(ge=1, le=35)] = None
    """Days of automated backups on each replica (mysql and mariadb only; RDS rejects them on
    postgres replicas); left out, replicas keep none."""

    delete_automated_backups: bool = False
    """Delete the automated backups together with the instance; left out, they are kept for
    their retention period after the instance goes."""

    allocated_storage_gib: Annotated[int, Field(ge=20, le=65536)] = 20
    """Initial gp3 storage in GiB."""

    max_allocated_storage_gib: Annotated[int, Field(ge=20, le=65536)] = 100
    """Storage autoscaling ceiling in GiB; at least allocated_storage_gib."""

    database_name: Annotated[str, Field(pattern=r"^[a-zA-Z][a-zA-Z0-9_]{0,62}$")] = "app"
    """The database created on the instance."""

    removal_policy: Literal["destroy", "snapshot", "retain"] = "snapshot"
    """What happens to the instances when they leave the stack: destroy, a final snapshot,
    or retain (kept running, outside the stack)."""

    deletion_protection: bool = True
    """RDS refuses to delete a protected instance, whatever the removal policy."""

    log_exports: tuple[str, ...] | None = None
    """Engine logs exported to CloudWatch Logs; left out, postgres exports postgresql and
    upgrade, mysql and mariadb error and slowquery. An empty list exports none."""

    monitoring_interval_seconds: int = 60
    """Seconds between enhanced monitoring samples: 1, 5, 10, 15, 30 or 60; 0 turns enhanced
    monitoring off."""

    rotation_days: Annotated[int | None, Field(ge=1, le=1000)] = None
    """Rotate the admin password every this many days (single-user rotation, by a function in
    the data subnets that reaches Secrets Manager through an interface endpoint); left out,
    the password is never rotated and no endpoint is made."""

    alarms: DataAlarmSettings = DataAlarmSettings()
    """The CloudWatch alarms' thresholds."""

    _check_instance_class = field_validator("instance_class", "replica_instance_class")(
        _check_instance_class
    )

    @field_validator("monitoring_interval_seconds")
    @classmethod
    def _check_monitoring_interval(cls, value: int) -> int:
        if value not in MONITORING_INTERVALS:
            raise ValueError(
                "expected one of 0 (off), 1, 5, 10, 15, 30 or 60 seconds, as RDS accepts"
            )
        return value

    @property
    def resolved_engine_version(self) -> str:
        """The engine version to deploy: the one set, or the engine's default."""
        return self.engine_version or DEFAULT_ENGINE_VERSION[self.engine]

    @property
    def resolved_replica_instance_class(self) -> str:
        return self.replica_instance_class or self.instance_class

    @property
    def resolved_log_exports(self) -> tuple[str, ...]:
        if self.log_exports is None:
            return DEFAULT_LOG_EXPORTS[self.engine]
        return self.log_exports

    @model_validator(mode="after")
    def _check_together(self) -> "DataSettings":
        self._check_engine_version()
        self._check_log_exports()
        if self.read_replicas and self.backup_retention_days == 0:
            raise setting_error(
                "backup_retention_days",
                f"is 0 but read_replicas is {self.read_replicas}: RDS creates a read replica "
                "only from a source with automated backups (it fails the replica at deploy "
                "time with 'Automated backups are not enabled for this database instance'). "
                "Set backup_retention_days to 1 or more, or read_replicas to 0",
            )
        if self.replica_backup_retention_days is not None and self.engine == "postgres":
            raise setting_error(
                "replica_backup_retention_days",
                f"is {self.replica_backup_retention_days} but the engine is postgres, whose "
                "read replicas RDS gives no automated backups; leave it out, or use mysql "
                "or mariadb",
            )
        if self.max_allocated_storage_gib < self.allocated_storage_gib:
            raise setting_error(
                "max_allocated_storage_gib",
                f"is {self.max_allocated_storage_gib}, below allocated_storage_gib "
                f"({self.allocated_storage_gib}); expected at least that",
            )
        if self.alarms.free_storage_gib >= self.allocated_storage_gib:
            raise setting_error(
                "alarms.free_storage_gib",
                f"is {self.alarms.free_storage_gib}, not below allocated_storage_gib "
                f"({self.allocated_storage_gib}), so the alarm would fire on an empty "
                "database; expected fewer GiB than that",
            )
        if self.removal_policy == "destroy" and self.deletion_protection:
            raise setting_error(
                "removal_policy",
                "is destroy while deletion_protection is true, so the stack could never "
                "delete the database; set deletion_protection to false, or removal_policy "
                "to snapshot or retain",
            )
        return self

    def _check_engine_version(self) -> None:
        if self.engine_version is None:
            return
        pattern, shape = _ENGINE_VERSION[self.engine]
        if not pattern.match(self.engine_version):
            raise setting_error(
                "engine_version",
                f"is not a {self.engine} version as RDS spells it; expected {shape}",
            )

    def _check_log_exports(self) -> None:
        known = ENGINE_LOG_TYPES[self.engine]
        unknown = [log for log in self.log_exports or () if log not in known]
        if unknown:
            raise setting_error(
                "log_exports",
                f"{self.engine} exports no {', '.join(map(repr, unknown))} log; expected some "
                f"of {', '.join(known)}",
            )
