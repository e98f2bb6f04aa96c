"""The function that publishes an uploaded Allure report zip as a browsable run."""

from pathlib import Path

from aws_cdk import Duration, RemovalPolicy, Size
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from constructs.reports_bucket import INCOMING_PREFIX, REPORTS_PREFIX

LAMBDA_ROOT = Path(__file__).resolve().parent.parent / "lambda"


class ReportPublisher(Construct):
    """Publishes `incoming/<project>/<branch>/<run>.zip` under `reports/`.

    Started by an EventBridge rule on the bucket's "Object Created" events for `.zip` keys
    under `incoming/`; it writes only under `reports/`, so it never starts itself.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket: s3.IBucket,
        environment: dict[str, str],
        log_retention: logs.RetentionDays,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, id)

        # An explicit log group: the function's `log_retention` option hides a custom resource.
        self.log_group = logs.LogGroup(
            self, "Logs", retention=log_retention, removal_policy=removal_policy
        )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="allure_publisher.handler.handler",
            code=lambda_.Code.from_asset(
                str(LAMBDA_ROOT), exclude=["**/__pycache__", "**/*.pyc", "**/tests"]
            ),
            memory_size=1024,
            timeout=Duration.minutes(5),
            ephemeral_storage_size=Size.mebibytes(512),
            environment=environment,
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            description="Publishes uploaded Allure report zips as browsable runs",
        )

        bucket.grant_read(self.function, f"{INCOMING_PREFIX}*")
        bucket.grant_read_write(self.function, f"{REPORTS_PREFIX}*")
        bucket.grant_delete(self.function, f"{REPORTS_PREFIX}*")

        self.rule = events.Rule(
            self,
            "OnUpload",
            description="Report zips uploaded under incoming/",
            event_pattern=events.EventPattern(
                source=["aws.s3"],
                detail_type=["Object Created"],
                detail={
                    "bucket": {"name": [bucket.bucket_name]},
                    "object": {"key": events.Match.wildcard(f"{INCOMING_PREFIX}*.zip")},
                },
            ),
            targets=[targets.LambdaFunction(self.function, retry_attempts=2)],
        )
