"""AWS::RDS::DBInstance: moto's model, with the engine's port and in-place updates.

moto 5.2 models the instance and creates a real read replica from SourceDBInstanceIdentifier,
but gives every instance from a template port 3306 when the template names none (postgres
listens on 5432), and it has no update: a changed instance becomes None in moto's resource
map, so every Ref to it and every export built on it vanishes on the second deploy. This model
fills in the port and the security groups (moto reads them from a key templates do not use),
hands over to moto's model, and modifies the instance in place on update.
"""

import copy
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.rds.models import DBInstance as MotoDBInstance
from moto.rds.models import rds_backends

from emulator.resource import properties

# Template properties that RDS changes in place, and moto's name for each.
IN_PLACE = {
    "AllocatedStorage": "allocated_storage",
    "AutoMinorVersionUpgrade": "auto_minor_version_upgrade",
    "BackupRetentionPeriod": "backup_retention_period",
    "CopyTagsToSnapshot": "copy_tags_to_snapshot",
    "DBInstanceClass": "db_instance_class",
    "DBParameterGroupName": "db_parameter_group_name",
    "DeletionProtection": "deletion_protection",
    "EngineVersion": "engine_version",
    "Iops": "iops",
    "MaxAllocatedStorage": "max_allocated_storage",
    "MultiAZ": "multi_az",
    "PreferredBackupWindow": "preferred_backup_window",
    "PubliclyAccessible": "publicly_accessible",
    "StorageType": "storage_type",
    "VPCSecurityGroups": "vpc_security_group_ids",
}
# Changing one of these makes CloudFormation replace the instance.
REPLACING = ("DBInstanceIdentifier", "Engine", "SourceDBInstanceIdentifier", "DBName")


class DatabaseInstance(CloudFormationModel):
    """Fills in Port, then creates through moto's DBInstance model; updates in place."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::RDS::DBInstance"

    @staticmethod
    def cloudformation_name_type() -> str:
        return MotoDBInstance.cloudformation_name_type()

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return MotoDBInstance.has_cfn_attr(attr)

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> MotoDBInstance:
        template = copy.deepcopy(cloudformation_json)
        props = template.setdefault("Properties", {})
        if "Port" not in props:
            props["Port"] = _default_port(props, account_id, region_name)
        # moto reads the security groups from a key the template never has.
        if "VPCSecurityGroups" in props and "VpcSecurityGroupIds" not in props:
            props["VpcSecurityGroupIds"] = props["VPCSecurityGroups"]
        return MotoDBInstance.create_from_cloudformation_json(
            resource_name, template, account_id, region_name, **kwargs
        )

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: MotoDBInstance,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> MotoDBInstance:
        props = properties(cloudformation_json)
        if _replaces(original_resource, props):
            original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(
                new_resource_name, cloudformation_json, account_id, region_name
            )

        changes = {moto: props[cfn] for cfn, moto in IN_PLACE.items() if cfn in props}
        return rds_backends[account_id][region_name].modify_db_instance(
            original_resource.db_instance_identifier, changes
        )

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        rds_backends[account_id][region_name].delete_db_instance(resource_name)

    def is_created(self) -> bool:
        return True


def _default_port(props: dict[str, Any], account_id: str, region_name: str) -> int:
    source = props.get("SourceDBInstanceIdentifier")
    if source:
        # A replica listens where its source does.
        return rds_backends[account_id][region_name].find_db_from_id(source).port
    return MotoDBInstance.default_port(props.get("Engine", "mysql"))


def _short_id(identifier_or_arn: str) -> str:
    return identifier_or_arn.rsplit(":", 1)[-1].lower()


def _replaces(original: MotoDBInstance, props: dict[str, Any]) -> bool:
    named = props.get("DBInstanceIdentifier")
    if named and named.lower() != original.db_instance_identifier.lower():
        return True
    if "Engine" in props and props["Engine"] != original.engine:
        return True
    source = props.get("SourceDBInstanceIdentifier")
    current_source = getattr(original, "source_db_instance_identifier", None)
    if source and current_source and _short_id(source) != _short_id(current_source):
        return True
    return bool(props.get("DBName") and props["DBName"] != original.db_name)


MODELS = (DatabaseInstance,)
