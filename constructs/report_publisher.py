"""The function that publishes an uploaded Allure report zip as a browsable run."""

from collections.abc import Mapping
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy, Size
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs

from constructs import Construct
from constructs.reports_bucket import INCOMING_PREFIX, REPORTS_PREFIX

LAMBDA_ROOT = Path(__file__).resolve().parent.parent / "lambda"


class ReportPublisher(Construct):
    """Publishes `incoming/<project>/<branch>/<run>.zip` under `reports/`.

    Started by an EventBridge rule on the bucket's "Object Created" events for `.zip` keys
    under `incoming/`; it writes only under `reports/`, so it never starts itself. An event
    whose publish still fails after `retry_attempts` lands in a dead-letter queue, and an
    alarm goes off while that queue holds any.

    Args:
        environment: the function's environment variables (see lambda/allure_publisher/
            settings.py for the names it reads).
        reserved_concurrency: publishes that may run at once; None shares the account's pool.
        retry_attempts: retries of a failed asynchronous invocation, 0 to 2.
        max_event_age: how long an event may wait for a publish before it is given up.
        failed_events_retention: how long the dead-letter queue keeps an event.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket: s3.IBucket,
        encryption_key: kms.IKey | None,
        environment: Mapping[str, str],
        memory_size: Size,
        timeout: Duration,
        reserved_concurrency: int | None,
        retry_attempts: int,
        max_event_age: Duration,
        failed_events_retention: Duration,
        log_retention: logs.RetentionDays,
        application_log_level: lambda_.ApplicationLogLevel,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, id)

        # An explicit log group: the function's `log_retention` option hides a custom resource.
        self.log_group = logs.LogGroup(
            self, "Logs", retention=log_retention, removal_policy=removal_policy
        )
        self.failed_events = sqs.Queue(
            self,
            "FailedEvents",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=failed_events_retention,
            removal_policy=removal_policy,
        )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=lambda_.Runtime.PYTHON_3_14,
            architecture=lambda_.Architecture.ARM_64,
            handler="allure_publisher.handler.handler",
            code=lambda_.Code.from_asset(
                str(LAMBDA_ROOT), exclude=["**/__pycache__", "**/*.pyc", "**/tests"]
            ),
            memory_size=int(memory_size.to_mebibytes()),
            timeout=timeout,
            ephemeral_storage_size=Size.mebibytes(512),
            environment=dict(environment),
            reserved_concurrent_executions=reserved_concurrency,
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=application_log_level,
            description="Publishes uploaded Allure report zips as browsable runs",
        )
        self.function.configure_async_invoke(
            on_failure=destinations.SqsDestination(self.failed_events),
            retry_attempts=retry_attempts,
            max_event_age=max_event_age,
        )

        self._grant_bucket_access(bucket, encryption_key)

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
            # Events EventBridge cannot hand to Lambda land in the same queue as failed
            # publishes, so one alarm covers both.
            targets=[targets.LambdaFunction(self.function, dead_letter_queue=self.failed_events)],
        )

        self.failed_events_alarm = cloudwatch.Alarm(
            self,
            "FailedEventsAlarm",
            alarm_description=(
                "Report uploads that could not be published wait in the dead-letter queue"
            ),
            metric=self.failed_events.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(5), statistic="Maximum"
            ),
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )

    def _grant_bucket_access(self, bucket: s3.IBucket, key: kms.IKey | None) -> None:
        """Read `incoming/*`, read and write `reports/*`, nothing else of the bucket's objects.

        s3:ListBucket is on the bucket as a whole: S3 answers a GET of a missing key with 404
        only to a caller that may list the bucket (403 otherwise), and the publisher reads
        "no index yet" from that 404. A prefix condition would not help, as a GET carries no
        s3:prefix.
        """
        role = self.function
        role.add_to_role_policy(
            iam.PolicyStatement(
                sid="ReadUploads",
                actions=["s3:GetObject"],
                resources=[bucket.arn_for_objects(f"{INCOMING_PREFIX}*")],
            )
        )
        role.add_to_role_policy(
            iam.PolicyStatement(
                sid="WriteReports",
                actions=[
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:DeleteObject",
                    "s3:AbortMultipartUpload",
                ],
                resources=[bucket.arn_for_objects(f"{REPORTS_PREFIX}*")],
            )
        )
        role.add_to_role_policy(
            iam.PolicyStatement(
                sid="ListBucket", actions=["s3:ListBucket"], resources=[bucket.bucket_arn]
            )
        )
        if key:
            key.grant_encrypt_decrypt(self.function)
