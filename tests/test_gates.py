"""Gates on every synthesized template: cdk-nag, cfn-lint, and a clean synth.

Each gate also has a test that plants a violation and expects the gate to catch it, so that a
gate that silently stopped checking fails here.
"""

import fnmatch
import json
import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks

from settings import load_settings
from stacks import acknowledgements
from tests.conftest import ENVIRONMENTS, ROOT, cdk_context


def validation_report(assembly) -> dict:
    report = json.loads((Path(assembly.directory) / "validation-report.json").read_text())
    (plugin,) = [p for p in report["pluginReports"] if p["pluginName"] == "AwsSolutions"]
    return plugin


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_cdk_nag_finds_nothing_unacknowledged(assemblies, env):
    report = validation_report(assemblies[env])
    assert report["conclusion"] == "success"
    assert report["violations"] == []


def test_every_acknowledgement_that_applies_to_dev_or_prod_is_used_there(assemblies):
    unused = []
    for env in ENVIRONMENTS:
        settings = load_settings(cdk_context(env=env))
        used = set()
        for suppressed in validation_report(assemblies[env])["suppressedViolations"]:
            stack, _, path = suppressed["acknowledgedAt"].partition("/")
            rule = suppressed["acknowledgedId"].removeprefix(f"{acknowledgements.PLUGIN}::")
            used.add((stack.rsplit("-", 1)[-1], path, rule))
        for a in acknowledgements.ACKNOWLEDGEMENTS:
            if not a.when(settings):
                continue
            finding = a.finding.format(
                project=settings.project,
                env=env,
                qualifier=settings.environment.ci.cdk_qualifier,
            )
            if not any(
                layer == a.layer and fnmatch.fnmatchcase(path, a.path) and rule == finding
                for layer, path, rule in used
            ):
                unused.append((env, a.layer, a.path, a.finding))
    assert unused == [], "these acknowledgements match no finding any more: remove them"


def planted_app(tmp_path, build) -> cdk.App:
    app = cdk.App(outdir=str(tmp_path), analytics_reporting=False)
    stack = cdk.Stack(app, "Planted")
    build(stack)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


def test_cdk_nag_fails_a_security_group_open_to_the_internet(tmp_path):
    def build(stack):
        vpc = ec2.Vpc(stack, "Vpc", max_azs=1, restrict_default_security_group=False)
        group = ec2.SecurityGroup(stack, "Open", vpc=vpc, description="planted")
        group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22), "planted")

    with pytest.raises(Exception, match="ValidationFailed"):
        planted_app(tmp_path, build).synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    rules = {v["ruleName"] for p in report["pluginReports"] for v in p["violations"]}
    assert "AwsSolutions-EC23" in rules


def test_cdk_nag_fails_a_public_bucket_without_acknowledgement(tmp_path):
    def build(stack):
        s3.Bucket(
            stack,
            "Public",
            block_public_access=s3.BlockPublicAccess(
                block_public_acls=False,
                ignore_public_acls=False,
                block_public_policy=False,
                restrict_public_buckets=False,
            ),
            enforce_ssl=True,
        )

    with pytest.raises(Exception, match="ValidationFailed"):
        planted_app(tmp_path, build).synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    rules = {v["ruleName"] for p in report["pluginReports"] for v in p["violations"]}
    assert "AwsSolutions-S2" in rules


def test_an_acknowledgement_of_a_missing_construct_fails_synth(monkeypatch):
    stale = acknowledgements.Acknowledgement(
        "storage", "Reports/NoSuchBucket", "AwsSolutions-S1", "planted"
    )
    monkeypatch.setattr(acknowledgements, "ACKNOWLEDGEMENTS", (stale,))
    settings = load_settings(cdk_context())
    app = cdk.App(context=cdk_context(), analytics_reporting=False)
    from app import wire_stacks

    stacks = wire_stacks(app, settings)
    with pytest.raises(acknowledgements.StaleAcknowledgement, match="Reports/NoSuchBucket"):
        acknowledgements.acknowledge_findings(stacks, settings)


def cfn_lint(paths: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--format", "parseable", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cfn_lint_passes_every_template_of_dev_and_prod(assemblies):
    templates = [
        Path(assemblies[env].directory) / stack.template_file
        for env in ENVIRONMENTS
        for stack in assemblies[env].stacks
    ]
    result = cfn_lint(templates)
    assert (result.returncode, result.stdout) == (0, "")


def test_cfn_lint_fails_a_planted_invalid_template(tmp_path):
    template = tmp_path / "planted.template.json"
    template.write_text(
        json.dumps(
            {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"Delay": 5}}}}
        )
    )
    result = cfn_lint([template])
    assert result.returncode != 0
    assert "E3002" in result.stdout


def test_a_single_az_writer_is_acknowledged_only_when_multi_az_is_off(synth_with):
    assembly = synth_with(**{"data.multi_az": "false"})

    report = validation_report(assembly)
    assert report["conclusion"] == "success"
    writer_rds3 = [
        s
        for s in report["suppressedViolations"]
        if s["ruleName"] == "AwsSolutions-RDS3" and s["acknowledgedAt"].endswith("/Writer")
    ]
    assert len(writer_rds3) == 1
