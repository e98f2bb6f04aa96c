"""The snapshots change only when a template does: not with lambda/ code, run or machine."""

import json
import shutil

from tests.conftest import ROOT, cdk_context, synthesize
from tests.test_snapshots import normalised


def dev_templates(assembly) -> dict[str, dict]:
    return {stack.stack_name: normalised(stack.template) for stack in assembly.stacks}


def test_a_second_synth_writes_the_same_templates(assemblies, tmp_path):
    again = synthesize(cdk_context(env="dev"), tmp_path)

    assert dev_templates(again) == dev_templates(assemblies["dev"])


def test_an_edit_under_lambda_changes_no_snapshot(assemblies, tmp_path, monkeypatch):
    import constructs.report_publisher as report_publisher

    edited = tmp_path / "lambda"
    shutil.copytree(ROOT / "lambda", edited, ignore=shutil.ignore_patterns("__pycache__"))
    handler = edited / "allure_publisher" / "handler.py"
    handler.write_text(handler.read_text() + "\n# an edit that changes the asset's hash\n")
    monkeypatch.setattr(report_publisher, "LAMBDA_ROOT", edited)

    changed = synthesize(cdk_context(env="dev"), tmp_path / "out")

    raw_before = assemblies["dev"].get_stack_by_name("qea-dev-storage").template
    raw_after = changed.get_stack_by_name("qea-dev-storage").template
    assert raw_before != raw_after, "the edit should change the asset hash in the raw template"
    assert dev_templates(changed) == dev_templates(assemblies["dev"])


def test_templates_hold_no_path_of_this_machine(assemblies):
    for env, assembly in assemblies.items():
        for stack in assembly.stacks:
            text = json.dumps(stack.template)
            assert str(ROOT) not in text, f"{stack.stack_name} ({env}) names {ROOT}"
            assert "/tmp/" not in text, f"{stack.stack_name} ({env}) names a temporary path"
