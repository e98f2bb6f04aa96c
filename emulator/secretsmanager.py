"""Secrets Manager resources, which moto 5.2 drops ("No Moto CloudFormation support for ...").

Without them the database's generated credentials never exist and every export of the secret's
ARN is missing, so the stacks that import it fail with "No export named ...".
"""

import json
import re
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.rds.models import rds_backends
from moto.secretsmanager.models import SecretsManagerBackend, secretsmanager_backends
from moto.secretsmanager.utils import random_password

from emulator.resource import EmulatedResource, properties

# CloudFormation's defaults for GenerateSecretString (AWS::SecretsManager::Secret docs).
DEFAULT_PASSWORD_LENGTH = 32


def _backend(account_id: str, region_name: str) -> SecretsManagerBackend:
    return secretsmanager_backends[account_id][region_name]


def generate_secret_string(spec: dict[str, Any]) -> str:
    """The value GenerateSecretString describes: a password, or a JSON template with one added.

    With SecretStringTemplate and GenerateStringKey the result is the template's JSON object
    with the password under that key, which is how CDK asks for database credentials.
    """

    def flag(key: str, default: bool = False) -> bool:
        return str(spec.get(key, default)).lower() == "true"

    password = random_password(
        int(spec.get("PasswordLength", DEFAULT_PASSWORD_LENGTH)),
        spec.get("ExcludeCharacters", ""),
        flag("ExcludeNumbers"),
        flag("ExcludePunctuation"),
        flag("ExcludeUppercase"),
        flag("ExcludeLowercase"),
        flag("IncludeSpace"),
        flag("RequireEachIncludedType", True),
    )
    template = spec.get("SecretStringTemplate")
    key = spec.get("GenerateStringKey")
    if template is None or key is None:
        return password
    secret = json.loads(template)
    secret[key] = password
    return json.dumps(secret)


class Secret(EmulatedResource, CloudFormationModel):
    """AWS::SecretsManager::Secret: a real secret in moto, its value generated if asked for."""

    TYPE = "AWS::SecretsManager::Secret"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = ("Id",)

    def __init__(self, arn: str, name: str, source: dict[str, Any]) -> None:
        super().__init__(arn, {"Id": arn})
        self.name = name
        # What the value was made from, so an update can tell whether to make a new one.
        self.source = source

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "Secret":
        props = properties(cloudformation_json)
        backend = _backend(account_id, region_name)
        backend.create_secret(
            name=resource_name,
            secret_string=_value(props),
            secret_binary=None,
            description=props.get("Description"),
            tags=props.get("Tags"),
            kms_key_id=props.get("KmsKeyId"),
            client_request_token=None,
            replica_regions=[],
            force_overwrite=False,
        )
        arn = backend.describe_secret(resource_name).arn
        return cls(arn, resource_name, _value_source(props))

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: "Secret",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "Secret":
        props = properties(cloudformation_json)
        if props.get("Name", original_resource.name) != original_resource.name:
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )

        # Same secret: keep the value unless what it is made from changed, as CloudFormation does.
        backend = _backend(account_id, region_name)
        secret = backend.describe_secret(original_resource.physical_resource_id)
        secret.description = props.get("Description")
        secret.kms_key_id = props.get("KmsKeyId")
        source = _value_source(props)
        value = _value(props) if source != original_resource.source else None
        if value is not None:
            backend.put_secret_value(
                secret.arn,
                secret_string=value,
                secret_binary=None,
                client_request_token=None,
                version_stages=["AWSCURRENT"],
            )
        original_resource.source = source
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).delete_secret(
            self.physical_resource_id,
            recovery_window_in_days=None,
            force_delete_without_recovery=True,
        )


def _value(props: dict[str, Any]) -> str | None:
    if "SecretString" in props:
        return props["SecretString"]
    if "GenerateSecretString" in props:
        return generate_secret_string(props["GenerateSecretString"])
    return None


def _value_source(props: dict[str, Any]) -> dict[str, Any]:
    return {k: props[k] for k in ("SecretString", "GenerateSecretString") if k in props}


class SecretTargetAttachment(EmulatedResource, CloudFormationModel):
    """AWS::SecretsManager::SecretTargetAttachment: adds the database's connection to the secret.

    As in AWS, the secret's JSON gains engine, host, port and the instance (or cluster)
    identifier, plus dbname when the database has one. Ref gives the secret's ARN.
    """

    TYPE = "AWS::SecretsManager::SecretTargetAttachment"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "SecretTargetAttachment":
        props = properties(cloudformation_json)
        secret_id = props["SecretId"]
        connection = _connection(
            props["TargetId"], props.get("TargetType", ""), account_id, region_name
        )

        backend = _backend(account_id, region_name)
        current = backend.get_secret_value(secret_id, None, None).get("SecretString") or "{}"
        secret = {**json.loads(current), **connection}
        backend.put_secret_value(
            secret_id,
            secret_string=json.dumps(secret),
            secret_binary=None,
            client_request_token=None,
            version_stages=["AWSCURRENT"],
        )
        arn = backend.describe_secret(secret_id).arn
        return cls(arn)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: "SecretTargetAttachment",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "SecretTargetAttachment":
        # Attaching again overwrites the same keys; the secret itself stays.
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )


def _connection(target_id: str, target_type: str, account_id: str, region_name: str) -> dict:
    rds = rds_backends[account_id][region_name]
    if target_type == "AWS::RDS::DBCluster":
        cluster = rds.describe_db_clusters(db_cluster_identifier=target_id)[0]
        connection = {
            "engine": cluster.engine,
            "host": cluster.endpoint,
            "port": cluster.port,
            "dbClusterIdentifier": cluster.db_cluster_identifier,
        }
        dbname = cluster.database_name
    else:
        instance = rds.describe_db_instances(db_instance_identifier=target_id)[0]
        connection = {
            "engine": instance.engine,
            "host": instance.address,
            "port": instance.port,
            "dbInstanceIdentifier": instance.db_instance_identifier,
        }
        dbname = instance.db_name
    if dbname:
        connection["dbname"] = dbname
    return connection


def rotation_days(rules: dict[str, Any]) -> int:
    """Days between rotations, from AutomaticallyAfterDays or a `rate(N days)` expression."""
    if rules.get("AutomaticallyAfterDays"):
        return int(rules["AutomaticallyAfterDays"])
    match = re.fullmatch(r"rate\((\d+) days?\)", str(rules.get("ScheduleExpression", "")).strip())
    return int(match.group(1)) if match else 0


class RotationSchedule(EmulatedResource, CloudFormationModel):
    """AWS::SecretsManager::RotationSchedule: accepted and recorded, never run.

    The secret reports RotationEnabled and the schedule's rules, as in AWS, but no rotation
    function runs in the emulator, so the password never changes. The fidelity summary lists
    this type as not emulated. Ref gives the secret's ARN.
    """

    TYPE = "AWS::SecretsManager::RotationSchedule"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "RotationSchedule":
        props = properties(cloudformation_json)
        secret = _backend(account_id, region_name).describe_secret(props["SecretId"])
        secret.rotation_requested = True
        secret.rotation_enabled = True
        secret.rotation_lambda_arn = props.get("RotationLambdaARN", "")
        secret.auto_rotate_after_days = rotation_days(props.get("RotationRules") or {})
        return cls(secret.arn)

    def delete(self, account_id: str, region_name: str) -> None:
        secrets = _backend(account_id, region_name).secrets
        if self.physical_resource_id in secrets:
            secret = secrets[self.physical_resource_id]
            secret.rotation_enabled = False
            secret.rotation_lambda_arn = ""
            secret.auto_rotate_after_days = 0


class ResourcePolicy(EmulatedResource, CloudFormationModel):
    """AWS::SecretsManager::ResourcePolicy: the secret's resource policy, stored (not enforced)."""

    TYPE = "AWS::SecretsManager::ResourcePolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "ResourcePolicy":
        props = properties(cloudformation_json)
        policy = props["ResourcePolicy"]
        if not isinstance(policy, str):
            policy = json.dumps(policy)
        arn, _ = _backend(account_id, region_name).put_resource_policy(props["SecretId"], policy)
        return cls(arn)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(account_id, region_name)
        if self.physical_resource_id in backend.secrets:
            backend.delete_resource_policy(self.physical_resource_id)


MODELS = (Secret, SecretTargetAttachment, RotationSchedule, ResourcePolicy)
