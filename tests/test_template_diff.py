"""`make diff`: CDK's diff of small templates summed up per stack, and one real run on HEAD."""

import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))

import template_diff
from template_diff import (
    ADDED,
    MODIFIED,
    REMOVED,
    ResourceChange,
    StackSummary,
    deleted_stack,
    ordered,
    parse_cdk_diff,
    render,
)

# The shape of `cdk diff` output (aws-cdk 2.1148), trimmed.
CDK_DIFF_OUTPUT = """\
Stack qea-dev-storage
IAM Statement Changes
┌───┬──────────────────────┬────────┬──────────────┐
│   │ Resource             │ Effect │ Action       │
├───┼──────────────────────┼────────┼──────────────┤
│ + │ ${Reports.Arn}/x     │ Allow  │ s3:PutObject │
└───┴──────────────────────┴────────┴──────────────┘

Outputs
[-] Output OldExport: {"Value":"x","Export":{"Name":"qea-dev-storage:Old"}}
[+] Output BucketName: {"Value":{"Ref":"ReportsBucket95FE29A2"}}

Resources
[-] AWS::SQS::Queue OldQueue destroy
[+] AWS::IAM::Policy Writer/DefaultPolicy WriterDefaultPolicyB6E8E7B0
[~] AWS::S3::Bucket Reports/Bucket ReportsBucket95FE29A2 replace
 └─ [-] BucketName (requires replacement)
     └─ old-name
[~] AWS::S3::AccessPoint Uploads/AccessPoint UploadsAccessPoint0660C754 may be replaced
 └─ [~] Bucket (may cause replacement)
[~] AWS::Logs::LogGroup Logs LogsA1B2
 └─ [~] RetentionInDays
[-] AWS::KMS::Key Key KeyC0FFEE orphan
"""


def change(kind: str, logical_id: str, resource_type: str, impact: str = "") -> ResourceChange:
    return ResourceChange(kind, logical_id, resource_type, impact=impact)


# Reading cdk diff's output


def test_parse_reads_each_resource_line_with_type_path_and_impact():
    changes, _, _ = parse_cdk_diff(CDK_DIFF_OUTPUT)
    assert [(c.change, c.logical_id, c.resource_type, c.path, c.impact) for c in changes] == [
        (REMOVED, "OldQueue", "AWS::SQS::Queue", "", "destroy"),
        (ADDED, "WriterDefaultPolicyB6E8E7B0", "AWS::IAM::Policy", "Writer/DefaultPolicy", ""),
        (MODIFIED, "ReportsBucket95FE29A2", "AWS::S3::Bucket", "Reports/Bucket", "replace"),
        (
            MODIFIED,
            "UploadsAccessPoint0660C754",
            "AWS::S3::AccessPoint",
            "Uploads/AccessPoint",
            "may be replaced",
        ),
        (MODIFIED, "LogsA1B2", "AWS::Logs::LogGroup", "Logs", ""),
        (REMOVED, "KeyC0FFEE", "AWS::KMS::Key", "Key", "orphan"),
    ]


def test_parse_reads_outputs_and_marks_exports():
    _, outputs, _ = parse_cdk_diff(CDK_DIFF_OUTPUT)
    assert [(o.change, o.name, o.export) for o in outputs] == [
        (REMOVED, "OldExport", True),
        (ADDED, "BucketName", False),
    ]


def test_parse_notices_iam_statement_changes():
    assert parse_cdk_diff(CDK_DIFF_OUTPUT)[2] is True
    assert parse_cdk_diff("Stack x\nResources\n[+] AWS::SNS::Topic T T1\n")[2] is False


def test_parse_ignores_ansi_colours():
    changes, _, _ = parse_cdk_diff("Resources\n\x1b[32m[+]\x1b[39m AWS::SNS::Topic Topic T1\n")
    assert [(c.change, c.logical_id) for c in changes] == [(ADDED, "T1")]


# What counts as a loss of data, and in which order a reviewer reads it


def test_replaced_or_destroyed_stateful_resource_loses_data_but_an_orphaned_one_does_not():
    assert change(MODIFIED, "B", "AWS::S3::Bucket", "replace").loses_data
    assert change(MODIFIED, "D", "AWS::RDS::DBInstance", "may be replaced").loses_data
    assert change(REMOVED, "S", "AWS::SecretsManager::Secret", "destroy").loses_data
    assert not change(REMOVED, "K", "AWS::KMS::Key", "orphan").loses_data
    assert not change(MODIFIED, "G", "AWS::Logs::LogGroup").loses_data
    assert not change(MODIFIED, "P", "AWS::S3::AccessPoint", "replace").loses_data


def test_data_losses_come_first_then_replacements_removals_modifications_additions():
    changes = [
        change(ADDED, "A", "AWS::SNS::Topic"),
        change(MODIFIED, "M", "AWS::Lambda::Function"),
        change(REMOVED, "R", "AWS::SQS::Queue", "destroy"),
        change(MODIFIED, "P", "AWS::S3::AccessPoint", "replace"),
        change(MODIFIED, "B", "AWS::S3::Bucket", "replace"),
    ]
    assert [c.logical_id for c in ordered(changes)] == ["B", "P", "R", "M", "A"]


def test_render_leads_with_the_stateful_replacements_and_marks_them():
    summary = StackSummary(
        stack="qea-dev-storage",
        changes=[
            change(ADDED, "Topic1", "AWS::SNS::Topic"),
            change(MODIFIED, "ReportsBucket1", "AWS::S3::Bucket", "replace"),
        ],
    )
    text = render([summary], base="HEAD~1", env="dev")
    header, _, body = text.partition("## qea-dev-storage")
    assert "STATEFUL RESOURCES REPLACED OR DELETED: 1" in header
    assert "`qea-dev-storage` ReportsBucket1 (AWS::S3::Bucket): replace" in header
    assert body.startswith(": 1 added, 0 removed, 1 modified, 1 replaced")
    rows = [line for line in body.splitlines() if line.startswith("| ")][1:]
    assert rows[0].startswith("| **STATEFUL** | modified, replace | ReportsBucket1 |")
    assert rows[1].startswith("|  | added | Topic1 |")


def test_render_without_stateful_losses_has_no_warning():
    summary = StackSummary(stack="s", changes=[change(ADDED, "T", "AWS::SNS::Topic")])
    assert "STATEFUL" not in render([summary], base="HEAD~1", env="dev")


def test_deleted_stack_destroys_its_resources_except_retained_ones():
    base = {
        "Resources": {
            "Data": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"},
            "Jobs": {"Type": "AWS::SQS::Queue"},
            "Secret": {"Type": "AWS::SecretsManager::Secret", "DeletionPolicy": "Delete"},
            "CDKMetadata": {"Type": "AWS::CDK::Metadata"},
        }
    }
    summary = deleted_stack("qea-dev-old", base)
    assert summary.status == "deleted"
    assert {(c.logical_id, c.impact) for c in summary.changes} == {
        ("Data", "orphan"),
        ("Jobs", "destroy"),
        ("Secret", "destroy"),
    }
    assert [c.logical_id for c in summary.data_losses] == ["Secret"]


# CDK's own diff of small synthesized apps


def small_assembly(outdir: Path, *, head: bool) -> Path:
    """A tiny app: `Small` in both, `Gone` in the base only, `Fresh` in the head only."""
    app = cdk.App(outdir=str(outdir), analytics_reporting=False)
    small = cdk.Stack(app, "Small")
    cdk.CfnResource(
        small,
        "Data",
        type="AWS::S3::Bucket",
        properties={} if head else {"BucketName": "small-data-old"},
    )
    cdk.CfnResource(
        small, "Logs", type="AWS::Logs::LogGroup", properties={"RetentionInDays": 14 if head else 7}
    )
    if head:
        cdk.CfnResource(small, "Alerts", type="AWS::SNS::Topic")
        fresh = cdk.Stack(app, "Fresh")
        cdk.CfnResource(fresh, "Queue", type="AWS::SQS::Queue")
    else:
        cdk.CfnResource(small, "Jobs", type="AWS::SQS::Queue")
        cdk.CfnOutput(small, "Shared", value="x", export_name="small-shared")
        gone = cdk.Stack(app, "Gone")
        cdk.CfnResource(gone, "Secret", type="AWS::SecretsManager::Secret")
    app.synth()
    return outdir


@pytest.fixture(scope="module")
def small_summaries(tmp_path_factory) -> dict[str, StackSummary]:
    scratch = tmp_path_factory.mktemp("template-diff")
    base = small_assembly(scratch / "base", head=False)
    head = small_assembly(scratch / "head", head=True)
    return {s.stack: s for s in template_diff.summarize(head, base, scratch)}


def test_cdk_diff_finds_the_replaced_bucket_and_marks_it_stateful(small_summaries):
    (loss,) = small_summaries["Small"].data_losses
    assert (loss.logical_id, loss.resource_type, loss.impact) == (
        "Data",
        "AWS::S3::Bucket",
        "replace",
    )


def test_cdk_diff_counts_added_removed_and_modified_resources(small_summaries):
    small = small_summaries["Small"]
    assert [c.logical_id for c in small.of(ADDED)] == ["Alerts"]
    assert [(c.logical_id, c.impact) for c in small.of(REMOVED)] == [("Jobs", "destroy")]
    assert sorted(c.logical_id for c in small.of(MODIFIED)) == ["Data", "Logs"]
    assert [c.logical_id for c in small.replaced] == ["Data"]


def test_cdk_diff_reports_the_removed_export(small_summaries):
    outputs = small_summaries["Small"].outputs
    assert [(o.change, o.name, o.export) for o in outputs] == [(REMOVED, "Shared", True)]
    assert "Exports removed: Shared" in render(list(small_summaries.values()), base="b", env="e")


def test_stack_missing_from_the_base_is_new_with_all_its_resources_added(small_summaries):
    fresh = small_summaries["Fresh"]
    assert fresh.status == "new"
    assert [(c.change, c.logical_id) for c in fresh.changes] == [(ADDED, "Queue")]


def test_stack_missing_from_the_head_is_deleted_and_its_secret_lost(small_summaries):
    gone = small_summaries["Gone"]
    assert gone.status == "deleted"
    assert [c.logical_id for c in gone.data_losses] == ["Secret"]


# A real run on this repository


def test_make_diff_against_head_summarizes_every_stack():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "template_diff.py"), "--base", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        # About 30 s on an idle machine: two synths side by side, then the diffs.
        timeout=180,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Template diff: `HEAD` to the working tree, env `dev`")
    for layer in ("network", "storage", "data", "compute", "ci"):
        assert f"## qea-dev-{layer}" in result.stdout


def test_output_option_writes_the_summary_to_a_file(small_summaries, tmp_path, monkeypatch):
    monkeypatch.setattr(template_diff, "synthesize_ref", lambda *args: None)
    monkeypatch.setattr(template_diff, "synthesize", lambda *args: None)
    monkeypatch.setattr(template_diff, "summarize", lambda *args: list(small_summaries.values()))
    target = tmp_path / "diff.md"

    assert template_diff.main(["--base", "HEAD", "--output", str(target)]) == 0

    assert target.read_text().startswith("# Template diff: `HEAD` to the working tree")
    assert "## Small" in target.read_text()


def test_unknown_base_ref_fails_naming_the_fix():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "template_diff.py"), "--base", "no-such-ref"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "BASE=no-such-ref is not a commit here; try BASE=HEAD~1" in result.stderr
