"""One emulator for the model tests, started from our serve module and stopped afterwards.

Each test deploys a small hand-written template with boto3's create_stack and then asks moto's
backend, through the ordinary AWS APIs, whether the thing exists.
"""

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from emulator import server

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account


@pytest.fixture(scope="session")
def endpoint(tmp_path_factory) -> Iterator[str]:
    """http://localhost:<port> of a private emulator, stopped also when a test fails."""
    state_dir = tmp_path_factory.mktemp("emulator-models")
    url = server.start(state_dir=state_dir)
    try:
        yield url
    finally:
        server.stop(state_dir=state_dir)


@pytest.fixture(scope="session")
def aws(endpoint) -> Callable[[str], Any]:
    """A boto3 client for a service of the emulator, with dummy credentials."""

    def client(service: str) -> Any:
        made = boto3.client(
            service,
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        if service == "s3control":
            # S3 Control's endpoint rules put the account id in front of the host name.
            made.meta.events.register("before-send.s3-control.*", _without_account_prefix)
        return made

    return client


def _without_account_prefix(request: Any, **kwargs: Any) -> None:
    request.url = request.url.replace(f"//{ACCOUNT}.localhost", "//localhost")


def resources(**resources: dict[str, Any]) -> dict[str, Any]:
    """A template of these resources (logical id -> definition)."""
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def resource(resource_type: str, **props: Any) -> dict[str, Any]:
    return {"Type": resource_type, "Properties": props}


def ref(logical_id: str) -> dict[str, str]:
    return {"Ref": logical_id}


def get_att(logical_id: str, attribute: str) -> dict[str, list[str]]:
    return {"Fn::GetAtt": [logical_id, attribute]}


def with_outputs(template: dict[str, Any], **outputs: Any) -> dict[str, Any]:
    """The template with an output per keyword; a (value, export name) pair also exports it."""
    declared = {}
    for key, value in outputs.items():
        if isinstance(value, tuple):
            declared[key] = {"Value": value[0], "Export": {"Name": value[1]}}
        else:
            declared[key] = {"Value": value}
    return {**template, "Outputs": declared}


@pytest.fixture
def deploy(aws) -> Callable[..., dict[str, str]]:
    """Create (or, with update=name, update) a stack; fail unless it completes; its outputs."""
    cloudformation = aws("cloudformation")

    def run(template: dict[str, Any], update: str | None = None) -> dict[str, str]:
        body = json.dumps(template)
        if update:
            name = update
            cloudformation.update_stack(StackName=name, TemplateBody=body)
        else:
            name = f"t-{uuid.uuid4().hex[:10]}"
            cloudformation.create_stack(StackName=name, TemplateBody=body)
        stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
        assert stack["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), stack
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        outputs["StackName"] = name
        return outputs

    return run
