"""An S3 access point through which uploaders put report zips under one prefix only."""

from collections.abc import Sequence

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from constructs import Construct


class UploadAccessPoint(Construct):
    """An access point on `bucket` whose policy lets `principals` put objects under `prefix`.

    The bucket's policy delegates exactly that to requests that come through this access point,
    so the access point's policy is the one place that says who may upload. A principal of
    this account still needs an IAM policy of its own (`grant_upload`).

    Args:
        name: the access point's name, 3 to 50 lowercase letters, digits and hyphens, unique
            in the account and region; its policy refers to its own ARN, so it cannot be
            generated.
        principals: who may upload; empty means this account's principals.
        encryption_key: the bucket's SSE-KMS key, which uploaders need to use; None for SSE-S3.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket: s3.IBucket,
        name: str,
        prefix: str,
        principals: Sequence[iam.IPrincipal] = (),
        encryption_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        self.prefix = prefix
        self._encryption_key = encryption_key
        self.access_point_arn = stack.format_arn(
            service="s3", resource="accesspoint", resource_name=name
        )
        uploaders = list(principals) or [iam.AccountRootPrincipal()]

        policy = iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    sid="UploadsUnderPrefixOnly",
                    principals=uploaders,
                    actions=["s3:PutObject", "s3:AbortMultipartUpload"],
                    resources=[f"{self.access_point_arn}/object/{prefix}*"],
                )
            ]
        )
        self.access_point = s3.CfnAccessPoint(
            self,
            "AccessPoint",
            bucket=bucket.bucket_name,
            name=name,
            policy=policy.to_json(),
            public_access_block_configuration=s3.CfnAccessPoint.PublicAccessBlockConfigurationProperty(
                block_public_acls=True,
                block_public_policy=True,
                ignore_public_acls=True,
                restrict_public_buckets=True,
            ),
        )
        self.alias = self.access_point.attr_alias

        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DelegateUploadsToAccessPoint",
                principals=uploaders,
                actions=["s3:PutObject", "s3:AbortMultipartUpload"],
                resources=[bucket.arn_for_objects(f"{prefix}*")],
                conditions={"StringEquals": {"s3:DataAccessPointArn": self.access_point_arn}},
            )
        )

    def grant_upload(self, grantee: iam.IGrantable) -> iam.Grant:
        """Lets `grantee` put objects under the prefix through this access point."""
        if self._encryption_key:
            self._encryption_key.grant_encrypt_decrypt(grantee)
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["s3:PutObject", "s3:AbortMultipartUpload"],
            resource_arns=[f"{self.access_point_arn}/object/{self.prefix}*"],
        )
