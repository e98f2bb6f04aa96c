"""The bucket that receives uploaded report zips and holds the published reports."""

from collections.abc import Sequence

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from constructs import Construct

INCOMING_PREFIX = "incoming/"
REPORTS_PREFIX = "reports/"
SITE_INDEX_DOCUMENT = "index.html"
SITE_ERROR_DOCUMENT = "error.html"
SERVER_ACCESS_LOGS_PREFIX = "s3/reports/"


class ReportsBucket(Construct):
    """A versioned, encrypted, TLS-only bucket with ACLs disabled that announces uploads to
    EventBridge and writes its server access logs to `log_bucket`.

    The EventBridge switch is the bucket's own CloudFormation property, not
    `event_bridge_enabled=True`, which adds a custom resource the emulator cannot run.

    Args:
        bucket_name: the bucket's name; None lets CloudFormation generate a unique one.
        encryption_key: SSE-KMS with this key (and an S3 Bucket Key); None is SSE-S3.
        block_public_access: the bucket's four public-access blocks.
        website: static website hosting with SITE_INDEX_DOCUMENT and SITE_ERROR_DOCUMENT.
        lifecycle_rules: the bucket's lifecycle rules, in order.
        deletion_protection: the policy denies s3:DeleteBucket to every principal.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket_name: str | None,
        encryption_key: kms.IKey | None,
        block_public_access: s3.BlockPublicAccess,
        website: bool,
        log_bucket: s3.IBucket,
        lifecycle_rules: Sequence[s3.LifecycleRule],
        removal_policy: RemovalPolicy,
        deletion_protection: bool,
    ) -> None:
        super().__init__(scope, id)

        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=bucket_name,
            versioned=True,
            encryption=s3.BucketEncryption.KMS
            if encryption_key
            else s3.BucketEncryption.S3_MANAGED,
            encryption_key=encryption_key,
            bucket_key_enabled=True if encryption_key else None,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            block_public_access=block_public_access,
            website_index_document=SITE_INDEX_DOCUMENT if website else None,
            website_error_document=SITE_ERROR_DOCUMENT if website else None,
            removal_policy=removal_policy,
            server_access_logs_bucket=log_bucket,
            server_access_logs_prefix=SERVER_ACCESS_LOGS_PREFIX,
            lifecycle_rules=list(lifecycle_rules),
        )

        cfn_bucket: s3.CfnBucket = self.bucket.node.default_child
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(
                event_bridge_enabled=True
            )
        )

        if deletion_protection:
            self.bucket.add_to_resource_policy(deny_bucket_deletion(self.bucket))


def deny_bucket_deletion(bucket: s3.IBucket) -> iam.PolicyStatement:
    """A statement that refuses s3:DeleteBucket to everyone, the account's admins included."""
    return iam.PolicyStatement(
        sid="DenyBucketDeletion",
        effect=iam.Effect.DENY,
        principals=[iam.AnyPrincipal()],
        actions=["s3:DeleteBucket"],
        resources=[bucket.bucket_arn],
    )
