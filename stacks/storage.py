"""The storage stack: the reports bucket, its log bucket, the site people read reports on,
the uploaders' access point and the publisher."""

from aws_cdk import Annotations, CfnOutput, Duration, RemovalPolicy, Size, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3

from constructs import Construct
from constructs.access_log_bucket import ALB_LOGS_PREFIX, AccessLogBucket
from constructs.log_retention import log_retention
from constructs.report_publisher import ReportPublisher
from constructs.reports_bucket import INCOMING_PREFIX, REPORTS_PREFIX, ReportsBucket
from constructs.reports_site import ReportsSite
from constructs.site_landing_page import SiteLandingPage
from constructs.upload_access_point import UploadAccessPoint
from settings.storage import LifecycleSettings, StorageSettings, TransitionSettings

_STORAGE_CLASSES = {
    "STANDARD_IA": s3.StorageClass.INFREQUENT_ACCESS,
    "ONEZONE_IA": s3.StorageClass.ONE_ZONE_INFREQUENT_ACCESS,
    "INTELLIGENT_TIERING": s3.StorageClass.INTELLIGENT_TIERING,
    "GLACIER_IR": s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
    "GLACIER": s3.StorageClass.GLACIER,
    "DEEP_ARCHIVE": s3.StorageClass.DEEP_ARCHIVE,
}
_PRICE_CLASSES = {
    "PriceClass_100": cloudfront.PriceClass.PRICE_CLASS_100,
    "PriceClass_200": cloudfront.PriceClass.PRICE_CLASS_200,
    "PriceClass_All": cloudfront.PriceClass.PRICE_CLASS_ALL,
}


class StorageStack(Stack):
    """Attributes other stacks use:

    - `bucket`: the reports bucket; `log_bucket`: the access-log bucket, where the ALB may
      write its access logs under `alb_log_prefix` (the policy for that is already here).
    - `upload_access_point`: the uploaders' access point (None when switched off); the CI
      stack grants its role with `upload_access_point.grant_upload(role)`.
    - `publisher`: the publisher, with its function and `failed_events_alarm`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: StorageSettings,
        project: str,
        env_name: str,
        **kwargs,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        removal_policy = (
            RemovalPolicy.DESTROY if settings.removal_policy == "destroy" else RemovalPolicy.RETAIN
        )
        self._warn_about(settings)

        access_logs = AccessLogBucket(
            self,
            "AccessLogs",
            retention_days=settings.access_logs_retention_days,
            removal_policy=removal_policy,
            deletion_protection=settings.deletion_protection,
        )
        self.log_bucket: s3.IBucket = access_logs.bucket
        self.alb_log_prefix = ALB_LOGS_PREFIX

        self.encryption_key: kms.IKey | None = None
        if settings.encryption == "kms":
            self.encryption_key = kms.Key(
                self,
                "ReportsKey",
                description="Encrypts the Allure reports bucket",
                enable_key_rotation=True,
                removal_policy=removal_policy,
            )

        website = settings.site == "s3-website"
        reports = ReportsBucket(
            self,
            "Reports",
            bucket_name=settings.bucket_name,
            encryption_key=self.encryption_key,
            block_public_access=_public_access_blocks(settings),
            website=website,
            log_bucket=self.log_bucket,
            lifecycle_rules=_lifecycle_rules(settings),
            removal_policy=removal_policy,
            deletion_protection=settings.deletion_protection,
        )
        self.bucket: s3.IBucket = reports.bucket

        site = ReportsSite(
            self,
            "Site",
            bucket=self.bucket,
            mode=settings.site,
            price_class=_PRICE_CLASSES[settings.cloudfront_price_class],
        )

        if settings.landing_page and settings.site != "private":
            SiteLandingPage(
                self,
                "LandingPage",
                bucket=self.bucket,
                encryption_key=self.encryption_key,
                project=project,
                env_name=env_name,
                log_retention=log_retention(settings.publisher.log_retention_days),
                removal_policy=removal_policy,
            )

        self.upload_access_point: UploadAccessPoint | None = None
        if settings.upload_access_point:
            self.upload_access_point = UploadAccessPoint(
                self,
                "Uploads",
                bucket=self.bucket,
                name=f"{project}-{env_name}-uploads",
                prefix=INCOMING_PREFIX,
                principals=[iam.ArnPrincipal(arn) for arn in settings.upload_principals],
                encryption_key=self.encryption_key,
            )

        publisher = settings.publisher
        self.publisher = ReportPublisher(
            self,
            "Publisher",
            bucket=self.bucket,
            encryption_key=self.encryption_key,
            # The names lambda/allure_publisher/settings.py reads.
            environment={
                "REPORTS_BUCKET": self.bucket.bucket_name,
                "REPORTS_PREFIX": REPORTS_PREFIX,
                "INCOMING_PREFIX": INCOMING_PREFIX,
                "KEEP_RUNS": str(settings.reports_keep_runs),
                "SITE_MODE": settings.site,
                "SITE_BASE_URL": site.base_url,
                "PRESIGN_SECONDS": str(publisher.presign_seconds),
                "LOG_LEVEL": publisher.log_level,
            },
            memory_size=Size.mebibytes(publisher.memory_mib),
            timeout=Duration.seconds(publisher.timeout_seconds),
            reserved_concurrency=publisher.reserved_concurrency,
            retry_attempts=publisher.retry_attempts,
            max_event_age=Duration.seconds(publisher.max_event_age_seconds),
            failed_events_retention=Duration.days(publisher.failed_events_retention_days),
            log_retention=log_retention(publisher.log_retention_days),
            application_log_level=lambda_.ApplicationLogLevel(
                "WARN" if publisher.log_level == "WARNING" else publisher.log_level
            ),
            removal_policy=removal_policy,
        )

        CfnOutput(self, "ReportsBucketName", value=self.bucket.bucket_name)
        CfnOutput(self, "ReportsBaseUrl", value=site.base_url, description="Where reports are read")
        CfnOutput(self, "PublisherFunctionName", value=self.publisher.function.function_name)
        CfnOutput(
            self,
            "PublisherFailedEventsQueueUrl",
            value=self.publisher.failed_events.queue_url,
            description="Upload events whose publish failed",
        )
        CfnOutput(self, "AccessLogBucketName", value=self.log_bucket.bucket_name)
        if self.upload_access_point:
            CfnOutput(
                self,
                "UploadAccessPointAlias",
                value=self.upload_access_point.alias,
                description=f"Upload report zips here, under {INCOMING_PREFIX} only",
            )

    def _warn_about(self, settings: StorageSettings) -> None:
        if settings.bucket_name and "." in settings.bucket_name:
            Annotations.of(self).add_warning_v2(
                "qea:bucket-name-dot",
                f"storage.bucket_name {settings.bucket_name!r} holds a dot: HTTPS to "
                "virtual-hosted URLs (<bucket>.s3.<region>.amazonaws.com) fails on it, as the "
                "wildcard certificate covers one label only; prefer hyphens",
            )


def _public_access_blocks(settings: StorageSettings) -> s3.BlockPublicAccess:
    if settings.site == "s3-website":
        # The site's public-read policy needs the two policy blocks off; ACLs stay blocked
        # (and disabled by the bucket-owner-enforced ownership).
        return s3.BlockPublicAccess(
            block_public_acls=True,
            ignore_public_acls=True,
            block_public_policy=False,
            restrict_public_buckets=False,
        )
    return s3.BlockPublicAccess.BLOCK_ALL


def _lifecycle_rules(settings: StorageSettings) -> list[s3.LifecycleRule]:
    lifecycle: LifecycleSettings = settings.lifecycle
    rules = [
        s3.LifecycleRule(
            id="ExpireUploads",
            prefix=INCOMING_PREFIX,
            expiration=Duration.days(settings.incoming_retention_days),
            noncurrent_version_expiration=Duration.days(1),
        ),
        s3.LifecycleRule(
            id="ExpireReports",
            prefix=REPORTS_PREFIX,
            expiration=Duration.days(settings.reports_retention_days),
        ),
        s3.LifecycleRule(
            id="AbortIncompleteUploads",
            abort_incomplete_multipart_upload_after=Duration.days(
                lifecycle.abort_incomplete_multipart_upload_days
            ),
        ),
    ]
    for rule in lifecycle.rules:
        rules.append(
            s3.LifecycleRule(
                id=rule.id,
                prefix=rule.prefix or None,
                transitions=[_transition(t) for t in rule.transitions_by_day()],
                expiration=_days(rule.expiration_days),
                noncurrent_version_transitions=[
                    s3.NoncurrentVersionTransition(
                        storage_class=_STORAGE_CLASSES[t.storage_class],
                        transition_after=Duration.days(t.days),
                    )
                    for t in rule.noncurrent_transitions_by_day()
                ],
                noncurrent_version_expiration=_days(rule.noncurrent_expiration_days),
                noncurrent_versions_to_retain=rule.noncurrent_versions_to_keep,
            )
        )
    return rules


def _transition(transition: TransitionSettings) -> s3.Transition:
    return s3.Transition(
        storage_class=_STORAGE_CLASSES[transition.storage_class],
        transition_after=Duration.days(transition.days),
    )


def _days(days: int | None) -> Duration | None:
    return Duration.days(days) if days is not None else None
