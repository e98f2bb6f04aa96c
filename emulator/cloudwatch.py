"""AWS::CloudWatch::Alarm, which moto 5.2 drops from templates (it models only the Dashboard).

The alarm exists in moto with its metric, threshold and actions, so describe_alarms shows what
the stack set up. moto never evaluates it: its state stays as created and no action fires.
"""

from typing import Any

from moto.cloudwatch.models import (
    CloudWatchBackend,
    Dimension,
    Metric,
    MetricDataQuery,
    MetricStat,
    cloudwatch_backends,
)
from moto.core.common_models import CloudFormationModel

from emulator.resource import EmulatedResource, properties


def _backend(account_id: str, region_name: str) -> CloudWatchBackend:
    return cloudwatch_backends[account_id][region_name]


def _metric_queries(metrics: list[dict[str, Any]] | None) -> list[MetricDataQuery] | None:
    """The template's Metrics (math expressions, or metrics by stat) as moto's query objects."""
    if not metrics:
        return None
    queries = []
    for query in metrics:
        stat = query.get("MetricStat")
        metric_stat = None
        if stat:
            metric = stat["Metric"]
            dimensions = [Dimension(d["Name"], d["Value"]) for d in metric.get("Dimensions", [])]
            metric_stat = MetricStat(
                Metric(metric.get("MetricName"), metric.get("Namespace"), dimensions),
                stat.get("Period"),
                stat.get("Stat"),
                stat.get("Unit"),
            )
        queries.append(
            MetricDataQuery(
                query_id=query["Id"],
                label=query.get("Label", ""),
                period=query.get("Period"),
                return_data=query.get("ReturnData", True),
                expression=query.get("Expression"),
                metric_stat=metric_stat,
            )
        )
    return queries


class Alarm(EmulatedResource, CloudFormationModel):
    """AWS::CloudWatch::Alarm: stored in moto, never evaluated. Ref gives its name."""

    TYPE = "AWS::CloudWatch::Alarm"
    NAME_PROPERTY = "AlarmName"
    ATTRIBUTES = ("Arn",)

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "Alarm":
        props = properties(cloudformation_json)
        alarm = _backend(account_id, region_name).put_metric_alarm(
            name=resource_name,
            namespace=props.get("Namespace"),
            metric_name=props.get("MetricName"),
            comparison_operator=props["ComparisonOperator"],
            evaluation_periods=int(props["EvaluationPeriods"]),
            period=int(props["Period"]) if "Period" in props else None,
            threshold=float(props["Threshold"]) if "Threshold" in props else None,
            statistic=props.get("Statistic"),
            description=props.get("AlarmDescription"),
            dimensions=props.get("Dimensions", []),
            alarm_actions=props.get("AlarmActions", []),
            metric_data_queries=_metric_queries(props.get("Metrics")),
            datapoints_to_alarm=props.get("DatapointsToAlarm"),
            extended_statistic=props.get("ExtendedStatistic"),
            ok_actions=props.get("OKActions"),
            insufficient_data_actions=props.get("InsufficientDataActions"),
            unit=props.get("Unit"),
            actions_enabled=str(props.get("ActionsEnabled", True)).lower() == "true",
            treat_missing_data=props.get("TreatMissingData"),
            evaluate_low_sample_count_percentile=props.get("EvaluateLowSampleCountPercentile"),
            threshold_metric_id=props.get("ThresholdMetricId"),
        )
        return cls(alarm.name, {"Arn": alarm.alarm_arn})

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: "Alarm",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "Alarm":
        # PutMetricAlarm on the same name replaces its settings, which is an in-place update.
        if "AlarmName" not in properties(cloudformation_json):
            new_resource_name = original_resource.physical_resource_id
        if new_resource_name != original_resource.physical_resource_id:
            original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).delete_alarms([self.physical_resource_id])


MODELS = (Alarm,)
