#!/usr/bin/env python3
"""The CDK app: reads the settings once and wires one stack per layer."""

import sys
from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from settings import Settings, SettingsError, load_settings
from stacks import CiStack, ComputeStack, DataStack, NetworkStack, StorageStack
from stacks.acknowledgements import acknowledge_findings


def create_app(context: Mapping[str, Any] | None = None, outdir: str | None = None) -> cdk.App:
    """The app for the context that `cdk synth` would see (cdk.json plus `-c` values)."""
    # No analytics metadata resource: it changes with every CDK release and means nothing here.
    app = cdk.App(
        context=dict(context) if context is not None else None,
        outdir=outdir,
        analytics_reporting=False,
    )
    settings = load_settings(app.node.get_all_context())
    stacks = wire_stacks(app, settings)
    # cdk-nag's AwsSolutions rules check every synth; what this app accepts is listed, with
    # its reason, in stacks/acknowledgements.py.
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    acknowledge_findings(stacks, settings)
    return app


def wire_stacks(app: cdk.App, settings: Settings) -> dict[str, cdk.Stack]:
    """Creates one stack per layer; returns them by layer."""
    environment = settings.environment
    stack_args: dict[str, Any] = {
        "env": cdk.Environment(account=environment.account, region=environment.region),
        "synthesizer": _synthesizer(settings),
    }
    cdk.Tags.of(app).add("project", settings.project)
    cdk.Tags.of(app).add("environment", settings.env_name)

    network = NetworkStack(
        app, settings.stack_id("network"), settings=environment.network, **stack_args
    )
    storage = StorageStack(
        app,
        settings.stack_id("storage"),
        settings=environment.storage,
        project=settings.project,
        env_name=settings.env_name,
        **stack_args,
    )
    data = DataStack(
        app, settings.stack_id("data"), settings=environment.data, vpc=network.vpc, **stack_args
    )
    compute = ComputeStack(
        app,
        settings.stack_id("compute"),
        settings=environment.compute,
        vpc=network.vpc,
        database=data.database,
        alarm_topic=data.alarm_topic,
        log_bucket=storage.log_bucket,
        log_prefix=storage.alb_log_prefix,
        **stack_args,
    )

    stacks: dict[str, cdk.Stack] = {
        "network": network,
        "storage": storage,
        "data": data,
        "compute": compute,
    }
    if environment.ci.github_repository is not None:
        stacks["ci"] = CiStack(
            app,
            settings.stack_id("ci"),
            settings=environment.ci,
            project=settings.project,
            env_name=settings.env_name,
            bucket=storage.bucket,
            group=compute.fleet.group,
            **stack_args,
        )
    return stacks


def _synthesizer(settings: Settings) -> cdk.DefaultStackSynthesizer:
    # moto fails stack updates with KeyError: 'BootstrapVersion' on the bootstrap-version
    # parameter, so the emulator's templates go without it; real AWS keeps the default.
    if settings.target == "emulator":
        return cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False)
    return cdk.DefaultStackSynthesizer()


if __name__ == "__main__":
    try:
        create_app().synth()
    except SettingsError as error:
        sys.exit(str(error))
