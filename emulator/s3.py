"""S3 resources moto 5.2 drops from templates: the bucket policy and the access point.

moto evaluates a bucket policy on object requests, but with two gaps that matter here
(moto/iam/access_control.py, IAMPolicyStatement): a statement whose Condition it cannot check
*denies* the request whatever its Effect, and any principal other than a plain string counts as
everyone. CDK's TLS-only rule (Deny unless aws:SecureTransport) would so refuse every request,
and the emulator speaks plain HTTP anyway. So a policy set through this model is stored whole
(GetBucketPolicy returns it as written) while moto enforces only its unconditional statements
for the principal "*", which is what moto documents it supports.
"""

import json
import types
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.s3.models import FakeBucket, s3_backends
from moto.s3control.models import s3control_backends
from moto.utilities.utils import get_partition

from emulator.resource import EmulatedResource, properties


def enforceable_statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """The statements of `policy` that moto can enforce: no Condition, principal everyone."""
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return [s for s in statements if "Condition" not in s and _is_everyone(s.get("Principal"))]


def _is_everyone(principal: Any) -> bool:
    return principal == "*" or (isinstance(principal, dict) and principal.get("AWS") == "*")


def _permission(bucket: FakeBucket, action: str, resource: str) -> PermissionResult:
    if bucket.policy is None:
        return PermissionResult.NEUTRAL
    statements = enforceable_statements(json.loads(bucket.policy))
    if not statements:
        return PermissionResult.NEUTRAL
    document = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return IAMPolicy(document).is_action_permitted(action, resource)


class BucketPolicy(EmulatedResource, CloudFormationModel):
    """AWS::S3::BucketPolicy: the policy on moto's bucket, so a public-read rule serves GETs."""

    TYPE = "AWS::S3::BucketPolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "BucketPolicy":
        props = properties(cloudformation_json)
        bucket_name = props["Bucket"]
        document = props["PolicyDocument"]
        if not isinstance(document, str):
            document = json.dumps(document)

        backend = s3_backends[account_id][get_partition(region_name)]
        backend.put_bucket_policy(bucket_name, document.encode())
        bucket = backend.get_bucket(bucket_name)
        # This bucket only: moto's own evaluation stays for policies set through the API.
        bucket.get_permission = types.MethodType(_permission, bucket)
        return cls(bucket_name)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = s3_backends[account_id][get_partition(region_name)]
        bucket = backend.buckets.get(self.physical_resource_id)
        if bucket is not None:
            bucket.policy = None
            bucket.__dict__.pop("get_permission", None)


class AccessPoint(EmulatedResource, CloudFormationModel):
    """AWS::S3::AccessPoint: an access point in moto's S3 Control, with its policy and Alias.

    moto records the access point and its policy; requests through the alias are not
    authorised against that policy.
    """

    TYPE = "AWS::S3::AccessPoint"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = ("Alias", "Arn", "Name", "NetworkOrigin")

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "AccessPoint":
        props = properties(cloudformation_json)
        # Access point names are 3 to 50 lowercase letters, digits and hyphens.
        name = props.get("Name") or resource_name.lower().replace("_", "-")[:50].strip("-")

        backend = s3control_backends[account_id][get_partition(region_name)]
        point = backend.create_access_point(
            account_id=account_id,
            name=name,
            bucket=props["Bucket"],
            vpc_configuration=props.get("VpcConfiguration") or {},
            public_access_block_configuration=props.get("PublicAccessBlockConfiguration") or {},
        )
        if props.get("Policy"):
            policy = props["Policy"]
            backend.put_access_point_policy(
                account_id, name, policy if isinstance(policy, str) else json.dumps(policy)
            )
        return cls(
            name,
            {
                "Alias": point.alias,
                "Arn": point.arn,
                "Name": name,
                "NetworkOrigin": point.network_origin,
            },
        )

    def delete(self, account_id: str, region_name: str) -> None:
        backend = s3control_backends[account_id][get_partition(region_name)]
        backend.delete_access_point(account_id, self.physical_resource_id)


MODELS = (BucketPolicy, AccessPoint)
