"""The app's alarms, sent to the deployment's alarm topic."""

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_sns as sns

from constructs import Construct

_PERIOD = Duration.minutes(1)


class AppAlarms(Construct):
    """Unhealthy hosts, the share of 5xx responses, and the targets' p90 response time.

    Defaults: 1 unhealthy host, 5 % 5xx, 1 s p90, each over 5 one-minute periods; missing data
    counts as fine. Without a topic the alarms notify nobody.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        load_balancer: elbv2.ApplicationLoadBalancer,
        target_group: elbv2.ApplicationTargetGroup,
        unhealthy_hosts: int = 1,
        server_error_percent: float = 5.0,
        p90_response_seconds: float = 1.0,
        evaluation_periods: int = 5,
        topic: sns.ITopic | None = None,
    ) -> None:
        super().__init__(scope, id)
        lb_metrics = load_balancer.metrics
        tg_metrics = target_group.metrics

        self.unhealthy_hosts = cloudwatch.Alarm(
            self,
            "UnhealthyHosts",
            alarm_description=f"{unhealthy_hosts} or more targets fail their health check",
            metric=tg_metrics.unhealthy_host_count(statistic="Maximum", period=_PERIOD),
            threshold=unhealthy_hosts,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=evaluation_periods,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        server_errors = cloudwatch.MathExpression(
            expression="100 * (FILL(target, 0) + FILL(elb, 0)) / requests",
            using_metrics={
                "target": lb_metrics.http_code_target(
                    elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=_PERIOD
                ),
                "elb": lb_metrics.http_code_elb(elbv2.HttpCodeElb.ELB_5XX_COUNT, period=_PERIOD),
                "requests": lb_metrics.request_count(period=_PERIOD),
            },
            label="5xx responses (%)",
            period=_PERIOD,
        )
        self.server_errors = cloudwatch.Alarm(
            self,
            "ServerErrorRate",
            alarm_description=f"More than {server_error_percent:g}% of requests answered 5xx",
            metric=server_errors,
            threshold=server_error_percent,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=evaluation_periods,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.response_time = cloudwatch.Alarm(
            self,
            "ResponseTimeP90",
            alarm_description=f"p90 target response time above {p90_response_seconds:g} s",
            metric=tg_metrics.target_response_time(statistic="p90", period=_PERIOD),
            threshold=p90_response_seconds,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=evaluation_periods,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )

        if topic is not None:
            action = cloudwatch_actions.SnsAction(topic)
            for alarm in (self.unhealthy_hosts, self.server_errors, self.response_time):
                alarm.add_alarm_action(action)
                alarm.add_ok_action(action)
