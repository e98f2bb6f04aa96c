"""Every cdk-nag finding and construct warning this app accepts, each with its reason.

One place, so that a reviewer sees every exception at once and the README lists them from
here (`python -m stacks.acknowledgements`). Each names one construct (its path below the stack)
and one finding, narrowed to the exact action or resource where cdk-nag reports several. An
entry whose construct no longer exists fails synth; a test synthesizes dev and prod with
cdk-nag and fails on any finding not listed here.
"""

import fnmatch
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aws_cdk import Acknowledgment, Stack, Validations

from constructs import IConstruct
from settings import Settings


def _always(settings: Settings) -> bool:
    return True


@dataclass(frozen=True)
class Acknowledgement:
    layer: str
    """The stack it applies to: network, storage, data, compute or ci."""

    path: str
    """The construct's path below the stack; `*` matches within one step (Replica*)."""

    finding: str
    """The finding as cdk-nag reports it, e.g. `AwsSolutions-IAM5[Resource::*]`; `{project}`
    and `{env}` stand for the project and environment in names of other stacks' exports,
    `{qualifier}` for the CDK bootstrap qualifier (`ci.cdk_qualifier`)."""

    reason: str
    """Why this app accepts it."""

    when: Callable[[Settings], bool] = _always
    """In which settings it applies; elsewhere the finding must not occur."""

    when_text: str = "always"


def _setting(test: Callable[[Settings], bool], text: str) -> dict:
    return {"when": test, "when_text": text}


_S3_WEBSITE = _setting(
    lambda s: s.environment.storage.site == "s3-website", "`storage.site` is s3-website"
)
_CLOUDFRONT = _setting(
    lambda s: s.environment.storage.site == "cloudfront", "`storage.site` is cloudfront"
)
_KMS = _setting(lambda s: s.environment.storage.encryption == "kms", "`storage.encryption` is kms")
_SINGLE_AZ = _setting(lambda s: not s.environment.data.multi_az, "`data.multi_az` is false")
_NO_DELETION_PROTECTION = _setting(
    lambda s: not s.environment.data.deletion_protection, "`data.deletion_protection` is false"
)
_NO_ROTATION = _setting(
    lambda s: s.environment.data.rotation_days is None, "`data.rotation_days` is null"
)
_ROTATION = _setting(
    lambda s: s.environment.data.rotation_days is not None, "`data.rotation_days` is set"
)
_MONITORING = _setting(
    lambda s: s.environment.data.monitoring_interval_seconds > 0,
    "`data.monitoring_interval_seconds` above 0",
)
_MIXED_INSTANCES = _setting(
    lambda s: bool(s.environment.compute.instance_types), "`compute.instance_types` is set"
)
ACKNOWLEDGEMENTS = (
    # storage
    Acknowledgement(
        "storage", "Reports/Bucket", "AwsSolutions-S2",
        "The S3 website site mode serves reports/* and the landing page to anyone: the two "
        "public-policy blocks are off for that read-only policy; ACL blocks stay on.",
        **_S3_WEBSITE,
    ),
    Acknowledgement(
        "storage", "Reports/Bucket", "AwsSolutions-S5",
        "The S3 website site mode has no CloudFront in front by design (the course's static "
        "site exercise); its policy allows only s3:GetObject on the site's keys.",
        **_S3_WEBSITE,
    ),
    Acknowledgement(
        "storage", "Publisher/Function/ServiceRole",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AWSLambdaBasicExecutionRole]",
        "AWS's own policy for a function's logs; the function writes only its log group.",
    ),
    Acknowledgement(
        "storage", "LandingPage/Writer/ServiceRole",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AWSLambdaBasicExecutionRole]",
        "AWS's own policy for a function's logs; the function writes only its log group.",
        when=lambda s: s.environment.storage.landing_page and s.environment.storage.site
        != "private",
        when_text="`storage.landing_page` is on and the site is not private",
    ),
    Acknowledgement(
        "storage", "Publisher/Function/ServiceRole/DefaultPolicy",
        "AwsSolutions-IAM5[Resource::<ReportsBucket95FE29A2.Arn>/incoming/*]",
        "The publisher reads any upload under incoming/: the prefix is the scope.",
    ),
    Acknowledgement(
        "storage", "Publisher/Function/ServiceRole/DefaultPolicy",
        "AwsSolutions-IAM5[Resource::<ReportsBucket95FE29A2.Arn>/reports/*]",
        "The publisher writes and prunes runs anywhere under reports/: the prefix is the scope.",
    ),
    *(
        Acknowledgement(
            "storage",
            f"{writer}/ServiceRole/DefaultPolicy",
            f"AwsSolutions-IAM5[Action::{action}]",
            "CDK's grant on the reports bucket's KMS key; the key is this bucket's alone.",
            **_KMS,
        )
        for writer in ("Publisher/Function", "LandingPage/Writer")
        for action in ("kms:GenerateDataKey*", "kms:ReEncrypt*")
    ),
    Acknowledgement(
        "storage", "Publisher/FailedEvents", "AwsSolutions-SQS3",
        "This queue is itself the publisher's dead-letter queue.",
    ),
    Acknowledgement(
        "storage", "Site/Distribution", "AwsSolutions-CFR1",
        "Test reports for a course team: no country needs to be kept out.", **_CLOUDFRONT,
    ),
    Acknowledgement(
        "storage", "Site/Distribution", "AwsSolutions-CFR2",
        "Static, read-only reports; a WAF's monthly cost is out of proportion here.",
        **_CLOUDFRONT,
    ),
    Acknowledgement(
        "storage", "Site/Distribution", "AwsSolutions-CFR3",
        "CloudFront's standard logs need ACLs on the log bucket, which has ACLs disabled.",
        **_CLOUDFRONT,
    ),
    Acknowledgement(
        "storage", "Site/Distribution", "AwsSolutions-CFR4",
        "The distribution uses the default *.cloudfront.net certificate, whose minimum TLS "
        "version CloudFront fixes; a custom domain's certificate would allow TLS 1.2 only.",
        **_CLOUDFRONT,
    ),
    # data
    Acknowledgement(
        "data", "Database/Writer", "AwsSolutions-RDS10",
        "Deletion protection is a setting: off where the environment is disposable.",
        **_NO_DELETION_PROTECTION,
    ),
    Acknowledgement(
        "data", "Database/Replica*", "AwsSolutions-RDS10",
        "Deletion protection is a setting: off where the environment is disposable.",
        **_NO_DELETION_PROTECTION,
    ),
    Acknowledgement(
        "data", "Database/Writer", "AwsSolutions-RDS11",
        "The default port; only the app's and the rotation function's security groups reach it.",
    ),
    Acknowledgement(
        "data", "Database/Replica*", "AwsSolutions-RDS11",
        "The default port; only the app's and the rotation function's security groups reach it.",
    ),
    Acknowledgement(
        "data", "Database/Replica*", "AwsSolutions-RDS2",
        "A replica inherits its source's encryption and key; RDS rejects the property on it.",
    ),
    Acknowledgement(
        "data", "Database/Writer", "AwsSolutions-RDS3",
        "Multi-AZ is a setting (`data.multi_az`); a single-AZ writer is a choice for cost.",
        **_SINGLE_AZ,
    ),
    Acknowledgement(
        "data", "Database/Replica*", "AwsSolutions-RDS3",
        "Replicas scale reads; the writer is the Multi-AZ one.",
    ),
    Acknowledgement(
        "data", "Database/Writer/Secret", "AwsSolutions-SMG4",
        "Rotation is a setting (`data.rotation_days`), off where the environment is disposable.",
        **_NO_ROTATION,
    ),
    Acknowledgement(
        "data", "Database/MonitoringRole",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AmazonRDSEnhancedMonitoringRole]",
        "The policy AWS keeps for RDS enhanced monitoring.",
        **_MONITORING,
    ),
    Acknowledgement(
        "data", "SecretsManagerEndpoint/SecurityGroup", "AwsSolutions-EC23",
        "The endpoint admits HTTPS from the VPC's own range, an imported value cdk-nag cannot "
        "read.",
        **_ROTATION,
    ),
    # compute
    Acknowledgement(
        "compute", "LoadBalancer/Alb/SecurityGroup", "AwsSolutions-EC23",
        "The app's internet-facing load balancer: its listeners are open to everyone.",
    ),
    Acknowledgement(
        "compute", "Fleet/Role",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
        "AmazonSSMManagedInstanceCore]",
        "Session Manager is the only way onto the instances (no SSH); this is its policy.",
    ),
    Acknowledgement(
        "compute", "Fleet/Role/DefaultPolicy", "AwsSolutions-IAM5[Resource::*]",
        "autoscaling:DescribeAutoScalingInstances and ecr:GetAuthorizationToken take no "
        "resource.",
    ),
    Acknowledgement(
        "compute", "Fleet/Role/DefaultPolicy",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:autoscaling:<AWS::Region>:"
        "<AWS::AccountId>:autoScalingGroup:*:autoScalingGroupName/*]",
        "Completing lifecycle hooks: the statement is limited to this group by its "
        "CloudFormation tags, as the group's ARN would depend on the group.",
    ),
    Acknowledgement(
        "compute", "Fleet/Group/ASG", "AwsSolutions-EC26",
        "The mixed instances policy uses the launch template, whose root volume is encrypted; "
        "cdk-nag does not look through the policy.",
        **_MIXED_INSTANCES,
    ),
    # ci
    Acknowledgement(
        "ci", "Deploy/Role/DefaultPolicy",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/"
        "cdk-{qualifier}-*]",
        "GitHub's deploy role may only assume the CDK bootstrap roles, whose names share this "
        "prefix.",
    ),
    Acknowledgement(
        "ci", "ReportUploader/DefaultPolicy",
        "AwsSolutions-IAM5[Resource::{project}-{env}-storage:"
        "ExportsOutputFnGetAttReportsBucket95FE29A2Arn81EE02E6/incoming/*]",
        "Test jobs upload report zips under incoming/, named by project, branch and run.",
    ),
    Acknowledgement(
        "ci", "ImageReleaser/DefaultPolicy", "AwsSolutions-IAM5[Resource::*]",
        "ecr:GetAuthorizationToken takes no resource.",
    ),
    Acknowledgement(
        "ci", "ImageReleaser/DefaultPolicy",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:autoscaling:<AWS::Region>:"
        "<AWS::AccountId>:autoScalingGroup:*:autoScalingGroupName/{project}-{env}-compute:"
        "ExportsOutputRefFleetGroupASGF037160EC585D6F9]",
        "The instance refresh is allowed on the app's group by name; a group's ARN holds an id "
        "that is not known before it exists.",
    ),
)  # fmt: skip


# The cdk-nag pack's name, which CDK's validation report puts in front of each rule id.
PLUGIN = "AwsSolutions"


class StaleAcknowledgement(ValueError):
    """An acknowledgement names a construct this app no longer has."""


def acknowledge_findings(stacks: Mapping[str, Stack], settings: Settings) -> None:
    """Acknowledges each finding that applies to these settings, on its construct."""
    for acknowledgement in ACKNOWLEDGEMENTS:
        if not acknowledgement.when(settings):
            continue
        stack = stacks.get(acknowledgement.layer)
        if stack is None:
            continue
        targets = _matching(stack, acknowledgement.path)
        if not targets:
            raise StaleAcknowledgement(
                f"stacks/acknowledgements.py: no construct {acknowledgement.path!r} in "
                f"{stack.stack_name} for {acknowledgement.finding}; remove or fix the entry"
            )
        for target in targets:
            finding = acknowledgement.finding.format(
                project=settings.project,
                env=settings.env_name,
                qualifier=settings.environment.ci.cdk_qualifier,
            )
            Validations.of(target).acknowledge(
                Acknowledgment(id=f"{PLUGIN}::{finding}", reason=acknowledgement.reason)
            )


def _matching(stack: Stack, pattern: str) -> list[IConstruct]:
    prefix = stack.node.path + "/"
    return [
        child
        for child in stack.node.find_all()
        if child.node.path.startswith(prefix)
        and fnmatch.fnmatchcase(child.node.path[len(prefix) :], pattern)
    ]


def markdown_table() -> str:
    """The README's table of acknowledgements."""
    lines = ["| stack | construct | finding | when | reason |", "|---|---|---|---|---|"]
    for a in ACKNOWLEDGEMENTS:
        lines.append(f"| {a.layer} | `{a.path}` | `{a.finding}` | {a.when_text} | {a.reason} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(markdown_table() + "\n")
