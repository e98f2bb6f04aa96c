"""Each CI settings rule: a failing input and the message it gets at synth."""

import pytest

from settings import SettingsError, load_settings
from tests.conftest import cdk_context

KEY = r"environments\.dev\.ci\."


def ci_settings(env: str = "dev", **overrides):
    context = cdk_context(env=env, **{f"ci.{k}": v for k, v in overrides.items()})
    return load_settings(context).environment.ci


def test_ci_defaults_leave_the_stack_out_and_trust_main_and_version_tags():
    ci = load_settings(cdk_context(environments={"dev": {}})).environment.ci
    assert ci.github_repository is None
    assert (ci.deploy_branches, ci.image_git_tags, ci.release_tag) == (("main",), "v*", "release")
    assert (ci.images_to_keep, ci.cdk_qualifier, ci.github_environment) == (20, "hnb659fds", None)


def test_prod_deploys_through_the_prod_github_environment():
    assert ci_settings("prod").github_environment == "prod"


# The repository


@pytest.mark.parametrize("value", ["qea-infra", "owner/name/extra", "-owner/name", "own er/x"])
def test_repository_that_is_not_owner_slash_name_fails(value):
    with pytest.raises(
        SettingsError, match=rf"{KEY}github_repository: expected a GitHub repository as owner/name"
    ):
        ci_settings(github_repository=value)


def test_repository_owner_with_a_double_hyphen_fails():
    with pytest.raises(SettingsError, match=rf"{KEY}github_repository: .*got 'a--b/app'"):
        ci_settings(github_repository="a--b/app")


def test_repository_with_dots_and_underscores_in_its_name_passes():
    assert ci_settings(github_repository="qea-course/infra_v2.web").github_repository


# GitHub environments and branches


@pytest.mark.parametrize("value", ["prod:main", "prod*", "pr?d", "production env"])
def test_github_environment_with_claim_characters_fails(value):
    with pytest.raises(
        SettingsError, match=rf"{KEY}github_environment: expected a GitHub environment name"
    ):
        ci_settings(github_environment=value)


@pytest.mark.parametrize("value", ["main*", "feature/../main", "/main", "re lease"])
def test_deploy_branch_that_is_not_a_plain_name_fails(value):
    with pytest.raises(SettingsError, match=rf"{KEY}deploy_branches: \[0\] .*plain branch"):
        ci_settings(deploy_branches=f'["{value}"]')


def test_no_deploy_branch_and_no_github_environment_fails():
    with pytest.raises(
        SettingsError, match=rf"{KEY}deploy_branches: is empty and github_environment"
    ):
        ci_settings(deploy_branches="[]")


def test_no_deploy_branch_passes_with_a_github_environment():
    assert ci_settings(deploy_branches="[]", github_environment="dev").deploy_branches == ()


# Images


@pytest.mark.parametrize("value", ["0", "1001", "-3"])
def test_images_to_keep_outside_1_to_1000_fails(value):
    with pytest.raises(SettingsError, match=rf"{KEY}images_to_keep: .*got '{value}'"):
        ci_settings(images_to_keep=value)


def test_images_to_keep_as_a_word_fails():
    with pytest.raises(SettingsError, match=rf"{KEY}images_to_keep: .*valid integer.*'ten'"):
        ci_settings(images_to_keep="ten")


def test_images_to_keep_from_the_command_line_is_coerced():
    assert ci_settings(images_to_keep="7").images_to_keep == 7


def test_release_tag_inside_the_version_tag_pattern_fails():
    with pytest.raises(
        SettingsError, match=rf"{KEY}release_tag: is 'v-release', which matches image_git_tags"
    ):
        ci_settings(release_tag="v-release")


@pytest.mark.parametrize("value", [".hidden", "-x", "re:lease", "x" * 129])
def test_release_tag_that_is_no_image_tag_fails(value):
    with pytest.raises(SettingsError, match=rf"{KEY}release_tag: expected an image tag"):
        ci_settings(release_tag=value)


@pytest.mark.parametrize("value", ["App", "a", "qea//app", "qea-", "qea_-app"])
def test_repository_name_outside_ecr_rules_fails(value):
    with pytest.raises(SettingsError, match=rf"{KEY}repository_name: expected an ECR repository"):
        ci_settings(repository_name=value)


def test_image_git_tags_with_spaces_fails():
    with pytest.raises(SettingsError, match=rf"{KEY}image_git_tags: .*pattern.*got 'v \*'"):
        ci_settings(image_git_tags="v *")


# The account's provider and the bootstrap qualifier


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:iam::123456789012:oidc-provider/accounts.google.com",
        "arn:aws:iam::12345:oidc-provider/token.actions.githubusercontent.com",
    ],
)
def test_oidc_provider_arn_that_is_not_githubs_fails(value):
    with pytest.raises(SettingsError, match=rf"{KEY}oidc_provider_arn: expected the ARN of GitHub"):
        ci_settings(oidc_provider_arn=value)


@pytest.mark.parametrize("value", ["HNB659FDS", "hnb659fds-x", "abcdefghijk"])
def test_cdk_qualifier_outside_bootstraps_rule_fails(value):
    with pytest.raises(SettingsError, match=rf"{KEY}cdk_qualifier: .*pattern"):
        ci_settings(cdk_qualifier=value)


def test_unknown_ci_key_fails_naming_it():
    with pytest.raises(SettingsError, match=rf"{KEY}github_repo: unknown setting"):
        ci_settings(github_repo="a/b")
