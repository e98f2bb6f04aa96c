"""How much of each stack the emulator really made, so nobody takes a local run for proof.

Compares each synthesized template in cdk.out with what the emulator's CloudFormation reports
(describe_stack_resources): a template resource missing there was accepted but dropped; a
created resource of a type in KNOWN_LIMITS exists only as a record whose behaviour never runs.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

# Types the emulator creates as records only: what a test there cannot prove about them.
KNOWN_LIMITS: dict[str, str] = {
    "AWS::SecretsManager::RotationSchedule": "recorded on the secret; no rotation ever runs",
    "AWS::SecretsManager::ResourcePolicy": "stored on the secret, not enforced",
    "AWS::S3::BucketPolicy": "only unconditional statements for everyone (*) are enforced",
    "AWS::S3::AccessPoint": "recorded with its alias; its policy is not enforced",
    "AWS::SNS::TopicPolicy": "stored on the topic, not enforced",
    "AWS::SQS::QueuePolicy": "stored on the queue, not enforced",
    "AWS::CloudFront::Distribution": "recorded with a domain name that nothing serves",
    "AWS::CloudFront::Function": "code stored, never run",
    "AWS::CloudWatch::Alarm": "stored, never evaluated; no action fires",
    "AWS::AutoScaling::ScalingPolicy": "recorded, never executed",
    "AWS::AutoScaling::LifecycleHook": "recorded; instances never wait in it",
    "AWS::AutoScaling::AutoScalingGroup": "instances are records: no container runs, no health",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "its DNS name does not resolve; no traffic",
    "AWS::Lambda::Function": "created; moto runs code only with a Docker engine",
    "AWS::Lambda::EventInvokeConfig": "stored on the function; no retries happen",
    "AWS::RDS::DBInstance": "a record with an endpoint; no database engine answers",
    "AWS::IAM::OIDCProvider": "recorded; no web identity token is exchanged",
}
# Template entries that are not resources of the deployment.
NOT_RESOURCES = {"AWS::CDK::Metadata"}


@dataclass(frozen=True)
class StackFidelity:
    """One stack: how many of its template's resources exist in the emulator, and what is not."""

    stack_name: str
    deployed: bool
    template_resources: int
    created: int
    dropped: dict[str, int] = field(default_factory=dict)  # type -> resources not created
    records_only: dict[str, int] = field(default_factory=dict)  # type -> created, not run
    # Template macros (e.g. Secrets Manager's hosted rotation) that moto does not expand.
    transforms: tuple[str, ...] = ()


def synthesized_templates(cdk_out: Path) -> dict[str, Path]:
    """Stack name -> template file, from cdk.out's manifest (or the file names without one)."""
    manifest = cdk_out / "manifest.json"
    if not manifest.exists():
        return {p.name.removesuffix(".template.json"): p for p in cdk_out.glob("*.template.json")}
    templates = {}
    for artifact_id, artifact in json.loads(manifest.read_text())["artifacts"].items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        props = artifact.get("properties", {})
        name = props.get("stackName", artifact_id)
        templates[name] = cdk_out / props["templateFile"]
    return templates


def summarize(endpoint: str, cdk_out: Path, region: str = "us-east-1") -> list[StackFidelity]:
    """Per synthesized stack, what the emulator at `endpoint` created from it."""
    cloudformation = boto3.client(
        "cloudformation",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
    )
    live = {
        s["StackName"]
        for s in cloudformation.describe_stacks()["Stacks"]
        if s["StackStatus"] != "DELETE_COMPLETE"
    }

    summaries = []
    for name, template_file in sorted(synthesized_templates(cdk_out).items()):
        template = json.loads(template_file.read_text())
        declared = {
            logical_id: resource["Type"]
            for logical_id, resource in template.get("Resources", {}).items()
            if resource["Type"] not in NOT_RESOURCES
        }
        if name not in live:
            summaries.append(StackFidelity(name, False, len(declared), 0))
            continue
        try:
            resources = cloudformation.describe_stack_resources(StackName=name)["StackResources"]
        except (ClientError, ResponseParserError):
            # moto answers 500 for a stack a failed deploy left half made: count it as absent.
            summaries.append(StackFidelity(name, False, len(declared), 0))
            continue
        # moto lists a dropped resource too, as an entry without a logical id.
        created_ids = {r["LogicalResourceId"] for r in resources if r.get("LogicalResourceId")}
        summaries.append(compare(name, declared, created_ids, _transforms(template)))
    return summaries


def _transforms(template: dict) -> tuple[str, ...]:
    transform = template.get("Transform") or ()
    return (transform,) if isinstance(transform, str) else tuple(transform)


def compare(
    stack_name: str,
    declared: dict[str, str],
    created_ids: set[str],
    transforms: tuple[str, ...] = (),
) -> StackFidelity:
    """Sort a stack's declared resources (logical id -> type) into created, dropped, records."""
    created = {i: t for i, t in declared.items() if i in created_ids}
    dropped = Counter(t for i, t in declared.items() if i not in created_ids)
    records = Counter(t for t in created.values() if t in KNOWN_LIMITS)
    return StackFidelity(
        stack_name,
        True,
        len(declared),
        len(created),
        dict(sorted(dropped.items())),
        dict(sorted(records.items())),
        transforms,
    )


def format_summary(summaries: list[StackFidelity]) -> str:
    """The summary as lines for a terminal: one heading per stack, then what is not real."""
    if not summaries:
        return "emulator fidelity: no synthesized stacks found (run `npx cdk synth` first)"
    lines = ["emulator fidelity (what a local deploy does not prove):"]
    for stack in summaries:
        if not stack.deployed:
            lines.append(f"  {stack.stack_name}: not deployed")
            continue
        lines.append(
            f"  {stack.stack_name}: {stack.created} of {stack.template_resources} resources created"
        )
        for resource_type, count in stack.dropped.items():
            lines.append(f"    not emulated, dropped by moto: {resource_type} x{count}")
        for transform in stack.transforms:
            lines.append(f"    transform not expanded: {transform} (what it adds is missing)")
        for resource_type, count in stack.records_only.items():
            reason = KNOWN_LIMITS[resource_type]
            lines.append(f"    record only: {resource_type} x{count}: {reason}")
    return "\n".join(lines)
