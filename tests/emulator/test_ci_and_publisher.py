"""The CI stack's OIDC provider and the publisher function's invoke settings."""

from tests.emulator.conftest import get_att, ref, resource, resources, with_outputs

LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def test_github_oidc_provider_exists_with_its_url_and_client_id(deploy, aws):
    provider = resource(
        "AWS::IAM::OIDCProvider",
        Url="https://token.actions.githubusercontent.com",
        ClientIdList=["sts.amazonaws.com"],
    )
    outputs = deploy(
        with_outputs(resources(GitHub=provider), Ref=ref("GitHub"), Arn=get_att("GitHub", "Arn"))
    )

    described = aws("iam").get_open_id_connect_provider(OpenIDConnectProviderArn=outputs["Arn"])

    assert outputs["Ref"] == outputs["Arn"]
    assert outputs["Arn"].endswith(":oidc-provider/token.actions.githubusercontent.com")
    assert described["ClientIDList"] == ["sts.amazonaws.com"]


def test_event_invoke_config_sets_the_functions_retry_attempts(deploy, aws):
    function = resource(
        "AWS::Lambda::Function",
        FunctionName="publisher-under-test",
        Runtime="python3.13",
        Handler="index.handler",
        Role=get_att("Role", "Arn"),
        Code={"ZipFile": "def handler(event, context):\n    return None\n"},
    )
    template = resources(
        Role=resource("AWS::IAM::Role", AssumeRolePolicyDocument=LAMBDA_TRUST),
        Publisher=function,
        Retries=resource(
            "AWS::Lambda::EventInvokeConfig",
            FunctionName=ref("Publisher"),
            Qualifier="$LATEST",
            MaximumRetryAttempts=0,
            MaximumEventAgeInSeconds=3600,
        ),
    )
    deploy(template)

    config = aws("lambda").get_function_event_invoke_config(FunctionName="publisher-under-test")

    assert (config["MaximumRetryAttempts"], config["MaximumEventAgeInSeconds"]) == (0, 3600)
