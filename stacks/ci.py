"""The CI stack: what GitHub Actions may do in this account, and where the app's image lives."""

from aws_cdk import Annotations, Aws, CfnOutput, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from constructs import Construct
from constructs.app_image_repository import AppImageRepository
from constructs.github_deploy_role import GitHubDeployRole
from constructs.github_oidc import GitHubOidc, repository_subjects
from settings.ci import CiSettings
from settings.storage import INCOMING_PREFIX

NO_ENVIRONMENT_WARNING = "qea:ci-prod-without-environment"


class CiStack(Stack):
    """Three roles for GitHub Actions of one repository, and the app's image repository.

    - `deploy_role`: jobs on the deploy branches (or in the GitHub environment) run
      `cdk deploy` through CDK's bootstrap roles, and nothing else.
    - `upload_role`: any job of the repository may put report zips under `incoming/`.
    - `image_role`: tag jobs (or jobs in the environment) push the app's image, move its
      release tag and start an instance refresh of the app's group.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: CiSettings,
        project: str,
        env_name: str,
        bucket: s3.IBucket,
        group: autoscaling.IAutoScalingGroup,
        **kwargs,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        if settings.github_repository is None:
            raise ValueError("the CI stack needs ci.github_repository")
        repository = settings.github_repository
        prefix = f"{project}-{env_name}"
        if env_name == "prod" and settings.github_environment is None:
            Annotations.of(self).add_warning_v2(
                NO_ENVIRONMENT_WARNING,
                "ci.github_environment is not set for prod: any push to "
                f"{', '.join(settings.deploy_branches)} deploys to prod without a review. Set "
                "it to a GitHub environment with required reviewers, or acknowledge this",
            )

        github = GitHubOidc(self, "GitHub", provider_arn=settings.oidc_provider_arn)

        self.deploy_role = GitHubDeployRole(
            self,
            "Deploy",
            principal=github.principal(
                repository_subjects(
                    repository,
                    environment=settings.github_environment,
                    branches=settings.deploy_branches,
                )
            ),
            role_name=f"{prefix}-github-deploy",
            qualifier=settings.cdk_qualifier,
        ).role

        self.upload_role = iam.Role(
            self,
            "ReportUploader",
            role_name=f"{prefix}-github-report-upload",
            assumed_by=github.principal([f"repo:{repository}:*"]),
            description="GitHub Actions test jobs: may only put report zips under incoming/",
        )
        self._grant_report_upload(self.upload_role, bucket)

        self.images = AppImageRepository(
            self,
            "AppImage",
            repository_name=settings.repository_name or f"{prefix}-app",
            images_to_keep=settings.images_to_keep,
            release_tag=settings.release_tag,
        )
        self.image_role = iam.Role(
            self,
            "ImageReleaser",
            role_name=f"{prefix}-github-image-release",
            assumed_by=github.principal(
                repository_subjects(
                    repository,
                    environment=settings.github_environment,
                    tags=[settings.image_git_tags],
                )
            ),
            description="GitHub Actions tag jobs: push the app image, refresh the app's group",
        )
        self.images.grant_release(self.image_role)
        self._grant_instance_refresh(self.image_role, group)
        # The image workflow reads the repository and the group from this stack's outputs.
        self.image_role.add_to_policy(
            iam.PolicyStatement(
                sid="ReadCiStackOutputs",
                actions=["cloudformation:DescribeStacks"],
                resources=[self.stack_id],
            )
        )

        CfnOutput(self, "GitHubOidcProviderArn", value=github.provider_arn)
        CfnOutput(self, "DeployRoleArn", value=self.deploy_role.role_arn)
        CfnOutput(self, "ReportUploadRoleArn", value=self.upload_role.role_arn)
        CfnOutput(self, "ImageReleaseRoleArn", value=self.image_role.role_arn)
        CfnOutput(self, "ImageRepositoryUri", value=self.images.repository.repository_uri)
        CfnOutput(
            self,
            "ReleaseImage",
            value=self.images.release_image,
            description="Set compute.container.image to this once the first image is pushed",
        )
        CfnOutput(self, "ReleaseTag", value=settings.release_tag)
        CfnOutput(self, "AppGroupName", value=group.auto_scaling_group_name)

    @staticmethod
    def _grant_report_upload(role: iam.IRole, bucket: s3.IBucket) -> None:
        # Only s3:PutObject: no multipart abort, tagging, ACLs or reads; zips are small.
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="PutReportZips",
                actions=["s3:PutObject"],
                resources=[bucket.arn_for_objects(f"{INCOMING_PREFIX}*")],
            )
        )
        if bucket.encryption_key is not None:
            bucket.encryption_key.grant(role, "kms:GenerateDataKey")

    @staticmethod
    def _grant_instance_refresh(role: iam.IRole, group: autoscaling.IAutoScalingGroup) -> None:
        # A group's ARN holds a UUID that CloudFormation does not return, hence the wildcard.
        group_arn = (
            f"arn:{Aws.PARTITION}:autoscaling:{Aws.REGION}:{Aws.ACCOUNT_ID}:autoScalingGroup:"
            f"*:autoScalingGroupName/{group.auto_scaling_group_name}"
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="RefreshAppGroup",
                actions=["autoscaling:StartInstanceRefresh"],
                resources=[group_arn],
            )
        )
        # DescribeInstanceRefreshes has no resource-level permissions.
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="WatchRefresh",
                actions=["autoscaling:DescribeInstanceRefreshes"],
                resources=["*"],
            )
        )
