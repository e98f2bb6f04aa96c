"""`make deploy`: every stack into the local emulator with the real CDK CLI, then a report.

Starts (or reuses) the emulator, bootstraps it once, runs `cdk deploy --all` with the direct
method, says per stack what was emulated, prints the outputs, publishes the committed Allure 2
fixture report into the deployed bucket and checks that its URL serves the report's index.html.
"""

import argparse
import contextlib
import fcntl
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3

from emulator import fidelity, server
from settings import SettingsError, load_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
GITHUB_ISSUER = "token.actions.githubusercontent.com"  # as in constructs/github_oidc.py
# What moto leaves of a stack whose creation failed.
FAILED_CREATION = ("CREATE_IN_PROGRESS", "CREATE_PENDING", "CREATE_FAILED", "ROLLBACK_COMPLETE")
SAMPLE_REPORT = REPO_ROOT / "tests" / "fixtures" / "reports" / "allure2"
# moto's change-set path records no outputs or exports, so dependent stacks would fail with
# "No export named ..."; the direct method creates and updates stacks without change sets.
DEPLOY_FLAGS = (
    "--all",
    "--require-approval",
    "never",
    "--method=direct",
    "--progress",
    "events",
)
SHOWN_OUTPUTS = {
    "storage": ("ReportsBucketName", "ReportsBaseUrl", "UploadAccessPointAlias"),
    "data": (
        "WriterEndpoint",
        "WriterPort",
        "SecretArn",
        "AlarmTopicArn",
    ),
    "compute": ("LoadBalancerDnsName", "AppUrl", "GroupName", "DashboardName"),
    "network": ("VpcId",),
}


class DeployError(RuntimeError):
    """A step of the local deployment failed; the message says which and what to look at."""


def emulator_environment(endpoint: str) -> dict[str, str]:
    """The process environment that points the CDK CLI and boto3 at the emulator."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key not in ("CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION")
    }
    environment.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return environment


def client(service: str, environment: dict[str, str]):
    """A boto3 client for the AWS that `environment` points at (the emulator's, or real AWS)."""
    session = boto3.Session(
        aws_access_key_id=environment.get("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=environment.get("AWS_SECRET_ACCESS_KEY"),
        region_name=environment.get("AWS_REGION", REGION),
    )
    return session.client(service, endpoint_url=environment.get("AWS_ENDPOINT_URL"))


def deploy(
    env_name: str,
    *,
    cdk_out: Path,
    environment: dict[str, str],
    overrides: dict[str, str] | None = None,
) -> dict[str, dict]:
    """Bootstraps once and deploys every stack; returns each stack's outputs by stack name.

    `overrides` are settings given as `-c key=value`, e.g. {"compute.max_capacity": "5"}.
    """
    remove_failed_creations(env_name, environment)
    overrides = {**shared_oidc_provider(env_name, environment), **(overrides or {})}
    context = ["-c", f"env={env_name}", "-c", "target=emulator"]
    for key, value in overrides.items():
        context += ["-c", f"{key}={value}"]
    cloudformation = client("cloudformation", environment)
    if not _stack_exists(cloudformation, "CDKToolkit"):
        _step(
            "bootstrapping the emulator",
            ["npx", "cdk", "bootstrap", f"aws://{ACCOUNT}/{REGION}", *context],
            environment,
        )
    outputs_file = cdk_out / "outputs.json"
    _step(
        f"deploying every {env_name} stack",
        [
            "npx",
            "cdk",
            "deploy",
            *DEPLOY_FLAGS,
            *context,
            "--output",
            str(cdk_out),
            "--outputs-file",
            str(outputs_file),
        ],
        environment,
    )
    return json.loads(outputs_file.read_text())


def remove_failed_creations(env_name: str, environment: dict[str, str]) -> None:
    """Removes this environment's stacks whose creation failed, so the deploy can create them.

    moto leaves a stack whose creation failed in CREATE_IN_PROGRESS (or CREATE_FAILED) for
    good, and every later deploy trips over it. Such a stack was never created, so nothing is
    lost; stacks that exist once stay as they are.
    """
    prefix = app_settings(env_name).stack_id("")
    cloudformation = client("cloudformation", environment)
    for stack in cloudformation.describe_stacks()["Stacks"]:
        name, status = stack["StackName"], stack["StackStatus"]
        if name.startswith(prefix) and status in FAILED_CREATION:
            print(
                f"emulator: {name} is {status} from a failed deploy; removing it to create it again"
            )
            with contextlib.suppress(cloudformation.exceptions.ClientError):
                cloudformation.delete_stack(StackName=name)


def shared_oidc_provider(env_name: str, environment: dict[str, str]) -> dict[str, str]:
    """`ci.oidc_provider_arn` for an environment deployed beside another one in the emulator.

    An account has one OIDC provider per issuer, and every environment lands in the emulator's
    one account: the first ci stack creates GitHub's provider, the others use it, as the
    README says to do where dev and prod share an account.
    """
    settings = app_settings(env_name)
    if settings.environment.ci.github_repository is None:
        return {}
    own_stack = settings.stack_id("ci")
    cloudformation = client("cloudformation", environment)
    if _stack_exists(cloudformation, own_stack):
        resources = cloudformation.describe_stack_resources(StackName=own_stack)["StackResources"]
        if any(r["ResourceType"] == "AWS::IAM::OIDCProvider" for r in resources):
            return {}
    providers = client("iam", environment).list_open_id_connect_providers()
    for provider in providers["OpenIDConnectProviderList"]:
        if provider["Arn"].endswith(f"/{GITHUB_ISSUER}"):
            print(f"emulator: {env_name} uses the GitHub OIDC provider another environment made")
            return {"ci.oidc_provider_arn": provider["Arn"]}
    return {}


def publish_sample_report(
    bucket: str, environment: dict[str, str], *, project: str = "qea", site_mode: str = "private"
) -> str:
    """Publishes the committed Allure 2 report as a new run of `main`; returns its URL.

    In the S3 website mode the URL is the emulator's plain path-style address, readable by
    anyone through the site's bucket policy, as the website endpoint would be; in the other
    modes it is a presigned link (the emulator serves no CloudFront distribution).
    """
    run = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    endpoint = environment["AWS_ENDPOINT_URL"]
    site = (
        ["--site-mode", "s3-website", "--site-base-url", f"{endpoint}/{bucket}"]
        if site_mode == "s3-website"
        else ["--site-mode", "private"]
    )
    command = [
        sys.executable, "-m", "allure_publisher", "publish", "--bucket", bucket,
        "--report", str(SAMPLE_REPORT), "--project", project, "--branch", "main", "--run", run,
        "--endpoint-url", endpoint, *site,
    ]  # fmt: skip
    result = subprocess.run(
        command,
        env={**environment, "PYTHONPATH": str(REPO_ROOT / "lambda")},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise DeployError(f"publishing the sample report failed:\n{result.stderr}{result.stdout}")
    sys.stdout.write(result.stdout)
    urls = [word for word in result.stdout.split() if word.startswith("http")]
    if not urls:
        raise DeployError(f"the publisher printed no URL:\n{result.stdout}")
    return urls[0]


def write_landing_page(stack_name: str, bucket: str, environment: dict[str, str]) -> str | None:
    """Puts the site's landing and error pages as the stack's writer function would.

    On AWS a function writes them after each deployment; the emulator runs no function, so
    the pages are taken from that function's own configuration and put here. Returns the
    landing page's URL, or None where the stack has no writer (private site mode).
    """
    cloudformation = client("cloudformation", environment)
    resources = cloudformation.describe_stack_resources(StackName=stack_name)["StackResources"]
    writers = [
        r["PhysicalResourceId"]
        for r in resources
        if r["ResourceType"] == "AWS::Lambda::Function"
        and r.get("LogicalResourceId", "").startswith("LandingPageWriter")
    ]
    if not writers:
        return None
    variables = client("lambda", environment).get_function_configuration(FunctionName=writers[0])[
        "Environment"
    ]["Variables"]
    s3 = client("s3", environment)
    for page in ("INDEX", "ERROR"):
        s3.put_object(
            Bucket=bucket,
            Key=variables[f"{page}_KEY"],
            Body=variables[f"{page}_PAGE"].encode(),
            ContentType="text/html; charset=utf-8",
            CacheControl="no-cache",
        )
    return f"{environment['AWS_ENDPOINT_URL']}/{bucket}/{variables['INDEX_KEY']}"


def check_serves_html(url: str) -> str:
    """GETs the report's URL; returns its Content-Type, or fails if it is not the HTML page."""
    with urllib.request.urlopen(url, timeout=30) as response:
        content_type = response.headers.get("Content-Type", "")
        body = response.read(4096)
    if not content_type.startswith("text/html") or b"<html" not in body.lower():
        raise DeployError(f"{url} answered {content_type!r}, not the report's index.html")
    return content_type


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator.local_deploy", description=__doc__)
    parser.add_argument("--env", default="dev", help="the environment in cdk.json (default dev)")
    parser.add_argument("--cdk-out", type=Path, default=REPO_ROOT / "cdk.out")
    parser.add_argument("--target", default="emulator", choices=("emulator", "aws"))
    parser.add_argument(
        "--publish",
        metavar="REPORT",
        type=Path,
        help="instead of deploying: publish this Allure report folder or zip into the "
        "deployed reports bucket (`make publish`)",
    )
    parser.add_argument("--project", help="with --publish (default: the app's project)")
    parser.add_argument("--branch", default="main", help="with --publish (default main)")
    parser.add_argument("--run", help="with --publish (default: the publish time)")
    args = parser.parse_args(argv)
    what = "make publish" if args.publish else "make deploy"
    try:
        if args.publish:
            publish(args)
        else:
            run(args.env, args.cdk_out)
    except (DeployError, server.EmulatorError, SettingsError) as error:
        print(f"\n{what} failed: {error}", file=sys.stderr)
        return 1
    return 0


def publish(args: argparse.Namespace) -> None:
    """`make publish`: the publisher's command line against the deployed bucket."""
    settings = app_settings(args.env)
    if args.target == "emulator":
        try:
            endpoint = server.endpoint()
        except server.EmulatorNotRunning:
            raise DeployError("no emulator is running; run `make deploy` first") from None
        environment = emulator_environment(endpoint)
        site_mode = settings.environment.storage.site
    else:
        environment, endpoint, site_mode = dict(os.environ), None, None
    bucket = deployed_bucket(settings.stack_id("storage"), environment)
    command = [
        sys.executable, "-m", "allure_publisher", "publish", "--bucket", bucket,
        "--report", str(args.publish),
        "--project", args.project or settings.project, "--branch", args.branch,
    ]  # fmt: skip
    if args.run:
        command += ["--run", args.run]
    if endpoint:
        command += ["--endpoint-url", endpoint]
        if site_mode == "s3-website":
            command += ["--site-mode", "s3-website", "--site-base-url", f"{endpoint}/{bucket}"]
        else:
            command += ["--site-mode", "private"]
    environment["PYTHONPATH"] = str(REPO_ROOT / "lambda")
    result = subprocess.run(command, env=environment, check=False)
    if result.returncode != 0:
        raise DeployError(f"the publisher refused or failed (exit {result.returncode})")


@contextlib.contextmanager
def one_deploy_at_a_time() -> Iterator[None]:
    """Holds the emulator's deploy lock; a second `make deploy` waits for the first to finish.

    Two CLIs deploying the same stacks at once would fail each other half way.
    """
    server.STATE_DIR.mkdir(parents=True, exist_ok=True)
    with open(server.STATE_DIR / "deploy.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                "emulator: another `make deploy` is running; waiting for it to finish", flush=True
            )
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def run(env_name: str, cdk_out: Path) -> None:
    with one_deploy_at_a_time():
        _run(env_name, cdk_out)


def _run(env_name: str, cdk_out: Path) -> None:
    settings = app_settings(env_name)
    endpoint = server.start()
    print(f"emulator: {endpoint} (stop it with `make down`)")
    environment = emulator_environment(endpoint)
    outputs = deploy(env_name, cdk_out=cdk_out, environment=environment)

    print("\nWhat the emulator did with each stack:")
    print(fidelity.format_summary(fidelity.summarize(endpoint, cdk_out)))

    print("\nOutputs:")
    for stack_name, stack_outputs in outputs.items():
        layer = stack_name.rsplit("-", 1)[-1]
        for key, value in stack_outputs.items():
            if key in SHOWN_OUTPUTS.get(layer, ()) or key.startswith("Replica"):
                print(f"  {stack_name}.{key} = {value}")

    storage_stack = settings.stack_id("storage")
    bucket = outputs[storage_stack]["ReportsBucketName"]
    site_mode = settings.environment.storage.site
    landing_page = write_landing_page(storage_stack, bucket, environment)
    print(f"\nPublishing {SAMPLE_REPORT.relative_to(REPO_ROOT)} into {bucket}:")
    url = publish_sample_report(bucket, environment, project=settings.project, site_mode=site_mode)
    content_type = check_serves_html(url)
    print(f"Checked: GET of the report answered {content_type}")
    if landing_page:
        print(f"Site:   {landing_page}\n  (written as the stack's function would write it)")
    if site_mode == "cloudfront":
        print("  The emulator serves no CloudFront distribution, so the link is presigned.")


def app_settings(env_name: str):
    """The app's settings for this environment, as `cdk synth` reads them from cdk.json."""
    context = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    return load_settings({**context, "env": env_name, "target": "emulator"})


def deployed_bucket(stack: str, environment: dict[str, str]) -> str:
    """The reports bucket of the deployed storage stack, read from its outputs."""
    cloudformation = client("cloudformation", environment)
    try:
        described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    except cloudformation.exceptions.ClientError as error:
        raise DeployError(f"{stack} is not deployed ({error}); run `make deploy` first") from None
    for output in described.get("Outputs", []):
        if output["OutputKey"] == "ReportsBucketName":
            return output["OutputValue"]
    raise DeployError(f"{stack} has no ReportsBucketName output; run `make deploy` again")


def _stack_exists(cloudformation, name: str) -> bool:
    try:
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except cloudformation.exceptions.ClientError:
        return False
    return any(stack["StackStatus"].endswith("_COMPLETE") for stack in stacks)


def _step(what: str, command: list[str], environment: dict[str, str]) -> None:
    print(f"\n== {what}: {' '.join(command)}", flush=True)
    result = subprocess.run(command, env=environment, cwd=REPO_ROOT, check=False)
    if result.returncode != 0:
        log = server.STATE_DIR / "server.log"
        raise DeployError(f"{what} failed (exit {result.returncode}); the emulator's log: {log}")


if __name__ == "__main__":
    sys.exit(main())
