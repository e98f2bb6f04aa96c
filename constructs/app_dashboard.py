"""One CloudWatch dashboard for a deployment: the group, its load balancer, its database."""

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_rds as rds

from constructs import Construct
from constructs.fleet_scaling import group_cpu

_PERIOD = Duration.minutes(1)


def _group_metric(group: autoscaling.IAutoScalingGroup, name: str) -> cloudwatch.Metric:
    # Published only because the group collects its metrics (group_metrics on the group).
    return cloudwatch.Metric(
        namespace="AWS/AutoScaling",
        metric_name=name,
        dimensions_map={"AutoScalingGroupName": group.auto_scaling_group_name},
        statistic="Average",
        period=_PERIOD,
    )


class AppDashboard(Construct):
    """Group size and in-service instances, CPU, requests, 5xx counts, response time, healthy
    and unhealthy hosts, and the database's CPU, connections and replica lag."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        group: autoscaling.IAutoScalingGroup,
        load_balancer: elbv2.ApplicationLoadBalancer,
        target_group: elbv2.ApplicationTargetGroup,
        database: rds.IDatabaseInstance,
        replicas: Sequence[rds.IDatabaseInstance] = (),
    ) -> None:
        super().__init__(scope, id)
        lb_metrics = load_balancer.metrics
        tg_metrics = target_group.metrics

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", default_interval=Duration.hours(3))
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Group size",
                left=[
                    _group_metric(group, "GroupDesiredCapacity"),
                    _group_metric(group, "GroupInServiceInstances"),
                ],
            ),
            cloudwatch.GraphWidget(title="CPU (%)", left=[group_cpu(group)]),
            cloudwatch.GraphWidget(
                title="Requests", left=[lb_metrics.request_count(period=_PERIOD)]
            ),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="5xx responses",
                left=[
                    lb_metrics.http_code_target(
                        elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=_PERIOD
                    ),
                    lb_metrics.http_code_elb(elbv2.HttpCodeElb.ELB_5XX_COUNT, period=_PERIOD),
                ],
            ),
            cloudwatch.GraphWidget(
                title="Target response time (s)",
                left=[
                    tg_metrics.target_response_time(statistic="p50", period=_PERIOD),
                    tg_metrics.target_response_time(statistic="p90", period=_PERIOD),
                ],
            ),
            cloudwatch.GraphWidget(
                title="Targets",
                left=[
                    tg_metrics.healthy_host_count(period=_PERIOD),
                    tg_metrics.unhealthy_host_count(period=_PERIOD),
                ],
            ),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Database CPU (%)",
                left=[
                    instance.metric_cpu_utilization(period=_PERIOD)
                    for instance in (database, *replicas)
                ],
            ),
            cloudwatch.GraphWidget(
                title="Database connections",
                left=[
                    instance.metric_database_connections(period=_PERIOD)
                    for instance in (database, *replicas)
                ],
            ),
            cloudwatch.GraphWidget(
                title="Replica lag (s)",
                left=[
                    replica.metric("ReplicaLag", statistic="Maximum", period=_PERIOD)
                    for replica in replicas
                ],
            ),
        )
