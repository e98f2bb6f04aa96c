"""One stack per layer. They depend one way: network, storage, data, compute, then ci."""

from pathlib import Path

import constructs

# The product's layout names our construct folder `constructs/`, like the library that
# aws-cdk-lib is built on. The library keeps the name; our folder joins its package path, so
# `from constructs import Construct` is the library and `constructs.reports_bucket` is ours.
_OUR_CONSTRUCTS = str(Path(__file__).resolve().parent.parent / "constructs")
if _OUR_CONSTRUCTS not in constructs.__path__:
    constructs.__path__.append(_OUR_CONSTRUCTS)

from .ci import CiStack  # noqa: E402
from .compute import ComputeStack  # noqa: E402
from .data import DataStack  # noqa: E402
from .network import NetworkStack  # noqa: E402
from .storage import StorageStack  # noqa: E402

__all__ = ["CiStack", "ComputeStack", "DataStack", "NetworkStack", "StorageStack"]
