"""The KMS key model: a tagged key, as CDK writes every key under a tagged app, exists."""

from tests.emulator.conftest import get_att, ref, resource, resources, with_outputs


def tagged_key(**props):
    return resource(
        "AWS::KMS::Key",
        Description="Encrypts the database",
        EnableKeyRotation=True,
        Tags=[{"Key": "project", "Value": "qea"}],
        **props,
    )


def test_tagged_key_is_created_with_its_arn_and_rotation(deploy, aws):
    outputs = deploy(
        with_outputs(resources(Key=tagged_key()), Arn=get_att("Key", "Arn"), Id=ref("Key"))
    )

    kms = aws("kms")
    described = kms.describe_key(KeyId=outputs["Id"])["KeyMetadata"]
    assert described["Arn"] == outputs["Arn"]
    assert described["Description"] == "Encrypts the database"
    assert kms.get_key_rotation_status(KeyId=outputs["Id"])["KeyRotationEnabled"] is True
    tags = kms.list_resource_tags(KeyId=outputs["Id"])["Tags"]
    assert {"TagKey": "project", "TagValue": "qea"} in tags


def test_key_without_a_policy_gets_the_default_policy(deploy, aws):
    outputs = deploy(with_outputs(resources(Key=tagged_key()), Id=ref("Key")))

    policy = aws("kms").get_key_policy(KeyId=outputs["Id"], PolicyName="default")["Policy"]
    assert '"kms:*"' in policy
