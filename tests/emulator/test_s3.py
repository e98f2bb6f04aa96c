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
