"""CloudWatch alarms on a replicated database, each one notifying an SNS topic."""

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_rds as rds
from aws_cdk import aws_sns as sns

from constructs import Construct

GIB = 1024**3
MIB = 1024**2
PERIOD = Duration.minutes(5)

_ABOVE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
_BELOW = cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD


class DatabaseAlarms(Construct):
    """The writer's CPU, free storage, freeable memory and connections; each replica's CPU and
    replica lag. An alarm and its return to OK both go to `topic`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        writer: rds.IDatabaseInstance,
        replicas: list[rds.IDatabaseInstance],
        topic: sns.ITopic,
        cpu_percent: int,
        free_storage_gib: int,
        freeable_memory_mib: int,
        connections: int,
        replica_lag_seconds: int,
        evaluation_periods: int,
    ) -> None:
        super().__init__(scope, id)
        self._action = cloudwatch_actions.SnsAction(topic)
        self._evaluation_periods = evaluation_periods
        self.alarms: list[cloudwatch.Alarm] = []

        self._add(
            "WriterCpu",
            writer.metric_cpu_utilization(period=PERIOD, statistic="Average"),
            cpu_percent,
            _ABOVE,
            f"The writer's CPU is at or above {cpu_percent}%: look for slow queries, or "
            "move reads to the replicas or to a larger instance class",
        )
        self._add(
            "WriterFreeStorage",
            writer.metric_free_storage_space(period=PERIOD, statistic="Minimum"),
            free_storage_gib * GIB,
            _BELOW,
            f"The writer has {free_storage_gib} GiB or less free: storage autoscaling may "
            "have reached its ceiling (max_allocated_storage_gib)",
        )
        self._add(
            "WriterFreeableMemory",
            writer.metric_freeable_memory(period=PERIOD, statistic="Minimum"),
            freeable_memory_mib * MIB,
            _BELOW,
            f"The writer has {freeable_memory_mib} MiB or less of freeable memory",
        )
        self._add(
            "WriterConnections",
            writer.metric_database_connections(period=PERIOD, statistic="Maximum"),
            connections,
            _ABOVE,
            f"The writer holds {connections} or more connections: check the app's pool size",
        )
        for number, replica in enumerate(replicas, start=1):
            self._add(
                f"Replica{number}Cpu",
                replica.metric_cpu_utilization(period=PERIOD, statistic="Average"),
                cpu_percent,
                _ABOVE,
                f"Read replica {number}'s CPU is at or above {cpu_percent}%",
            )
            self._add(
                f"Replica{number}Lag",
                replica.metric("ReplicaLag", period=PERIOD, statistic="Maximum"),
                replica_lag_seconds,
                _ABOVE,
                f"Read replica {number} lags its source by {replica_lag_seconds} s or more: "
                "reads from it are stale",
            )

    def _add(
        self,
        id: str,
        metric: cloudwatch.IMetric,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
        description: str,
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            id,
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=self._evaluation_periods,
            alarm_description=description,
            # A stopped or still-creating instance sends no data; that is not an alarm.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.alarms.append(alarm)
