"""The database instance: the engine's port, a real replica, and updates in place."""

import uuid

from tests.emulator.conftest import get_att, ref, resource, resources, with_outputs


def instance(engine: str = "postgres", **props) -> dict:
    return resource(
        "AWS::RDS::DBInstance",
        Engine=engine,
        DBInstanceClass="db.t4g.micro",
        AllocatedStorage="20",
        MasterUsername="admin_user",
        MasterUserPassword="not-used-here",
        BackupRetentionPeriod=1,
        **props,
    )


def source_and_replica() -> dict:
    replica = resource(
        "AWS::RDS::DBInstance",
        SourceDBInstanceIdentifier=ref("Db"),
        DBInstanceClass="db.t4g.micro",
    )
    return with_outputs(
        resources(Db=instance(), Replica=replica),
        Db=ref("Db"),
        Replica=ref("Replica"),
        ReplicaPort=get_att("Replica", "Endpoint.Port"),
        Address=(get_att("Db", "Endpoint.Address"), f"db-address-{uuid.uuid4().hex[:8]}"),
    )


def test_postgres_instance_without_a_port_listens_on_5432(deploy):
    outputs = deploy(with_outputs(resources(Db=instance()), Port=get_att("Db", "Endpoint.Port")))

    assert outputs["Port"] == "5432"


def test_mysql_instance_without_a_port_listens_on_3306(deploy):
    outputs = deploy(
        with_outputs(resources(Db=instance("mysql")), Port=get_att("Db", "Endpoint.Port"))
    )

    assert outputs["Port"] == "3306"


def test_replica_is_created_as_a_replica_of_its_source_on_the_same_port(deploy, aws):
    outputs = deploy(source_and_replica())

    rds = aws("rds")
    replica = rds.describe_db_instances(DBInstanceIdentifier=outputs["Replica"])["DBInstances"][0]
    source = rds.describe_db_instances(DBInstanceIdentifier=outputs["Db"])["DBInstances"][0]

    assert replica["ReadReplicaSourceDBInstanceIdentifier"].endswith(outputs["Db"])
    assert source["ReadReplicaDBInstanceIdentifiers"] == [outputs["Replica"]]
    assert outputs["ReplicaPort"] == "5432"


def test_security_groups_of_the_template_reach_the_instance(deploy, aws):
    template = resources(
        Vpc=resource("AWS::EC2::VPC", CidrBlock="10.9.0.0/16"),
        Group=resource("AWS::EC2::SecurityGroup", GroupDescription="db", VpcId=ref("Vpc")),
        Db=instance(VPCSecurityGroups=[get_att("Group", "GroupId")]),
    )
    outputs = deploy(with_outputs(template, Db=ref("Db"), Group=get_att("Group", "GroupId")))

    db = aws("rds").describe_db_instances(DBInstanceIdentifier=outputs["Db"])["DBInstances"][0]

    assert [g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]] == [outputs["Group"]]


def test_update_changes_the_instance_class_in_place_and_keeps_its_export(deploy, aws):
    template = source_and_replica()
    outputs = deploy(template)

    template["Resources"]["Db"]["Properties"]["DBInstanceClass"] = "db.t4g.small"
    updated = deploy(template, update=outputs["StackName"])

    db = aws("rds").describe_db_instances(DBInstanceIdentifier=outputs["Db"])["DBInstances"][0]
    assert db["DBInstanceClass"] == "db.t4g.small"
    assert updated["Db"] == outputs["Db"]
    assert updated["Address"] == outputs["Address"]
