"""The CI stack's templates: who GitHub lets in, and what each role may do once in."""

import json

import pytest
from aws_cdk.assertions import Capture, Match, Template
from aws_cdk.cx_api import SynthesisMessageLevel

from stacks.ci import NO_ENVIRONMENT_WARNING

GITHUB = "token.actions.githubusercontent.com"
PROVIDER = "GitHubProviderE571E8F1"
PROVIDER_ARN = f"arn:aws:iam::123456789012:oidc-provider/{GITHUB}"


def role_named(template: Template, name: str) -> tuple[str, dict]:
    roles = template.find_resources("AWS::IAM::Role", {"Properties": {"RoleName": name}})
    assert len(roles) == 1, f"expected one role named {name}, found {sorted(roles)}"
    return next(iter(roles.items()))


def trusted_subjects(template: Template, name: str) -> list[str]:
    _, role = role_named(template, name)
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"]["StringEquals"] == {f"{GITHUB}:aud": "sts.amazonaws.com"}
    return statement["Condition"]["StringLike"][f"{GITHUB}:sub"]


def statements_of_role(template: Template, name: str) -> list[dict]:
    logical_id, _ = role_named(template, name)
    policies = template.find_resources(
        "AWS::IAM::Policy", {"Properties": {"Roles": [{"Ref": logical_id}]}}
    )
    return [
        s
        for policy in policies.values()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions_of(statement: dict) -> list[str]:
    actions = statement["Action"]
    return [actions] if isinstance(actions, str) else actions


@pytest.fixture(scope="module")
def shared_provider_stack(synth_with):
    """prod with the account's existing GitHub provider."""
    return synth_with(env="prod", **{"ci.oidc_provider_arn": PROVIDER_ARN}).get_stack_by_name(
        "qea-prod-ci"
    )


@pytest.fixture(scope="module")
def kms_stack():
    """The CI stack alone, for an SSE-KMS bucket and a group of another stack."""
    import aws_cdk as cdk
    from aws_cdk import aws_autoscaling as autoscaling
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_s3 as s3

    from settings.ci import CiSettings
    from stacks import CiStack

    app = cdk.App()
    storage = cdk.Stack(app, "Storage")
    bucket = s3.Bucket(storage, "Reports", encryption_key=kms.Key(storage, "Key"))
    group = autoscaling.AutoScalingGroup.from_auto_scaling_group_name(storage, "Group", "app")
    CiStack(
        app,
        "Ci",
        settings=CiSettings(github_repository="qea-course/qea-infra"),
        project="qea",
        env_name="prod",
        bucket=bucket,
        group=group,
    )
    return Template.from_stack(app.node.find_child("Ci"))


# The OIDC provider


def test_github_oidc_provider_is_the_native_resource_for_sts(template):
    ci = template("dev", "ci")
    ci.resource_count_is("AWS::IAM::OIDCProvider", 1)
    ci.has_resource_properties(
        "AWS::IAM::OIDCProvider",
        {"Url": f"https://{GITHUB}", "ClientIdList": ["sts.amazonaws.com"]},
    )
    ci.resource_count_is("Custom::AWSCDKOpenIdConnectProvider", 0)


def test_roles_trust_the_stacks_own_provider(template):
    ci = template("dev", "ci")
    federated = Capture()
    ci.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [Match.object_like({"Principal": {"Federated": federated}})]
            }
        },
    )
    assert federated.as_object() == {"Ref": PROVIDER}


def test_existing_provider_arn_creates_no_provider_and_is_trusted(shared_provider_stack):
    ci = Template.from_json(shared_provider_stack.template)
    ci.resource_count_is("AWS::IAM::OIDCProvider", 0)
    _, role = role_named(ci, "qea-prod-github-deploy")
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Federated": PROVIDER_ARN}


# The deploy role


def test_dev_deploy_role_trusts_pushes_to_main_of_the_repository_only(template):
    subjects = trusted_subjects(template("dev", "ci"), "qea-dev-github-deploy")
    assert subjects == ["repo:qea-course/qea-infra:ref:refs/heads/main"]


def test_prod_deploy_role_trusts_the_prod_github_environment_only(template):
    subjects = trusted_subjects(template("prod", "ci"), "qea-prod-github-deploy")
    assert subjects == ["repo:qea-course/qea-infra:environment:prod"]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_deploy_role_may_only_assume_the_cdk_bootstrap_roles(template, env):
    (statement,) = statements_of_role(template(env, "ci"), f"qea-{env}-github-deploy")
    assert statement["Effect"] == "Allow"
    assert sorted(actions_of(statement)) == ["sts:AssumeRole", "sts:TagSession"]
    assert statement["Resource"] == {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"},
             ":role/cdk-hnb659fds-*"],
        ]
    }  # fmt: skip


def test_cdk_qualifier_setting_narrows_the_bootstrap_roles(synth_with):
    stack = synth_with(**{"ci.cdk_qualifier": "qea1"}).get_stack_by_name("qea-dev-ci")
    (statement,) = statements_of_role(Template.from_json(stack.template), "qea-dev-github-deploy")
    assert statement["Resource"]["Fn::Join"][1][-1] == ":role/cdk-qea1-*"


def test_several_deploy_branches_are_each_trusted(synth_with):
    stack = synth_with(**{"ci.deploy_branches": '["main", "release/1.x"]'}).get_stack_by_name(
        "qea-dev-ci"
    )
    subjects = trusted_subjects(Template.from_json(stack.template), "qea-dev-github-deploy")
    assert subjects == [
        "repo:qea-course/qea-infra:ref:refs/heads/main",
        "repo:qea-course/qea-infra:ref:refs/heads/release/1.x",
    ]


# The report upload role


def test_upload_role_trusts_any_workflow_of_the_repository(template):
    subjects = trusted_subjects(template("dev", "ci"), "qea-dev-github-report-upload")
    assert subjects == ["repo:qea-course/qea-infra:*"]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_upload_role_may_only_put_objects_under_incoming_of_the_reports_bucket(template, env):
    (statement,) = statements_of_role(template(env, "ci"), f"qea-{env}-github-report-upload")
    assert actions_of(statement) == ["s3:PutObject"]
    bucket_arn, suffix = statement["Resource"]["Fn::Join"][1]
    assert suffix == "/incoming/*"
    assert "ReportsBucket" in bucket_arn["Fn::ImportValue"]
    assert bucket_arn["Fn::ImportValue"].startswith(f"qea-{env}-storage:")


def test_upload_role_may_encrypt_with_the_reports_key_when_the_bucket_uses_kms(kms_stack):
    statements = statements_of_role(kms_stack, "qea-prod-github-report-upload")
    assert sorted(a for s in statements for a in actions_of(s)) == [
        "kms:GenerateDataKey",
        "s3:PutObject",
    ]


# The image repository


@pytest.mark.parametrize(("env", "kept"), [("dev", 10), ("prod", 50)])
def test_image_repository_scans_on_push_and_keeps_the_newest_images(template, env, kept):
    ci = template(env, "ci")
    policy = Capture()
    ci.has_resource_properties(
        "AWS::ECR::Repository",
        {
            "RepositoryName": f"qea-{env}-app",
            "ImageScanningConfiguration": {"ScanOnPush": True},
            "LifecyclePolicy": {"LifecyclePolicyText": policy},
        },
    )
    (rule,) = json.loads(policy.as_string())["rules"]
    assert rule["selection"] == {
        "tagStatus": "any",
        "countType": "imageCountMoreThan",
        "countNumber": kept,
    }
    assert rule["action"] == {"type": "expire"}


def test_image_tags_are_immutable_except_the_release_tag(template):
    template("dev", "ci").has_resource_properties(
        "AWS::ECR::Repository",
        {
            "ImageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
            "ImageTagMutabilityExclusionFilters": [
                {
                    "ImageTagMutabilityExclusionFilterType": "WILDCARD",
                    "ImageTagMutabilityExclusionFilterValue": "release",
                }
            ],
        },
    )


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_image_repository_is_retained_when_the_stack_goes(template, env):
    template(env, "ci").has_resource(
        "AWS::ECR::Repository", {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    )


def test_repository_name_setting_names_the_repository(synth_with):
    stack = synth_with(**{"ci.repository_name": "course/app"}).get_stack_by_name("qea-dev-ci")
    Template.from_json(stack.template).has_resource_properties(
        "AWS::ECR::Repository", {"RepositoryName": "course/app"}
    )


# The image release role


def test_dev_image_role_trusts_version_tags_of_the_repository_only(template):
    subjects = trusted_subjects(template("dev", "ci"), "qea-dev-github-image-release")
    assert subjects == ["repo:qea-course/qea-infra:ref:refs/tags/v*"]


def test_prod_image_role_trusts_the_prod_github_environment_only(template):
    subjects = trusted_subjects(template("prod", "ci"), "qea-prod-github-image-release")
    assert subjects == ["repo:qea-course/qea-infra:environment:prod"]


def test_image_role_may_push_to_the_app_repository_only(template):
    statements = statements_of_role(template("dev", "ci"), "qea-dev-github-image-release")
    (repository,) = [s for s in statements if "ecr:PutImage" in actions_of(s)]
    assert repository["Resource"] == {"Fn::GetAtt": ["AppImageRepository18D29F25", "Arn"]}
    assert "ecr:DescribeImages" in actions_of(repository)
    (token,) = [s for s in statements if "ecr:GetAuthorizationToken" in actions_of(s)]
    assert actions_of(token) == ["ecr:GetAuthorizationToken"]


def test_image_role_may_start_an_instance_refresh_of_the_app_group_only(template):
    statements = statements_of_role(template("dev", "ci"), "qea-dev-github-image-release")
    (refresh,) = [s for s in statements if "autoscaling:StartInstanceRefresh" in actions_of(s)]
    assert actions_of(refresh) == ["autoscaling:StartInstanceRefresh"]
    parts = refresh["Resource"]["Fn::Join"][1]
    assert parts[-2] == ":autoScalingGroup:*:autoScalingGroupName/"
    assert parts[-1]["Fn::ImportValue"].startswith("qea-dev-compute:")
    assert "FleetGroup" in parts[-1]["Fn::ImportValue"]


def test_image_role_reads_only_the_ci_stacks_own_outputs(template):
    statements = statements_of_role(template("dev", "ci"), "qea-dev-github-image-release")
    (describe,) = [s for s in statements if "cloudformation:DescribeStacks" in actions_of(s)]
    assert describe["Resource"] == {"Ref": "AWS::StackId"}


def test_no_ci_role_gets_administrator_or_wildcard_actions(template):
    for env in ("dev", "prod"):
        ci = template(env, "ci")
        for role in ci.find_resources("AWS::IAM::Role").values():
            assert "ManagedPolicyArns" not in role["Properties"]
        for policy in ci.find_resources("AWS::IAM::Policy").values():
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                assert all(not a.endswith("*") for a in actions_of(statement)), statement


# Outputs, wiring and warnings


def test_outputs_name_the_roles_repository_release_image_and_group(template):
    outputs = template("dev", "ci").to_json()["Outputs"]
    assert {
        "DeployRoleArn",
        "ReportUploadRoleArn",
        "ImageReleaseRoleArn",
        "ImageRepositoryUri",
        "ReleaseImage",
        "ReleaseTag",
        "AppGroupName",
        "GitHubOidcProviderArn",
    } <= set(outputs)
    assert outputs["ReleaseImage"]["Value"]["Fn::Join"][1][-1] == ":release"


def test_app_has_no_ci_stack_without_a_github_repository(synth_with):
    assembly = synth_with(**{"ci.github_repository": "null"})
    assert "qea-dev-ci" not in [stack.stack_name for stack in assembly.stacks]


def test_prod_without_a_github_environment_warns(synth_with):
    stack = synth_with(
        env="prod", **{"ci.github_environment": "null", "ci.deploy_branches": '["main"]'}
    ).get_stack_by_name("qea-prod-ci")
    warnings = [m for m in stack.messages if NO_ENVIRONMENT_WARNING in str(m.entry.data)]
    assert len(warnings) == 1
    assert "main" in str(warnings[0].entry.data)


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_configured_environments_synthesize_the_ci_stack_without_warnings(assemblies, env):
    stack = assemblies[env].get_stack_by_name(f"qea-{env}-ci")
    assert [
        str(m.entry.data) for m in stack.messages if m.level == SynthesisMessageLevel.WARNING
    ] == []
