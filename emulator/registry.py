"""Loads our CloudFormation models into moto before its server answers a request.

moto finds a model among the direct subclasses of `CloudFormationModel` and caches that list on
the first stack it parses, so the model modules must be imported first and the cache cleared.
Where two models declare the same type, the later subclass wins; `load_models` checks that ours
did, so a moto upgrade that reorders its imports fails loudly instead of silently.
"""

import importlib

from moto.cloudformation import parsing

from emulator import cloudformation

# One module per service, named after it: moto's model metaclass files each model under the
# second part of its module's dotted name (moto/core/base_backend.py, InstanceTrackerMeta).
MODEL_MODULES = (
    "emulator.secretsmanager",
    "emulator.s3",
    "emulator.cloudfront",
    "emulator.cloudwatch",
    "emulator.sns",
    "emulator.sqs",
    "emulator.rds",
    "emulator.ecr",
    "emulator.iam",
    "emulator.autoscaling",
    "emulator.awslambda",
    "emulator.ec2",
    "emulator.elbv2",
    "emulator.kms",
)


class ModelRegistrationError(RuntimeError):
    """One of our models is not the one moto would use for its resource type."""


def load_models() -> dict[str, type]:
    """Import every model module, refresh moto's model map and return our models by type."""
    ours: dict[str, type] = {}
    for name in MODEL_MODULES:
        module = importlib.import_module(name)
        for model in getattr(module, "MODELS", ()):
            ours[model.cloudformation_type()] = model

    cloudformation.patch_stack_updates()
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()

    active = parsing.get_model_map()
    shadowed = sorted(t for t, model in ours.items() if active.get(t) is not model)
    if shadowed:
        raise ModelRegistrationError(
            f"moto would not use our models for {', '.join(shadowed)}; each must subclass "
            "moto.core.common_models.CloudFormationModel directly and be imported after moto's"
        )
    return ours
