"""The storage stack: the reports bucket, the site people read reports on, the publisher."""

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_logs as logs

from constructs import Construct
from constructs.access_log_bucket import ALB_LOGS_PREFIX, AccessLogBucket
from constructs.report_publisher import ReportPublisher
from constructs.reports_bucket import REPORTS_PREFIX, ReportsBucket
from settings.storage import StorageSettings


class StorageStack(Stack):
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

        logs_bucket = AccessLogBucket(
            self,
            "AccessLogs",
            retention_days=settings.access_logs_retention_days,
            removal_policy=removal_policy,
        )
        self.log_bucket = logs_bucket.bucket
        """Server access logs of the reports bucket; the ALB writes under `alb_log_prefix`."""
        self.alb_log_prefix = ALB_LOGS_PREFIX

        reports = ReportsBucket(
            self,
            "Reports",
            removal_policy=removal_policy,
            reports_retention_days=settings.reports_retention_days,
            incoming_retention_days=settings.incoming_retention_days,
            website=settings.site == "s3-website",
            log_bucket=self.log_bucket,
        )
        self.bucket = reports.bucket

        if settings.site == "s3-website":
            self.bucket.grant_public_access(f"{REPORTS_PREFIX}*", "s3:GetObject")
            self.bucket.grant_public_access("index.html", "s3:GetObject")
            site_url = self.bucket.bucket_website_url
        elif settings.site == "cloudfront":
            distribution = cloudfront.Distribution(
                self,
                "Site",
                default_behavior=cloudfront.BehaviorOptions(
                    origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                ),
                default_root_object="index.html",
            )
            site_url = f"https://{distribution.distribution_domain_name}"
        else:
            site_url = f"s3://{self.bucket.bucket_name}"

        self.publisher = ReportPublisher(
            self,
            "Publisher",
            bucket=self.bucket,
            environment={
                "REPORTS_BUCKET": self.bucket.bucket_name,
                "SITE_MODE": settings.site,
                "SITE_BASE_URL": site_url,
                "KEEP_RUNS": str(settings.reports_keep_runs),
                "PROJECT": project,
                "ENVIRONMENT": env_name,
            },
            log_retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=removal_policy,
        )

        CfnOutput(self, "ReportsBucketName", value=self.bucket.bucket_name)
        CfnOutput(self, "ReportsBaseUrl", value=site_url, description="Where reports are read")
        CfnOutput(self, "PublisherFunctionName", value=self.publisher.function.function_name)
