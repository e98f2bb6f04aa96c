"""The ECR repository of the app's image: scanned, immutable but for the release tag, pruned."""

from aws_cdk import RemovalPolicy
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam

from constructs import Construct


class AppImageRepository(Construct):
    """A private repository for the app's container image.

    Every tag is immutable except `release_tag`, which the image workflow moves onto each new
    version: the instances run `<uri>:<release_tag>`, so an instance refresh rolls them onto
    it, and any earlier version stays pullable under its own tag for a rollback. The
    repository is retained when the stack goes, images and all.

    Args:
        repository_name: the repository's name.
        images_to_keep: newest images the lifecycle policy keeps; older ones expire.
        release_tag: the one mutable tag.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        repository_name: str,
        images_to_keep: int,
        release_tag: str,
    ) -> None:
        super().__init__(scope, id)
        self.release_tag = release_tag

        self.repository = ecr.Repository(
            self,
            "Repository",
            repository_name=repository_name,
            image_scan_on_push=True,
            image_tag_mutability=ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION,
            image_tag_mutability_exclusion_filters=[
                ecr.ImageTagMutabilityExclusionFilter.wildcard(release_tag)
            ],
            lifecycle_rules=[
                ecr.LifecycleRule(
                    rule_priority=1,
                    description=f"Keep the newest {images_to_keep} images",
                    tag_status=ecr.TagStatus.ANY,
                    max_image_count=images_to_keep,
                )
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.release_image = self.repository.repository_uri_for_tag(release_tag)

    def grant_release(self, grantee: iam.IGrantable) -> iam.Grant:
        """Lets `grantee` push versions, check which exist and move the release tag (which
        reads the version's manifest back)."""
        self.repository.grant_pull_push(grantee)
        return self.repository.grant(grantee, "ecr:DescribeImages")
