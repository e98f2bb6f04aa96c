"""S3 models: a bucket policy moto enforces, and an access point with its alias."""

import json
import urllib.error
import urllib.request

import pytest

from emulator.s3 import enforceable_statements
from tests.emulator.conftest import ACCOUNT, get_att, ref, resource, resources, with_outputs


def bucket_arn(*suffix: str) -> dict:
    return {"Fn::Join": ["", [get_att("Bucket", "Arn"), *suffix]]}


PUBLIC_READ_OF_REPORTS = {
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": "s3:GetObject",
    "Resource": bucket_arn("/reports/*"),
}
# CDK's `enforce_ssl=True` rule.
TLS_ONLY = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "s3:*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    "Resource": [get_att("Bucket", "Arn"), bucket_arn("/*")],
}


def bucket_with_policy(*statements: dict) -> dict:
    return with_outputs(
        resources(
            Bucket=resource("AWS::S3::Bucket"),
            Policy=resource(
                "AWS::S3::BucketPolicy",
                Bucket=ref("Bucket"),
                PolicyDocument={"Version": "2012-10-17", "Statement": list(statements)},
            ),
        ),
        Bucket=ref("Bucket"),
    )


def anonymous_get(endpoint: str, bucket: str, key: str) -> int:
    try:
        with urllib.request.urlopen(f"{endpoint}/{bucket}/{key}") as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def site_bucket(deploy, aws) -> str:
    """A bucket with the site's policy (public reports, TLS only) and two objects."""
    bucket = deploy(bucket_with_policy(PUBLIC_READ_OF_REPORTS, TLS_ONLY))["Bucket"]
    s3 = aws("s3")
    s3.put_object(Bucket=bucket, Key="reports/index.html", Body=b"<html></html>")
    s3.put_object(Bucket=bucket, Key="incoming/run.zip", Body=b"zip")
    return bucket


def test_anonymous_get_under_a_public_read_prefix_answers_200(endpoint, site_bucket):
    assert anonymous_get(endpoint, site_bucket, "reports/index.html") == 200


def test_anonymous_get_outside_the_public_prefix_answers_403(endpoint, site_bucket):
    assert anonymous_get(endpoint, site_bucket, "incoming/run.zip") == 403


def test_anonymous_get_without_a_bucket_policy_answers_403(endpoint, deploy, aws):
    bucket = deploy(
        with_outputs(resources(Bucket=resource("AWS::S3::Bucket")), Bucket=ref("Bucket"))
    )["Bucket"]
    aws("s3").put_object(Bucket=bucket, Key="reports/index.html", Body=b"<html></html>")

    assert anonymous_get(endpoint, bucket, "reports/index.html") == 403


def test_tls_only_rule_does_not_refuse_signed_requests_over_the_emulators_http(aws, site_bucket):
    body = aws("s3").get_object(Bucket=site_bucket, Key="incoming/run.zip")["Body"].read()

    assert body == b"zip"


def test_bucket_policy_reads_back_as_written_with_its_condition(aws, site_bucket):
    policy = json.loads(aws("s3").get_bucket_policy(Bucket=site_bucket)["Policy"])

    assert [s["Effect"] for s in policy["Statement"]] == ["Allow", "Deny"]
    assert policy["Statement"][1]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_only_unconditional_statements_for_everyone_are_enforced():
    service_write = {
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": "*",
    }
    public = {**PUBLIC_READ_OF_REPORTS, "Resource": "arn:aws:s3:::b/reports/*"}
    policy = {"Statement": [public, {**TLS_ONLY, "Resource": "*"}, service_write]}

    assert enforceable_statements(policy) == [public]


def test_deleting_the_stack_removes_the_bucket_policy(deploy, aws):
    template = bucket_with_policy(PUBLIC_READ_OF_REPORTS)
    template["Resources"]["Bucket"]["DeletionPolicy"] = "Retain"
    outputs = deploy(template)

    aws("cloudformation").delete_stack(StackName=outputs["StackName"])

    with pytest.raises(aws("s3").exceptions.ClientError, match="NoSuchBucketPolicy"):
        aws("s3").get_bucket_policy(Bucket=outputs["Bucket"])


def test_access_point_gives_alias_arn_and_name_and_exists_in_s3_control(deploy, aws):
    template = resources(
        Bucket=resource("AWS::S3::Bucket"),
        Uploads=resource("AWS::S3::AccessPoint", Bucket=ref("Bucket"), Name="uploads"),
    )
    outputs = deploy(
        with_outputs(
            template,
            Alias=get_att("Uploads", "Alias"),
            Arn=get_att("Uploads", "Arn"),
            Ref=ref("Uploads"),
            Bucket=ref("Bucket"),
        )
    )

    described = aws("s3control").get_access_point(AccountId=ACCOUNT, Name="uploads")

    assert outputs["Alias"].startswith("uploads-") and outputs["Alias"].endswith("-s3alias")
    assert outputs["Arn"].endswith(":accesspoint/uploads")
    assert outputs["Ref"] == "uploads"
    assert described["Bucket"] == outputs["Bucket"]
    assert described["Alias"] == outputs["Alias"]


def reports_bucket(**props) -> dict:
    """The settings issue 3 asks of the reports bucket, as CDK writes them."""
    bucket = resource(
        "AWS::S3::Bucket",
        VersioningConfiguration={"Status": "Enabled"},
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        },
        OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        LifecycleConfiguration={
            "Rules": [
                {
                    "Id": "reports",
                    "Status": "Enabled",
                    "Prefix": "reports/",
                    "ExpirationInDays": 90,
                    "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30}],
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                }
            ]
        },
        NotificationConfiguration={"EventBridgeConfiguration": {"EventBridgeEnabled": True}},
        Tags=[{"Key": "project", "Value": "qea"}],
        **props,
    )
    return with_outputs(resources(Bucket=bucket), Bucket=ref("Bucket"))


@pytest.fixture
def reports(deploy) -> dict:
    return deploy(reports_bucket())


def test_bucket_versioning_from_the_template_is_on(aws, reports):
    assert aws("s3").get_bucket_versioning(Bucket=reports["Bucket"])["Status"] == "Enabled"


def test_bucket_public_access_block_from_the_template_blocks_all_four(aws, reports):
    block = aws("s3").get_public_access_block(Bucket=reports["Bucket"])

    assert set(block["PublicAccessBlockConfiguration"].values()) == {True}


def test_bucket_object_ownership_from_the_template_is_enforced(aws, reports):
    controls = aws("s3").get_bucket_ownership_controls(Bucket=reports["Bucket"])

    assert controls["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_bucket_lifecycle_rule_from_the_template_keeps_prefix_transition_and_expiry(aws, reports):
    [rule] = aws("s3").get_bucket_lifecycle_configuration(Bucket=reports["Bucket"])["Rules"]

    assert rule["Filter"] == {"Prefix": "reports/"}
    assert rule["Transitions"] == [{"Days": 30, "StorageClass": "STANDARD_IA"}]
    assert rule["Expiration"] == {"Days": 90}
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}


def test_upload_under_incoming_reaches_an_eventbridge_rule_with_a_prefix_filter(deploy, aws):
    template = reports_bucket()
    template["Resources"].update(
        Queue=resource("AWS::SQS::Queue"),
        Trigger=resource(
            "AWS::Events::Rule",
            EventPattern={
                "source": ["aws.s3"],
                "detail-type": ["Object Created"],
                "detail": {"object": {"key": [{"prefix": "incoming/"}]}},
            },
            Targets=[{"Arn": get_att("Queue", "Arn"), "Id": "queue"}],
        ),
    )
    outputs = deploy(with_outputs(template, Bucket=ref("Bucket"), Queue=ref("Queue")))

    aws("s3").put_object(Bucket=outputs["Bucket"], Key="incoming/qea/main/1.zip", Body=b"zip")

    messages = aws("sqs").receive_message(QueueUrl=outputs["Queue"], WaitTimeSeconds=1)
    [message] = messages["Messages"]
    assert json.loads(message["Body"])["detail"]["object"]["key"] == "incoming/qea/main/1.zip"


def test_updating_a_tagged_bucket_without_a_name_keeps_the_bucket(deploy, aws, reports):
    template = reports_bucket()
    template["Resources"]["Bucket"]["Properties"]["VersioningConfiguration"]["Status"] = "Suspended"

    updated = deploy(template, update=reports["StackName"])

    assert updated["Bucket"] == reports["Bucket"]
    assert aws("s3").get_bucket_versioning(Bucket=reports["Bucket"])["Status"] == "Suspended"
