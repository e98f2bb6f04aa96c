"""Our models are the ones moto uses, and each sits in the module of its service."""

import importlib.util

from moto.cloudformation import parsing

from emulator.registry import MODEL_MODULES, load_models


def test_every_model_we_add_is_the_one_moto_uses_for_its_type():
    ours = load_models()

    active = parsing.get_model_map()

    assert ours
    assert {t: active[t] for t in ours} == ours


def test_the_types_moto_drops_are_among_our_models():
    dropped_by_moto_5_2 = {
        "AWS::SecretsManager::Secret",
        "AWS::SecretsManager::SecretTargetAttachment",
        "AWS::SecretsManager::RotationSchedule",
        "AWS::S3::BucketPolicy",
        "AWS::CloudFront::Distribution",
        "AWS::CloudWatch::Alarm",
    }

    assert dropped_by_moto_5_2 <= set(load_models())


def test_each_model_module_is_named_after_a_moto_service():
    # moto's model metaclass files a model under the second part of its module's dotted name.
    for model in load_models().values():
        module = model.__module__
        service = module.split(".")[1]
        assert module in MODEL_MODULES
        assert importlib.util.find_spec(f"moto.{service}") is not None, module
