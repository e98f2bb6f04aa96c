"""The bucket that receives uploaded report zips and holds the published reports."""

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3

from constructs import Construct

INCOMING_PREFIX = "incoming/"
REPORTS_PREFIX = "reports/"


class ReportsBucket(Construct):
    """A versioned, encrypted, TLS-only bucket that announces uploads to EventBridge.

    The EventBridge switch is the bucket's own CloudFormation property, not
    `event_bridge_enabled=True`, which adds a custom resource the emulator cannot run.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        removal_policy: RemovalPolicy,
        reports_retention_days: int,
        incoming_retention_days: int,
        website: bool,
        log_bucket: s3.IBucket,
    ) -> None:
        super().__init__(scope, id)

        self.bucket = s3.Bucket(
            self,
            "Bucket",
            versioned=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            block_public_access=(
                s3.BlockPublicAccess(
                    block_public_acls=True,
                    ignore_public_acls=True,
                    block_public_policy=False,
                    restrict_public_buckets=False,
                )
                if website
                else s3.BlockPublicAccess.BLOCK_ALL
            ),
            website_index_document="index.html" if website else None,
            website_error_document="index.html" if website else None,
            removal_policy=removal_policy,
            server_access_logs_bucket=log_bucket,
            server_access_logs_prefix="s3/reports/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireUploads",
                    prefix=INCOMING_PREFIX,
                    expiration=Duration.days(incoming_retention_days),
                    noncurrent_version_expiration=Duration.days(1),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                ),
                s3.LifecycleRule(
                    id="ExpireReports",
                    prefix=REPORTS_PREFIX,
                    expiration=Duration.days(reports_retention_days),
                    noncurrent_version_expiration=Duration.days(7),
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                ),
            ],
        )

        cfn_bucket: s3.CfnBucket = self.bucket.node.default_child
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(
                event_bridge_enabled=True
            )
        )
