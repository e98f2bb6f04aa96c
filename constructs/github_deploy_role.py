"""The role GitHub Actions deploys with: it can do nothing but assume CDK's bootstrap roles."""

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

from constructs import Construct


class GitHubDeployRole(Construct):
    """A role for `cdk deploy` from GitHub Actions, allowed only to assume the bootstrap roles.

    The bootstrap roles (deploy, file and image publishing, lookup) already hold what a
    deployment needs, and CloudFormation acts with the bootstrap execution role; so the
    workflow's own credentials carry no right to change anything themselves.

    Args:
        principal: who may assume the role (GitHub's tokens for one repository and ref or
            environment).
        role_name: the role's name, so that workflows can name its ARN.
        qualifier: the CDK bootstrap qualifier of the target account.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        principal: iam.IPrincipal,
        role_name: str,
        qualifier: str,
    ) -> None:
        super().__init__(scope, id)
        self.bootstrap_roles_arn = (
            f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/cdk-{qualifier}-*"
        )

        self.role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            assumed_by=principal,
            description="GitHub Actions deploys: may only assume the CDK bootstrap roles",
        )

        # The CDK CLI tags the sessions it opens on the bootstrap roles, whose trust allows it.
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="AssumeCdkBootstrapRoles",
                actions=["sts:AssumeRole", "sts:TagSession"],
                resources=[self.bootstrap_roles_arn],
            )
        )
