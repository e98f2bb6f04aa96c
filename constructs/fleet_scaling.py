"""How the app's group grows and shrinks: target tracking, CPU steps and schedules."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

from constructs import Construct


@dataclass(frozen=True)
class CpuSteps:
    """Add `increment` instances above `scale_out_percent` CPU, remove them below
    `scale_in_percent`."""

    increment: int
    scale_out_percent: int
    scale_in_percent: int


@dataclass(frozen=True)
class CapacitySchedule:
    """A scheduled action: from `cron` on (read in `time_zone`), the group takes these sizes."""

    name: str
    cron: str
    time_zone: str = "UTC"
    min_capacity: int | None = None
    max_capacity: int | None = None
    desired_capacity: int | None = None


def group_cpu(group: autoscaling.IAutoScalingGroup) -> cloudwatch.Metric:
    """The group's average CPU over one minute."""
    return cloudwatch.Metric(
        namespace="AWS/EC2",
        metric_name="CPUUtilization",
        dimensions_map={"AutoScalingGroupName": group.auto_scaling_group_name},
        statistic="Average",
        period=Duration.minutes(1),
    )


class FleetScaling(Construct):
    """Target tracking on CPU (and on requests per target when given), optional CPU steps on
    alarms of their own, and scheduled actions."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        group: autoscaling.IAutoScalingGroup,
        target_group: elbv2.ApplicationTargetGroup,
        target_cpu_percent: int,
        requests_per_target: int | None = None,
        cpu_steps: CpuSteps | None = None,
        schedules: Sequence[CapacitySchedule] = (),
    ) -> None:
        super().__init__(scope, id)

        self.cpu_tracking = autoscaling.TargetTrackingScalingPolicy(
            self,
            "CpuTracking",
            auto_scaling_group=group,
            predefined_metric=autoscaling.PredefinedMetric.ASG_AVERAGE_CPU_UTILIZATION,
            target_value=target_cpu_percent,
        )

        self.request_tracking = None
        if requests_per_target is not None:
            # The label names the load balancer and the target group; both live in this stack.
            label = (
                f"{target_group.first_load_balancer_full_name}/"
                f"{target_group.target_group_full_name}"
            )
            self.request_tracking = autoscaling.TargetTrackingScalingPolicy(
                self,
                "RequestTracking",
                auto_scaling_group=group,
                predefined_metric=autoscaling.PredefinedMetric.ALB_REQUEST_COUNT_PER_TARGET,
                resource_label=label,
                target_value=requests_per_target,
            )

        self.step_alarms: list[cloudwatch.Alarm] = []
        if cpu_steps is not None:
            # Step actions on alarms of our own rather than StepScalingPolicy, which prints a
            # spurious deprecation warning on every synth (aws/aws-cdk#37833); StepScalingPolicy
            # can come back once a CDK release carries that fix.
            self._add_cpu_step(
                "ScaleOut",
                group,
                threshold=cpu_steps.scale_out_percent,
                change=cpu_steps.increment,
            )
            self._add_cpu_step(
                "ScaleIn",
                group,
                threshold=cpu_steps.scale_in_percent,
                change=-cpu_steps.increment,
            )

        for schedule in schedules:
            autoscaling.ScheduledAction(
                self,
                _construct_id(schedule.name),
                auto_scaling_group=group,
                schedule=autoscaling.Schedule.expression(schedule.cron),
                time_zone=schedule.time_zone,
                min_capacity=schedule.min_capacity,
                max_capacity=schedule.max_capacity,
                desired_capacity=schedule.desired_capacity,
            )

    def _add_cpu_step(
        self, id: str, group: autoscaling.IAutoScalingGroup, *, threshold: int, change: int
    ) -> None:
        action = autoscaling.StepScalingAction(
            self,
            f"{id}Action",
            auto_scaling_group=group,
            adjustment_type=autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
            metric_aggregation_type=autoscaling.MetricAggregationType.AVERAGE,
        )
        # Bounds are relative to the alarm's threshold: the whole range beyond it is one step.
        if change > 0:
            action.add_adjustment(adjustment=change, lower_bound=0)
            operator = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
            words = f"at or above {threshold}%: add {change}"
        else:
            action.add_adjustment(adjustment=change, upper_bound=0)
            operator = cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD
            words = f"at or below {threshold}%: remove {-change}"
        alarm = cloudwatch.Alarm(
            self,
            f"{id}Alarm",
            alarm_description=f"Step scaling: the group's average CPU {words} instance(s)",
            metric=group_cpu(group),
            threshold=threshold,
            comparison_operator=operator,
            evaluation_periods=3,
            treat_missing_data=cloudwatch.TreatMissingData.MISSING,
        )
        alarm.add_alarm_action(cloudwatch_actions.AutoScalingAction(action))
        self.step_alarms.append(alarm)


def _construct_id(name: str) -> str:
    """`office-hours` -> `OfficeHoursSchedule`."""
    return "".join(part.capitalize() for part in re.split(r"[^a-zA-Z0-9]+", name)) + "Schedule"
