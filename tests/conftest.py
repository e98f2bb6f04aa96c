"""Shared fixtures: the app synthesized once per session, from the same cdk.json as `cdk synth`."""

import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "lambda")]
# jsii starts the `node` it finds on PATH: the venv's Node 24, not an older system one.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"

LAYERS = ("network", "storage", "data", "compute", "ci")
ENVIRONMENTS = ("dev", "prod")


def cdk_context(**overrides: Any) -> dict[str, Any]:
    """cdk.json's context (settings and feature flags) with `-c`-style overrides on top."""
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    return {**context, **overrides}


def synthesize(context: Mapping[str, Any], outdir: Path):
    """The cloud assembly of the app for this context, as `cdk synth` would write it."""
    from app import create_app

    return create_app(context, outdir=str(outdir)).synth()


@pytest.fixture(scope="session")
def assemblies(tmp_path_factory) -> dict[str, Any]:
    """The dev and prod cloud assemblies, synthesized once per test session."""
    return {
        env: synthesize(cdk_context(env=env), tmp_path_factory.mktemp(f"cdk-{env}"))
        for env in ENVIRONMENTS
    }


@pytest.fixture(scope="session")
def template_json(assemblies) -> Callable[[str, str], dict]:
    """The synthesized template of one stack, as a dict: `template_json("dev", "data")`."""

    def get(env: str, layer: str) -> dict:
        return assemblies[env].get_stack_by_name(f"qea-{env}-{layer}").template

    return get


@pytest.fixture(scope="session")
def template(template_json):
    """The `aws_cdk.assertions.Template` of one stack, built once: `template("dev", "data")`."""
    from aws_cdk.assertions import Template

    cache: dict[tuple[str, str], Template] = {}

    def get(env: str, layer: str) -> Template:
        if (env, layer) not in cache:
            cache[env, layer] = Template.from_json(template_json(env, layer))
        return cache[env, layer]

    return get


@pytest.fixture(scope="session")
def synth_with(tmp_path_factory) -> Callable[..., Any]:
    """Synthesizes the app with extra context, for tests of one setting's effect."""

    def run(**overrides: Any):
        return synthesize(cdk_context(**overrides), tmp_path_factory.mktemp("cdk-custom"))

    return run
