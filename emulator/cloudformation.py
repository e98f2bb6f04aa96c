"""Two fixes to moto's stack updates: parameters kept at their defaults, and new exports.

Parameters: on an update the CDK CLI passes `UsePreviousValue` for every parameter the stack
already has. moto looks each one up among the values given at creation, where a parameter left
at its default (the SSM parameter that names the Amazon Linux image, the bootstrap version) is
absent, and fails the update with a KeyError. CloudFormation uses the previous value, which was
the default; the fixed lookup leaves such a parameter out, so moto takes the template's default.

Exports: moto registers a stack's exports only when the stack is created, so an output that an
update adds (a new replica's endpoint, say) is never importable and the consuming stack fails
with "No export named ...". After an update the fixed backend registers the stack's exports as
they are now, and forgets those it no longer has, as CloudFormation does.
"""

from typing import Any

from moto.cloudformation.models import CloudFormationBackend

_original = CloudFormationBackend._resolve_update_parameters
_original_update_stack = CloudFormationBackend.update_stack


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


def _update_stack(self: CloudFormationBackend, *args: Any, **kwargs: Any) -> Any:
    stack = _original_update_stack(self, *args, **kwargs)
    current = {export.name: export for export in stack.exports}
    for name, export in list(self.exports.items()):
        if export.exporting_stack_id == stack.stack_id and name not in current:
            del self.exports[name]
    self.exports.update(current)
    return stack


def patch_stack_updates() -> None:
    """Install both fixes (once; calling it again changes nothing)."""
    CloudFormationBackend._resolve_update_parameters = _resolve_update_parameters
    CloudFormationBackend.update_stack = _update_stack
