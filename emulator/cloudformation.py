"""A fix to moto's stack updates: parameters kept at their defaults.

On an update the CDK CLI passes `UsePreviousValue` for every parameter the stack already has.
moto looks each one up among the values given at creation, where a parameter left at its
default (the SSM parameter that names the Amazon Linux image, the bootstrap version) is absent,
and fails the update with a KeyError. CloudFormation uses the previous value, which was the
default; the fixed lookup leaves such a parameter out, so moto takes the template's default.
"""

from typing import Any

from moto.cloudformation.models import CloudFormationBackend

_original = CloudFormationBackend._resolve_update_parameters


def _resolve_update_parameters(
    self: CloudFormationBackend, instance: Any, incoming_params: list[dict[str, str]]
) -> dict[str, str]:
    known = getattr(instance, "parameters", None) or {}
    kept = [
        parameter
        for parameter in incoming_params
        if not parameter.get("UsePreviousValue") or parameter["ParameterKey"] in known
    ]
    return _original(self, instance, kept)


def patch_stack_updates() -> None:
    """Install the fixed lookup (once; calling it again changes nothing)."""
    CloudFormationBackend._resolve_update_parameters = _resolve_update_parameters
