"""Rewrites tests/guards/*.json from the app as it is now (dev and prod)."""

import tempfile
from pathlib import Path

from tests.conftest import ENVIRONMENTS, cdk_context, synthesize
from tests.guards import EXPORTS_FILE, STATEFUL_FILE, write_lists

templates = {}
with tempfile.TemporaryDirectory() as outdir:
    for env in ENVIRONMENTS:
        assembly = synthesize(cdk_context(env=env), Path(outdir) / env)
        templates.update({stack.stack_name: stack.template for stack in assembly.stacks})
write_lists(templates)
print(f"wrote {STATEFUL_FILE} and {EXPORTS_FILE}")
