"""Secrets Manager models: the database's generated secret really exists in the emulator."""

import json
import string

from emulator.secretsmanager import generate_secret_string, rotation_days
from tests.emulator.conftest import get_att, ref, resource, resources, with_outputs

# What CDK's DatabaseSecret asks for (aws-rds, Credentials.fromGeneratedSecret).
CDK_EXCLUDED = " %+~`#$&*()|[]{}:;<>?!'/@\"\\"


def generated_secret(**spec):
    return resource(
        "AWS::SecretsManager::Secret",
        GenerateSecretString={
            "SecretStringTemplate": json.dumps({"username": "postgres"}),
            "GenerateStringKey": "password",
            **spec,
        },
    )


def database():
    return resource(
        "AWS::RDS::DBInstance",
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        AllocatedStorage="20",
        MasterUsername="postgres",
        MasterUserPassword="not-used-here",
        DBName="reports",
    )


def test_generated_secret_is_json_with_the_template_username_and_a_password(deploy, aws):
    outputs = deploy(with_outputs(resources(Secret=generated_secret()), Arn=ref("Secret")))

    value = aws("secretsmanager").get_secret_value(SecretId=outputs["Arn"])["SecretString"]

    secret = json.loads(value)
    assert secret["username"] == "postgres"
    assert len(secret["password"]) == 32


def test_generated_password_honours_length_and_excluded_characters():
    spec = {
        "SecretStringTemplate": '{"username": "app"}',
        "GenerateStringKey": "password",
        "PasswordLength": 30,
        "ExcludeCharacters": CDK_EXCLUDED,
    }

    passwords = [json.loads(generate_secret_string(spec))["password"] for _ in range(50)]

    assert {len(p) for p in passwords} == {30}
    assert not set("".join(passwords)) & set(CDK_EXCLUDED)


def test_generated_string_without_a_template_is_the_password_alone():
    password = generate_secret_string({"PasswordLength": 12, "ExcludePunctuation": True})

    assert len(password) == 12
    assert set(password) <= set(string.ascii_letters + string.digits)


def test_secret_ref_and_id_attribute_are_the_secret_arn(deploy):
    outputs = deploy(
        with_outputs(
            resources(Secret=generated_secret()), Ref=ref("Secret"), Id=get_att("Secret", "Id")
        )
    )

    assert outputs["Ref"].startswith("arn:aws:secretsmanager:us-east-1:")
    assert outputs["Id"] == outputs["Ref"]


def test_exported_secret_arn_is_importable_by_a_second_stack(deploy, aws):
    exporter = deploy(
        with_outputs(resources(Secret=generated_secret()), Arn=(ref("Secret"), "test-secret-arn"))
    )

    importer = deploy(
        with_outputs(
            resources(
                Reader=resource(
                    "AWS::SSM::Parameter",
                    Name="/test/imported-secret-arn",
                    Type="String",
                    Value={"Fn::ImportValue": "test-secret-arn"},
                )
            ),
            Imported={"Fn::ImportValue": "test-secret-arn"},
        )
    )

    assert importer["Imported"] == exporter["Arn"]


def test_explicit_secret_string_is_stored_as_written(deploy, aws):
    secret = resource("AWS::SecretsManager::Secret", Name="plain-secret", SecretString="s3cr3t")
    outputs = deploy(with_outputs(resources(Secret=secret), Arn=ref("Secret")))

    value = aws("secretsmanager").get_secret_value(SecretId="plain-secret")["SecretString"]

    assert value == "s3cr3t"
    assert ":secret:plain-secret-" in outputs["Arn"]


def test_target_attachment_adds_engine_host_port_and_dbname_of_the_instance(deploy, aws):
    template = resources(
        Secret=generated_secret(),
        Db=database(),
        Attachment=resource(
            "AWS::SecretsManager::SecretTargetAttachment",
            SecretId=ref("Secret"),
            TargetId=ref("Db"),
            TargetType="AWS::RDS::DBInstance",
        ),
    )
    outputs = deploy(
        with_outputs(
            template,
            AttachmentRef=ref("Attachment"),
            SecretRef=ref("Secret"),
            Host=get_att("Db", "Endpoint.Address"),
        )
    )

    value = aws("secretsmanager").get_secret_value(SecretId=outputs["SecretRef"])["SecretString"]

    secret = json.loads(value)
    assert outputs["AttachmentRef"] == outputs["SecretRef"]
    assert secret["username"] == "postgres"
    assert (secret["engine"], secret["host"], secret["port"]) == ("postgres", outputs["Host"], 5432)
    assert secret["dbname"] == "reports"
    assert "password" in secret


def test_rotation_schedule_is_accepted_and_recorded_on_the_secret(deploy, aws):
    template = resources(
        Secret=generated_secret(),
        Rotation=resource(
            "AWS::SecretsManager::RotationSchedule",
            SecretId=ref("Secret"),
            RotationRules={"ScheduleExpression": "rate(30 days)"},
        ),
    )
    outputs = deploy(with_outputs(template, Arn=ref("Secret")))

    described = aws("secretsmanager").describe_secret(SecretId=outputs["Arn"])

    assert described["RotationEnabled"] is True
    assert described["RotationRules"]["AutomaticallyAfterDays"] == 30


def test_rotation_days_read_both_forms_of_the_rules():
    assert rotation_days({"AutomaticallyAfterDays": 7}) == 7
    assert rotation_days({"ScheduleExpression": "rate(1 day)"}) == 1
    assert rotation_days({"ScheduleExpression": "cron(0 4 * * ? *)"}) == 0


def test_resource_policy_is_stored_on_the_secret(deploy, aws):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*"}
        ],
    }
    template = resources(
        Secret=generated_secret(),
        Policy=resource(
            "AWS::SecretsManager::ResourcePolicy", SecretId=ref("Secret"), ResourcePolicy=policy
        ),
    )
    outputs = deploy(with_outputs(template, Arn=ref("Secret")))

    stored = aws("secretsmanager").get_resource_policy(SecretId=outputs["Arn"])["ResourcePolicy"]

    assert json.loads(stored) == policy


def test_update_that_changes_only_the_description_keeps_the_password(deploy, aws):
    template = resources(Secret=generated_secret())
    outputs = deploy(with_outputs(template, Arn=ref("Secret")))
    secrets = aws("secretsmanager")
    before = secrets.get_secret_value(SecretId=outputs["Arn"])["SecretString"]

    template["Resources"]["Secret"]["Properties"]["Description"] = "now described"
    updated = deploy(with_outputs(template, Arn=ref("Secret")), update=outputs["StackName"])

    assert updated["Arn"] == outputs["Arn"]
    assert secrets.describe_secret(SecretId=outputs["Arn"])["Description"] == "now described"
    assert secrets.get_secret_value(SecretId=outputs["Arn"])["SecretString"] == before


def test_deleting_the_stack_deletes_the_secret(deploy, aws):
    secret = generated_secret()
    secret["Properties"]["Name"] = "deleted-with-its-stack"
    outputs = deploy(resources(Secret=secret))

    aws("cloudformation").delete_stack(StackName=outputs["StackName"])

    names = [s["Name"] for s in aws("secretsmanager").list_secrets()["SecretList"]]
    assert "deleted-with-its-stack" not in names
