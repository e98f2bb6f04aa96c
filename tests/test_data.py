"""The data stack's template: what each setting makes of the database, in dev and in prod."""

import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Capture, Match

WRITER = "DatabaseWriter7794273E"
DATA_LAYER = "data"


def resources_of(template_json: dict, type_: str) -> dict[str, dict]:
    return {
        logical_id: resource
        for logical_id, resource in template_json["Resources"].items()
        if resource["Type"] == type_
    }


def replicas_of(template_json: dict) -> dict[str, dict]:
    return {
        logical_id: resource
        for logical_id, resource in resources_of(template_json, "AWS::RDS::DBInstance").items()
        if "SourceDBInstanceIdentifier" in resource["Properties"]
    }


@pytest.fixture(scope="module")
def variant(synth_with):
    """dev with mysql, two replicas of their own class with backups, and rotation."""
    assembly = synth_with(
        env="dev",
        **{
            "data.engine": "mysql",
            "data.engine_version": "8.4.6",
            "data.read_replicas": "2",
            "data.replica_instance_class": "db.r7g.large",
            "data.replica_backup_retention_days": "2",
            "data.rotation_days": "7",
            "data.monitoring_interval_seconds": "30",
            "data.log_exports": "[]",
        },
    )
    return assembly.get_stack_by_name("qea-dev-data").template


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_writer_is_multi_az_encrypted_gp3_with_iam_auth(template, env):
    key = Capture()
    template(env, DATA_LAYER).has_resource_properties(
        "AWS::RDS::DBInstance",
        {
            "DBName": "app",
            "Engine": "postgres",
            "EngineVersion": "17.6",
            "MultiAZ": True,
            "StorageEncrypted": True,
            "KmsKeyId": {"Fn::GetAtt": [key, "Arn"]},
            "StorageType": "gp3",
            "EnableIAMDatabaseAuthentication": True,
            "PubliclyAccessible": False,
            "EnableCloudwatchLogsExports": ["postgresql", "upgrade"],
        },
    )
    template(env, DATA_LAYER).has_resource(
        "AWS::KMS::Key", {"Properties": Match.object_like({"EnableKeyRotation": True})}
    )
    assert key.as_string().startswith("DatabaseStorageKey")


@pytest.mark.parametrize(("env", "allocated", "ceiling"), [("dev", "20", 50), ("prod", "20", 200)])
def test_storage_grows_up_to_its_ceiling(template, env, allocated, ceiling):
    template(env, DATA_LAYER).has_resource_properties(
        "AWS::RDS::DBInstance",
        {"AllocatedStorage": allocated, "MaxAllocatedStorage": ceiling},
    )


@pytest.mark.parametrize(("env", "expected"), [("dev", "db.t4g.micro"), ("prod", "db.t4g.small")])
def test_instance_class_carries_exactly_one_db_prefix(template_json, env, expected):
    instances = resources_of(template_json(env, DATA_LAYER), "AWS::RDS::DBInstance")
    assert {r["Properties"]["DBInstanceClass"] for r in instances.values()} == {expected}
    assert "db.db." not in json.dumps(template_json(env, DATA_LAYER))


def test_replica_takes_its_own_instance_class(variant):
    classes = {r["Properties"]["DBInstanceClass"] for r in replicas_of(variant).values()}
    assert classes == {"db.r7g.large"}


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_every_instance_is_in_the_data_subnets_only(template_json, env):
    groups = resources_of(template_json(env, DATA_LAYER), "AWS::RDS::DBSubnetGroup")
    assert len(groups) == 2  # the writer's and the replica's
    for group in groups.values():
        imported = [subnet["Fn::ImportValue"] for subnet in group["Properties"]["SubnetIds"]]
        assert len(imported) == 2
        assert all("VpcDataSubnet" in name for name in imported), imported


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_replica_is_a_replica_of_the_writer(template, env):
    template(env, DATA_LAYER).has_resource_properties(
        "AWS::RDS::DBInstance",
        {
            "SourceDBInstanceIdentifier": {"Fn::Join": ["", Match.array_with([{"Ref": WRITER}])]},
            "StorageType": "gp3",
            "EnableIAMDatabaseAuthentication": True,
            "VPCSecurityGroups": [
                {"Fn::GetAtt": [Match.string_like_regexp("^DatabaseSecurityGroup"), "GroupId"]}
            ],
        },
    )


@pytest.mark.parametrize(("env", "days"), [("dev", 1), ("prod", 14)])
def test_writer_keeps_backups_for_the_environments_days(template, env, days):
    template(env, DATA_LAYER).has_resource_properties(
        "AWS::RDS::DBInstance", {"DBName": "app", "BackupRetentionPeriod": days}
    )


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_postgres_replica_sets_no_backup_retention(template_json, env):
    (replica,) = replicas_of(template_json(env, DATA_LAYER)).values()
    assert "BackupRetentionPeriod" not in replica["Properties"]


def test_mysql_replica_keeps_its_own_backups(variant):
    retention = {
        r["Properties"].get("BackupRetentionPeriod") for r in replicas_of(variant).values()
    }
    assert retention == {2}


@pytest.mark.parametrize(
    ("env", "protected", "policy", "delete_backups"),
    [("dev", False, "Delete", True), ("prod", True, "Snapshot", False)],
)
def test_writer_deletion_protection_and_removal_per_environment(
    template, env, protected, policy, delete_backups
):
    template(env, DATA_LAYER).has_resource(
        "AWS::RDS::DBInstance",
        {
            "Properties": Match.object_like(
                {
                    "DBName": "app",
                    "DeletionProtection": protected,
                    "DeleteAutomatedBackups": delete_backups,
                }
            ),
            "DeletionPolicy": policy,
            "UpdateReplacePolicy": policy,
        },
    )


def test_prod_replica_is_protected_and_deleted_without_a_final_snapshot(template_json):
    (replica,) = replicas_of(template_json("prod", DATA_LAYER)).values()
    assert replica["Properties"]["DeletionProtection"] is True
    assert replica["DeletionPolicy"] == "Delete"


@pytest.mark.parametrize(("env", "policy"), [("dev", "Delete"), ("prod", "Retain")])
def test_storage_key_outlives_the_snapshots_it_encrypts(template, env, policy):
    template(env, DATA_LAYER).has_resource("AWS::KMS::Key", {"DeletionPolicy": policy})


def test_enhanced_monitoring_is_off_in_dev(template_json):
    instances = resources_of(template_json("dev", DATA_LAYER), "AWS::RDS::DBInstance")
    assert all("MonitoringInterval" not in r["Properties"] for r in instances.values())
    assert not resources_of(template_json("dev", DATA_LAYER), "AWS::IAM::Role")


def test_prod_instances_share_one_enhanced_monitoring_role(template):
    role = Capture()
    prod = template("prod", DATA_LAYER)
    prod.all_resources_properties(
        "AWS::RDS::DBInstance",
        {"MonitoringInterval": 60, "MonitoringRoleArn": {"Fn::GetAtt": [role, "Arn"]}},
    )
    prod.resource_count_is("AWS::IAM::Role", 1)
    prod.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like(
                {
                    "Statement": [
                        Match.object_like(
                            {"Principal": {"Service": "monitoring.rds.amazonaws.com"}}
                        )
                    ]
                }
            )
        },
    )


def test_empty_log_exports_export_no_logs(variant):
    instances = resources_of(variant, "AWS::RDS::DBInstance")
    assert all("EnableCloudwatchLogsExports" not in r["Properties"] for r in instances.values())


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_credentials_are_generated_into_secrets_manager_not_the_template(template_json, env):
    data = template_json(env, DATA_LAYER)
    (secret,) = resources_of(data, "AWS::SecretsManager::Secret").values()
    generate = secret["Properties"]["GenerateSecretString"]
    assert json.loads(generate["SecretStringTemplate"]) == {"username": "app_admin"}
    assert generate["GenerateStringKey"] == "password"
    password = data["Resources"][WRITER]["Properties"]["MasterUserPassword"]
    assert "{{resolve:secretsmanager:" in json.dumps(password)
    assert "password" not in json.dumps(data.get("Outputs", {})).lower()


def test_dev_rotates_no_password_and_makes_no_endpoint(template):
    dev = template("dev", DATA_LAYER)
    dev.resource_count_is("AWS::SecretsManager::RotationSchedule", 0)
    dev.resource_count_is("AWS::EC2::VPCEndpoint", 0)


def test_prod_rotates_the_password_every_30_days_from_the_data_subnets(template_json):
    prod = template_json("prod", DATA_LAYER)
    (schedule,) = resources_of(prod, "AWS::SecretsManager::RotationSchedule").values()
    hosted = schedule["Properties"]["HostedRotationLambda"]
    assert hosted["RotationType"] == "PostgreSQLSingleUser"
    subnets = hosted["VpcSubnetIds"]["Fn::Join"][1]
    assert all("VpcDataSubnet" in part["Fn::ImportValue"] for part in subnets[::2])
    assert schedule["Properties"]["RotationRules"] == {"ScheduleExpression": "rate(30 days)"}
    assert prod["Transform"] == "AWS::SecretsManager-2024-09-16"


def test_prod_rotation_reaches_secrets_manager_through_a_private_endpoint(template_json):
    prod = template_json("prod", DATA_LAYER)
    ((endpoint_id, endpoint),) = resources_of(prod, "AWS::EC2::VPCEndpoint").items()
    properties = endpoint["Properties"]
    assert properties["VpcEndpointType"] == "Interface"
    assert properties["PrivateDnsEnabled"] is True
    assert "secretsmanager" in json.dumps(properties["ServiceName"])
    assert all("VpcDataSubnet" in s["Fn::ImportValue"] for s in properties["SubnetIds"])
    (schedule,) = resources_of(prod, "AWS::SecretsManager::RotationSchedule").values()
    assert endpoint_id in schedule["DependsOn"]


def test_rotation_uses_the_engines_hosted_function(variant):
    (schedule,) = resources_of(variant, "AWS::SecretsManager::RotationSchedule").values()
    assert schedule["Properties"]["HostedRotationLambda"]["RotationType"] == "MySQLSingleUser"
    assert schedule["Properties"]["RotationRules"] == {"ScheduleExpression": "rate(7 days)"}


def test_dev_database_security_group_admits_nothing(template_json):
    dev = template_json("dev", DATA_LAYER)
    assert not resources_of(dev, "AWS::EC2::SecurityGroupIngress")
    for group in resources_of(dev, "AWS::EC2::SecurityGroup").values():
        assert "SecurityGroupIngress" not in group["Properties"]


def test_prod_database_admits_only_the_rotation_function(template, template_json):
    ingress_to_database = [
        rule
        for rule in resources_of(
            template_json("prod", DATA_LAYER), "AWS::EC2::SecurityGroupIngress"
        ).values()
        if rule["Properties"]["GroupId"]["Fn::GetAtt"][0].startswith("DatabaseSecurityGroup")
    ]
    assert len(ingress_to_database) == 1
    template("prod", DATA_LAYER).has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {
            "GroupId": {
                "Fn::GetAtt": [Match.string_like_regexp("^DatabaseSecurityGroup"), "GroupId"]
            },
            "SourceSecurityGroupId": {
                "Fn::GetAtt": [
                    Match.string_like_regexp("^DatabaseRotationSecurityGroup"),
                    "GroupId",
                ]
            },
            "FromPort": 5432,
            "ToPort": 5432,
        },
    )


def test_rotation_function_reaches_only_the_database_and_the_endpoint(template_json):
    prod = template_json("prod", DATA_LAYER)
    egress = {
        (
            rule["Properties"]["DestinationSecurityGroupId"]["Fn::GetAtt"][0][:30],
            rule["Properties"]["FromPort"],
        )
        for rule in resources_of(prod, "AWS::EC2::SecurityGroupEgress").values()
        if rule["Properties"]["GroupId"]["Fn::GetAtt"][0].startswith(
            "DatabaseRotationSecurityGroup"
        )
    }
    assert egress == {
        ("DatabaseSecurityGroup5C91FDCB", 5432),
        ("SecretsManagerEndpointSecurity", 443),
    }
    (group,) = [
        g
        for logical_id, g in resources_of(prod, "AWS::EC2::SecurityGroup").items()
        if logical_id.startswith("DatabaseRotationSecurityGroup")
    ]
    # No inline rule, so no allow-all: CloudFormation drops a group's default egress once
    # an AWS::EC2::SecurityGroupEgress of its own is added.
    assert "SecurityGroupEgress" not in group["Properties"]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_every_alarm_notifies_the_alarm_topic_and_its_return_to_ok(template_json, env):
    data = template_json(env, DATA_LAYER)
    (topic_id,) = resources_of(data, "AWS::SNS::Topic")
    alarms = resources_of(data, "AWS::CloudWatch::Alarm")
    metrics = sorted(a["Properties"]["MetricName"] for a in alarms.values())
    assert metrics == [
        "CPUUtilization",
        "CPUUtilization",
        "DatabaseConnections",
        "FreeStorageSpace",
        "FreeableMemory",
        "ReplicaLag",
    ]
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
        assert alarm["Properties"]["OKActions"] == [{"Ref": topic_id}]


@pytest.mark.parametrize(
    ("metric", "threshold", "comparison"),
    [
        ("CPUUtilization", 80, "GreaterThanOrEqualToThreshold"),
        ("FreeStorageSpace", 10 * 1024**3, "LessThanOrEqualToThreshold"),
        ("FreeableMemory", 128 * 1024**2, "LessThanOrEqualToThreshold"),
        ("DatabaseConnections", 150, "GreaterThanOrEqualToThreshold"),
        ("ReplicaLag", 120, "GreaterThanOrEqualToThreshold"),
    ],
)
def test_prod_alarm_thresholds_come_from_settings(template, metric, threshold, comparison):
    template("prod", DATA_LAYER).has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": metric,
            "Namespace": "AWS/RDS",
            "Threshold": threshold,
            "ComparisonOperator": comparison,
            "EvaluationPeriods": 3,
            "Period": 300,
        },
    )


def test_replica_lag_alarm_watches_the_replica(template):
    template("prod", DATA_LAYER).has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "ReplicaLag",
            "Dimensions": [
                {
                    "Name": "DBInstanceIdentifier",
                    "Value": {"Ref": Match.string_like_regexp("^DatabaseReplica1")},
                }
            ],
        },
    )


def test_each_replica_gets_its_lag_alarm(variant):
    lag = [
        a
        for a in resources_of(variant, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == "ReplicaLag"
    ]
    assert len(lag) == 2


def test_alarm_topic_refuses_plain_http(template):
    template("prod", DATA_LAYER).has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Effect": "Deny",
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                }
                            )
                        ]
                    )
                }
            )
        },
    )


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_outputs_name_the_endpoints_secret_security_group_and_topic(template_json, env):
    outputs = template_json(env, DATA_LAYER)["Outputs"]
    named = {
        "WriterEndpoint",
        "WriterPort",
        "Replica1Endpoint",
        "SecretArn",
        "SecurityGroupId",
        "AlarmTopicArn",
    }
    assert named <= set(outputs)
    assert outputs["AlarmTopicArn"]["Value"]["Ref"].startswith("AlarmTopic")


def test_each_replica_has_its_endpoint_output(variant):
    assert {"Replica1Endpoint", "Replica2Endpoint"} <= set(variant["Outputs"])
    assert "Replica3Endpoint" not in variant["Outputs"]


def validation_warnings(assembly) -> list[tuple[str, str]]:
    """(rule, description) of each warning in the assembly's validation report.

    With `@aws-cdk/core:annotationsInValidationReport` the stacks' annotations go there.
    """
    report_path = Path(assembly.directory) / "validation-report.json"
    if not report_path.exists():
        return []
    report = json.loads(report_path.read_text())
    return [
        (violation["ruleName"], violation["description"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        if violation["severity"] == "warning"
    ]


def test_retired_instance_family_is_a_warning_to_acknowledge(synth_with):
    # CDK's own validation rejects retired classes for current engine versions (E3062); it is
    # made a warning here to see this stack's own, which says why and what to pick instead.
    assembly = synth_with(
        **{
            "@aws-cdk/core:validateAgainstDefaultRules": False,
            "data.instance_class": "db.t2.micro",
        }
    )
    assert (
        "Annotation::qea:data-retired-instance-class",
        "data.instance_class is db.t2.micro, a retired previous-generation family that RDS is "
        "moving instances off; choose a current one such as db.t4g.micro or db.m7g.large",
    ) in validation_warnings(assembly)


def test_current_instance_family_gets_no_warning(assemblies):
    assert not [w for w in validation_warnings(assemblies["prod"]) if "retired" in w[1]]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_template_passes_cfn_lint_including_deprecated_engine_versions(template_json, env):
    from cfnlint.api import lint

    # W3691 flags engine versions that RDS deprecated; CDK's synth-time check does not.
    findings = lint(json.dumps(template_json(env, DATA_LAYER)), regions=["us-east-1"])
    assert [f"{match.rule.id}: {match.message}" for match in findings] == []


def test_cfn_lint_flags_a_deprecated_engine_version(synth_with):
    from cfnlint.api import lint

    assembly = synth_with(**{"data.engine_version": "16.4"})
    template = assembly.get_stack_by_name("qea-dev-data").template
    assert "W3691" in {match.rule.id for match in lint(json.dumps(template), regions=["us-east-1"])}
