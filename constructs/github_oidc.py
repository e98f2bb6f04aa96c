"""GitHub Actions' OpenID Connect provider, and the trust of roles in tokens it issues."""

from collections.abc import Sequence

from aws_cdk import aws_iam as iam

from constructs import Construct

GITHUB_ISSUER = "token.actions.githubusercontent.com"
AUDIENCE = "sts.amazonaws.com"


class GitHubOidc(Construct):
    """The account's provider for GitHub Actions' tokens: created here, or an existing one.

    IAM holds one provider per issuer URL and account, so a second environment in the same
    account passes `provider_arn` instead of creating another. The provider is the native
    `AWS::IAM::OIDCProvider`: `iam.OpenIdConnectProvider` would hide a custom resource.

    Args:
        provider_arn: an existing provider's ARN; None creates the provider.
    """

    def __init__(self, scope: Construct, id: str, *, provider_arn: str | None = None) -> None:
        super().__init__(scope, id)
        if provider_arn is None:
            # No thumbprints: IAM verifies GitHub's certificate through its own trusted CAs.
            self.provider: iam.IOidcProvider = iam.OidcProviderNative(
                self, "Provider", url=f"https://{GITHUB_ISSUER}", client_ids=[AUDIENCE]
            )
        else:
            self.provider = iam.OidcProviderNative.from_oidc_provider_arn(
                self, "Provider", provider_arn
            )
        self.provider_arn = self.provider.oidc_provider_arn

    def principal(self, subjects: Sequence[str]) -> iam.IPrincipal:
        """Workflows whose token's `sub` claim matches one of `subjects` (`*` a wildcard),
        with this account's STS as the audience."""
        if not subjects:
            raise ValueError("a GitHub role needs at least one subject to trust")
        return iam.WebIdentityPrincipal(
            self.provider_arn,
            conditions={
                "StringEquals": {f"{GITHUB_ISSUER}:aud": AUDIENCE},
                "StringLike": {f"{GITHUB_ISSUER}:sub": list(subjects)},
            },
        )


def repository_subjects(
    repository: str,
    *,
    environment: str | None = None,
    branches: Sequence[str] = (),
    tags: Sequence[str] = (),
) -> list[str]:
    """The `sub` claims of `repository`'s jobs: in `environment` if given (GitHub then puts
    the environment in the claim, whatever the ref), else on the branches and tags."""
    if environment is not None:
        return [f"repo:{repository}:environment:{environment}"]
    return [f"repo:{repository}:ref:refs/heads/{branch}" for branch in branches] + [
        f"repo:{repository}:ref:refs/tags/{tag}" for tag in tags
    ]
