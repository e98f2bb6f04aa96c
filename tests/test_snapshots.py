"""One JSON snapshot per stack and environment: unintended template changes show in review."""

import json
import re

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from tests.conftest import ENVIRONMENTS, LAYERS

_ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")


def normalised(template: dict) -> dict:
    """The template with asset hashes replaced, so that an edit under lambda/ changes nothing."""
    return json.loads(_ASSET_HASH.sub("ASSET_HASH", json.dumps(template)))


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_stack_template_matches_its_snapshot(template_json, snapshot_json, env, layer):
    assert normalised(template_json(env, layer)) == snapshot_json
