"""The whole `make deploy` path on the local emulator: real CDK CLI, every stack, a report."""

import urllib.request

import pytest

from emulator import local_deploy, server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def emulator_endpoint(tmp_path_factory):
    """A private emulator for this module, stopped afterwards even when a test fails."""
    state_dir = tmp_path_factory.mktemp("emulator-state")
    endpoint = server.start(state_dir=state_dir)
    try:
        yield endpoint
    finally:
        server.stop(state_dir=state_dir)


@pytest.fixture(scope="module")
def deployed(emulator_endpoint, tmp_path_factory):
    environment = local_deploy.emulator_environment(emulator_endpoint)
    cdk_out = tmp_path_factory.mktemp("cdk-e2e")
    outputs = local_deploy.deploy("dev", cdk_out=cdk_out, environment=environment)
    return {"outputs": outputs, "environment": environment, "cdk_out": cdk_out}


def test_every_stack_deploys_and_completes(deployed):
    cloudformation = local_deploy.client("cloudformation", deployed["environment"])
    statuses = {
        name: cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
        for name in ("qea-dev-network", "qea-dev-storage", "qea-dev-data", "qea-dev-compute")
    }
    assert statuses == dict.fromkeys(statuses, "CREATE_COMPLETE")


def test_outputs_name_the_bucket_the_database_and_the_load_balancer(deployed):
    outputs = deployed["outputs"]
    assert outputs["qea-dev-storage"]["ReportsBucketName"].startswith("qea-dev-storage-")
    assert outputs["qea-dev-data"]["WriterEndpoint"].endswith(".rds.amazonaws.com")
    assert outputs["qea-dev-data"]["SecretArn"].startswith("arn:aws:secretsmanager:us-east-1:")
    assert "elb.amazonaws.com" in outputs["qea-dev-compute"]["LoadBalancerDnsName"]


def test_database_secret_exists_in_the_emulator_with_generated_credentials(deployed):
    secrets = local_deploy.client("secretsmanager", deployed["environment"])
    arn = deployed["outputs"]["qea-dev-data"]["SecretArn"]
    value = secrets.get_secret_value(SecretId=arn)["SecretString"]
    assert '"username": "app_admin"' in value.replace('":"', '": "')
    assert '"password"' in value


def test_published_report_is_served_as_html_to_anyone_through_the_site_policy(deployed):
    bucket = deployed["outputs"]["qea-dev-storage"]["ReportsBucketName"]
    url = local_deploy.publish_sample_report(
        bucket, deployed["environment"], site_mode="s3-website"
    )

    assert "X-Amz-Signature" not in url
    with urllib.request.urlopen(url, timeout=30) as response:  # no credentials: anonymous
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert b"<html" in response.read(4096).lower()


def test_landing_page_names_the_deployment(deployed):
    bucket = deployed["outputs"]["qea-dev-storage"]["ReportsBucketName"]
    url = local_deploy.write_landing_page("qea-dev-storage", bucket, deployed["environment"])

    with urllib.request.urlopen(url, timeout=30) as response:
        page = response.read().decode()
    assert "qea" in page
    assert "dev" in page
    assert "123456789012" in page


def test_a_second_deploy_with_a_changed_setting_updates_in_place(deployed):
    outputs = local_deploy.deploy(
        "dev",
        cdk_out=deployed["cdk_out"],
        environment=deployed["environment"],
        overrides={"compute.max_capacity": "5"},
    )

    assert (
        outputs["qea-dev-storage"]["ReportsBucketName"]
        == (deployed["outputs"]["qea-dev-storage"]["ReportsBucketName"])
    )
    autoscaling = local_deploy.client("autoscaling", deployed["environment"])
    group_name = outputs["qea-dev-compute"]["GroupName"]
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group_name])
    assert group["AutoScalingGroups"][0]["MaxSize"] == 5
