"""Data-loss guards: no stateful resource replaced, no export removed, prod keeps its data."""

import json

import pytest

from tests import guards
from tests.conftest import ENVIRONMENTS


@pytest.fixture(scope="session")
def templates(assemblies) -> dict[str, dict]:
    return {
        stack.stack_name: stack.template for env in ENVIRONMENTS for stack in assemblies[env].stacks
    }


def test_no_stateful_resource_would_be_replaced(templates):
    committed = json.loads(guards.STATEFUL_FILE.read_text())
    problems = [
        problem
        for stack, resources in committed.items()
        for problem in guards.lost_stateful(
            stack, resources, guards.stateful_resources(templates.get(stack, {}))
        )
    ]
    assert problems == [], "\n".join(problems)


def test_no_export_is_removed(templates):
    committed = json.loads(guards.EXPORTS_FILE.read_text())
    problems = [
        problem
        for stack, names in committed.items()
        for problem in guards.removed_exports(
            stack, names, guards.export_names(templates.get(stack, {}))
        )
    ]
    assert problems == [], "\n".join(problems)


def test_committed_lists_name_every_stateful_resource_and_export(templates):
    stateful, exports = guards.current_lists(templates)
    assert json.loads(guards.STATEFUL_FILE.read_text()) == stateful, (
        "a stateful resource or stack was added: run `.venv/bin/python -m tests.guards` and "
        "commit tests/guards/"
    )
    assert json.loads(guards.EXPORTS_FILE.read_text()) == exports, (
        "an export was added: run `.venv/bin/python -m tests.guards` and commit tests/guards/"
    )


def test_a_renamed_bucket_is_caught_as_a_replacement(templates):
    storage = json.loads(json.dumps(templates["qea-prod-storage"]))
    (bucket_id,) = [
        logical_id
        for logical_id in guards.stateful_resources(storage)
        if logical_id.startswith("ReportsBucket")
    ]
    storage["Resources"]["RenamedBucket"] = storage["Resources"].pop(bucket_id)
    committed = json.loads(guards.STATEFUL_FILE.read_text())["qea-prod-storage"]

    problems = guards.lost_stateful(
        "qea-prod-storage", committed, guards.stateful_resources(storage)
    )

    assert len(problems) == 1
    assert f"AWS::S3::Bucket {bucket_id} is gone" in problems[0]
    assert "every object and version" in problems[0]


def test_a_removed_export_is_caught_with_the_two_step_removal(templates):
    network = json.loads(json.dumps(templates["qea-prod-network"]))
    exported = [key for key, output in network["Outputs"].items() if "Export" in output]
    removed_name = network["Outputs"].pop(exported[0])["Export"]["Name"]
    committed = json.loads(guards.EXPORTS_FILE.read_text())["qea-prod-network"]

    problems = guards.removed_exports("qea-prod-network", committed, guards.export_names(network))

    assert len(problems) == 1
    assert f"export {removed_name} is removed" in problems[0]
    assert "export_value" in problems[0]


STATEFUL_IN_PROD = ("Retain", "Snapshot")


@pytest.mark.parametrize("layer", ["network", "storage", "data", "compute", "ci"])
def test_prod_stateful_resources_are_retained_or_snapshotted(templates, layer):
    template = templates.get(f"qea-prod-{layer}", {"Resources": {}})
    policies = {
        logical_id: (
            resource.get("DeletionPolicy", "Delete"),
            resource.get("UpdateReplacePolicy", "Delete"),
        )
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] in guards.STATEFUL_TYPES
        # A replica holds no data of its own: RDS takes no snapshot of it, the writer's
        # snapshot holds the data.
        and "SourceDBInstanceIdentifier" not in resource.get("Properties", {})
    }
    unsafe = {
        logical_id: policy
        for logical_id, policy in policies.items()
        if policy[0] not in STATEFUL_IN_PROD or policy[1] not in STATEFUL_IN_PROD
    }
    assert unsafe == {}
