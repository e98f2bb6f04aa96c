"""Settings of the CI stack: who on GitHub may deploy, publish reports and release images."""

import fnmatch
import re
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from .base import SettingsModel, setting_error

# GitHub's rule for owner (user or organisation) and repository names.
_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
_REPOSITORY = r"[A-Za-z0-9._-]{1,100}"
_GITHUB_REPOSITORY = re.compile(rf"^{_OWNER}/{_REPOSITORY}$")
# Names end up in the token's `sub` claim, matched with StringLike: a `:` would shift the
# claim's fields and `*` or `?` would widen the match, so both are kept out.
_GITHUB_ENVIRONMENT = re.compile(r"^[A-Za-z0-9_.-]{1,255}$")
_BRANCH = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")
# ECR's rule for repository names.
_ECR_REPOSITORY = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")
_IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_GIT_TAG_PATTERN = re.compile(r"^[A-Za-z0-9_.*/-]{1,100}$")
_OIDC_PROVIDER_ARN = re.compile(
    r"^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/token\.actions\.githubusercontent\.com$"
)


class CiSettings(SettingsModel):
    """The pipeline's side in AWS; the whole stack is left out while `github_repository` is."""

    github_repository: str | None = None
    """The GitHub repository whose workflows may use the CI roles, as `owner/name`. Left out,
    the app has no CI stack."""

    github_environment: str | None = None
    """A GitHub environment (e.g. `prod`, protected by required reviewers) that deploy and
    image jobs must run in to assume their roles; left out, the deploy role trusts pushes to
    `deploy_branches` and the image role trusts tags matching `image_git_tags`."""

    deploy_branches: tuple[str, ...] = ("main",)
    """Branches whose workflows may assume the deploy role, when `github_environment` is left
    out. Exact names, no wildcards."""

    image_git_tags: Annotated[str, Field(pattern=_GIT_TAG_PATTERN.pattern)] = "v*"
    """The git tags that build and release the app's image (a `*` wildcard pattern), when
    `github_environment` is left out; the image workflow triggers on the same pattern."""

    oidc_provider_arn: str | None = None
    """An existing GitHub OIDC provider of this account (one per account and URL). Left out,
    this stack creates it; set it for a second environment in the same account."""

    cdk_qualifier: Annotated[str, Field(pattern=r"^[a-z0-9]{1,10}$")] = "hnb659fds"
    """The CDK bootstrap qualifier: the deploy role may assume `cdk-<qualifier>-*` roles only."""

    repository_name: str | None = None
    """The app image's ECR repository name; left out, `<project>-<env>-app`."""

    images_to_keep: Annotated[int, Field(ge=1, le=1000)] = 20
    """Newest images the repository's lifecycle policy keeps; older ones expire."""

    release_tag: str = "release"
    """The one mutable tag in the otherwise immutable repository: the image workflow moves it
    to each new version, and the instances run `<repository>:<release_tag>`."""

    @field_validator("github_repository")
    @classmethod
    def _owner_and_name(cls, value: str | None) -> str | None:
        if value is not None and not _GITHUB_REPOSITORY.match(value):
            raise ValueError(
                "expected a GitHub repository as owner/name, e.g. qea-course/qea-infra: an "
                "owner of letters, digits and single hyphens, a name of letters, digits, "
                "`.`, `_` and `-`"
            )
        return value

    @field_validator("github_environment")
    @classmethod
    def _environment_name(cls, value: str | None) -> str | None:
        if value is not None and not _GITHUB_ENVIRONMENT.match(value):
            raise ValueError(
                "expected a GitHub environment name of letters, digits, `.`, `_` and `-` "
                "(no `:`, `*`, `?` or spaces, which would change the role's trust), e.g. prod"
            )
        return value

    @field_validator("deploy_branches")
    @classmethod
    def _branch_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for index, branch in enumerate(value):
            if not _BRANCH.match(branch) or ".." in branch or branch.endswith(".lock"):
                raise ValueError(
                    f"[{index}] {branch!r} is not a plain branch name; expected names such as "
                    "main or release/1.x, without wildcards, spaces, `:` or `..`"
                )
        return value

    @field_validator("oidc_provider_arn")
    @classmethod
    def _github_provider(cls, value: str | None) -> str | None:
        if value is not None and not _OIDC_PROVIDER_ARN.match(value):
            raise ValueError(
                "expected the ARN of GitHub's OIDC provider, "
                "arn:aws:iam::<12 digits>:oidc-provider/token.actions.githubusercontent.com"
            )
        return value

    @field_validator("repository_name")
    @classmethod
    def _ecr_name(cls, value: str | None) -> str | None:
        if value is not None and not (2 <= len(value) <= 256 and _ECR_REPOSITORY.match(value)):
            raise ValueError(
                "expected an ECR repository name of 2 to 256 lowercase letters, digits and "
                "single `.`, `_`, `-` or `/` between them, e.g. qea-dev-app"
            )
        return value

    @field_validator("release_tag")
    @classmethod
    def _image_tag(cls, value: str) -> str:
        if not _IMAGE_TAG.match(value):
            raise ValueError(
                "expected an image tag of up to 128 letters, digits, `_`, `.` and `-`, not "
                "starting with `.` or `-`, e.g. release"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "CiSettings":
        if self.github_environment is None and not self.deploy_branches:
            raise setting_error(
                "deploy_branches",
                "is empty and github_environment is left out, so nobody could deploy; list a "
                "branch such as main, or set github_environment",
            )
        if fnmatch.fnmatchcase(self.release_tag, self.image_git_tags):
            raise setting_error(
                "release_tag",
                f"is {self.release_tag!r}, which matches image_git_tags "
                f"({self.image_git_tags!r}): a version would land on the mutable tag; choose "
                "a release_tag outside that pattern",
            )
        return self
