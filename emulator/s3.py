"""S3: the bucket policy and the access point, which moto 5.2 drops, and the bucket's settings.

moto's bucket model reads only BucketEncryption and Tags from a template; the Bucket model here
hands over to it, then applies versioning, the public access block, object ownership, lifecycle
rules and the EventBridge switch through moto's backend, so get_bucket_versioning and the like
answer what the stack declared.

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
from moto.s3.models import FakeBucket, S3Backend, s3_backends
from moto.s3control.models import s3control_backends
from moto.utilities.utils import get_partition

from emulator.resource import EmulatedResource, properties


def _backend(account_id: str, region_name: str) -> S3Backend:
    return s3_backends[account_id][get_partition(region_name)]


def api_lifecycle_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CloudFormation's lifecycle rules in the API's shape that moto's bucket reads."""
    api_rules = []
    for rule in rules:
        api: dict[str, Any] = {"ID": rule.get("Id", ""), "Status": rule.get("Status", "Enabled")}
        api["Filter"] = {"Prefix": rule.get("Prefix", "")}
        if "ExpirationInDays" in rule:
            api["Expiration"] = {"Days": rule["ExpirationInDays"]}
        transitions = rule.get("Transitions") or []
        if "Transition" in rule:
            transitions = [*transitions, rule["Transition"]]
        if transitions:
            api["Transition"] = [
                {"Days": t.get("TransitionInDays"), "StorageClass": t["StorageClass"]}
                for t in transitions
            ]
        noncurrent = rule.get("NoncurrentVersionTransitions") or []
        if noncurrent:
            api["NoncurrentVersionTransition"] = [
                {
                    "NoncurrentDays": t["TransitionInDays"],
                    "StorageClass": t["StorageClass"],
                    "NewerNoncurrentVersions": t.get("NewerNoncurrentVersions"),
                }
                for t in noncurrent
            ]
        expiration = rule.get("NoncurrentVersionExpiration") or {}
        if "NoncurrentVersionExpirationInDays" in rule:
            expiration = {"NoncurrentDays": rule["NoncurrentVersionExpirationInDays"]}
        if expiration:
            api["NoncurrentVersionExpiration"] = {
                "NoncurrentDays": expiration["NoncurrentDays"],
                "NewerNoncurrentVersions": expiration.get("NewerNoncurrentVersions"),
            }
        if "AbortIncompleteMultipartUpload" in rule:
            api["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
        api_rules.append(api)
    return api_rules


def _configure(bucket_name: str, props: dict[str, Any], backend: S3Backend) -> None:
    if "VersioningConfiguration" in props:
        backend.put_bucket_versioning(bucket_name, props["VersioningConfiguration"]["Status"])
    if props.get("PublicAccessBlockConfiguration"):
        backend.put_public_access_block(bucket_name, props["PublicAccessBlockConfiguration"])
    rules = (props.get("OwnershipControls") or {}).get("Rules") or []
    if rules:
        backend.put_bucket_ownership_controls(bucket_name, rules[0]["ObjectOwnership"])
    lifecycle = (props.get("LifecycleConfiguration") or {}).get("Rules")
    if lifecycle:
        backend.put_bucket_lifecycle(bucket_name, api_lifecycle_rules(lifecycle))
    event_bridge = (props.get("NotificationConfiguration") or {}).get("EventBridgeConfiguration")
    if str((event_bridge or {}).get("EventBridgeEnabled", False)).lower() == "true":
        backend.put_bucket_notification_configuration(bucket_name, {"EventBridgeConfiguration": {}})


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


class Bucket(CloudFormationModel):
    """moto's bucket, then the settings its model skips: versioning, public access block,
    ownership, lifecycle rules, EventBridge notifications."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::S3::Bucket"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "BucketName"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return FakeBucket.has_cfn_attr(attr)

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> FakeBucket:
        bucket = FakeBucket.create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        _configure(bucket.name, properties(cloudformation_json), _backend(account_id, region_name))
        return bucket

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: FakeBucket,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> FakeBucket:
        props = properties(cloudformation_json)
        if "BucketName" not in props:
            # moto would tag a bucket named by CloudFormation under a name it does not have.
            props = {**props, "BucketName": original_resource.name}
            cloudformation_json = {**cloudformation_json, "Properties": props}
        bucket = FakeBucket.update_from_cloudformation_json(
            original_resource, new_resource_name, cloudformation_json, account_id, region_name
        )
        _configure(bucket.name, props, _backend(account_id, region_name))
        return bucket

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        FakeBucket.delete_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name
        )

    def is_created(self) -> bool:
        return True


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

        backend = _backend(account_id, region_name)
        backend.put_bucket_policy(bucket_name, document.encode())
        bucket = backend.get_bucket(bucket_name)
        # This bucket only: moto's own evaluation stays for policies set through the API.
        bucket.get_permission = types.MethodType(_permission, bucket)
        return cls(bucket_name)

    def delete(self, account_id: str, region_name: str) -> None:
        bucket = _backend(account_id, region_name).buckets.get(self.physical_resource_id)
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


MODELS = (Bucket, BucketPolicy, AccessPoint)
