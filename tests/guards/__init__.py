"""Data-loss guards: the committed lists of stateful resources and of exports, and the checks.

`python -m tests.guards` rewrites both lists from the current app, for a change that replaces a
stateful resource or removes an export on purpose: commit the lists with that change.
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATEFUL_FILE = HERE / "stateful_resources.json"
EXPORTS_FILE = HERE / "exports.json"

# What holds data that a replacement or a deletion would lose.
STATEFUL_TYPES = {
    "AWS::S3::Bucket": "the bucket and every object and version in it",
    "AWS::RDS::DBInstance": "the database (or replica) and everything in it",
    "AWS::SecretsManager::Secret": "the credentials, which the database keeps using",
    "AWS::KMS::Key": "the key, and with it everything encrypted under it",
    "AWS::Logs::LogGroup": "the logs kept so far",
    "AWS::ECR::Repository": "every image pushed so far",
}


def stateful_resources(template: dict) -> dict[str, str]:
    """Logical id -> type of every stateful resource of a template."""
    return {
        logical_id: resource["Type"]
        for logical_id, resource in sorted(template.get("Resources", {}).items())
        if resource["Type"] in STATEFUL_TYPES
    }


def export_names(template: dict) -> list[str]:
    """Every export name a template declares, sorted."""
    names = []
    for output in template.get("Outputs", {}).values():
        name = output.get("Export", {}).get("Name")
        if name is not None:
            names.append(name if isinstance(name, str) else json.dumps(name, sort_keys=True))
    return sorted(names)


def lost_stateful(stack: str, committed: dict[str, str], current: dict[str, str]) -> list[str]:
    """What a deploy would replace or delete, each with what it holds and how to go on."""
    problems = []
    for logical_id, resource_type in committed.items():
        if current.get(logical_id) == resource_type:
            continue
        problems.append(
            f"{stack}: {resource_type} {logical_id} is gone from the template (renamed, moved "
            f"or removed), so CloudFormation would delete it and create a new one, losing "
            f"{STATEFUL_TYPES[resource_type]}. If that is not the intent, keep its construct "
            "id and place in the tree (or pin it with `override_logical_id`). If it is, run "
            "`.venv/bin/python -m tests.guards` and commit tests/guards/ in the same change."
        )
    return problems


def removed_exports(stack: str, committed: list[str], current: list[str]) -> list[str]:
    """Exports the change removes, with the two-step way to remove one safely."""
    return [
        f"{stack}: export {name} is removed. While a deployed stack imports it, CloudFormation "
        f'fails both stacks with "Export {name} cannot be deleted as it is in use by ...". '
        "Remove it in two deploys: first keep it with `self.export_value(<the value>, "
        f'name="{name}")` in {stack} while the consumer stops using it; deploy; then delete '
        "that line, run `.venv/bin/python -m tests.guards` and commit tests/guards/."
        for name in committed
        if name not in current
    ]


def current_lists(templates: dict[str, dict]) -> tuple[dict, dict]:
    """The stateful resources and exports of templates given by stack name."""
    stateful = {name: stateful_resources(t) for name, t in sorted(templates.items())}
    exports = {name: export_names(t) for name, t in sorted(templates.items())}
    return stateful, exports


def write_lists(templates: dict[str, dict]) -> None:
    stateful, exports = current_lists(templates)
    STATEFUL_FILE.write_text(json.dumps(stateful, indent=2) + "\n")
    EXPORTS_FILE.write_text(json.dumps(exports, indent=2) + "\n")
