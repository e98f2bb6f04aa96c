"""The bucket that receives the server access logs of the reports bucket and the ALB's logs."""

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from constructs import Construct
from constructs.reports_bucket import deny_bucket_deletion

ALB_LOGS_PREFIX = "alb"


class AccessLogBucket(Construct):
    """A versioned, SSE-S3, TLS-only, private bucket whose logs expire after `retention_days`.

    Log delivery writes SSE-S3 only (neither S3 server access logging nor ELB access logs can
    write into a bucket whose default encryption is SSE-KMS), so this bucket never takes a key.
    The ELB log delivery may put objects under `alb/`; the load balancer only needs its
    access-log attributes pointed here with that prefix.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        retention_days: int,
        removal_policy: RemovalPolicy,
        deletion_protection: bool,
    ) -> None:
        super().__init__(scope, id)

        self.bucket = s3.Bucket(
            self,
            "Bucket",
            versioned=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            removal_policy=removal_policy,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireLogs",
                    expiration=Duration.days(retention_days),
                    noncurrent_version_expiration=Duration.days(1),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
        )

        # This service principal is what regions launched since August 2022 accept. Regions
        # launched before (us-east-1, eu-west-1, ...) need their regional ELB account as the
        # principal instead; an env-agnostic stack cannot know which region it lands in. See
        # https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowAlbLogDelivery",
                principals=[iam.ServicePrincipal("logdelivery.elasticloadbalancing.amazonaws.com")],
                actions=["s3:PutObject"],
                resources=[
                    self.bucket.arn_for_objects(
                        f"{ALB_LOGS_PREFIX}/AWSLogs/{Stack.of(self).account}/*"
                    )
                ],
            )
        )
        if deletion_protection:
            self.bucket.add_to_resource_policy(deny_bucket_deletion(self.bucket))
