"""AWS::Lambda::EventInvokeConfig, which moto 5.2 drops from templates.

CDK writes one for a function's `retry_attempts` or `max_event_age`. The configuration is kept on
moto's function (get_function_event_invoke_config returns it); moto runs functions only with a
Docker engine, so the retries themselves are not emulated here.
"""

from typing import Any

from moto.awslambda.exceptions import UnknownFunctionException
from moto.awslambda.models import lambda_backends
from moto.core.common_models import CloudFormationModel

from emulator.resource import EmulatedResource, properties

CONFIG_KEYS = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")


class EventInvokeConfig(EmulatedResource, CloudFormationModel):
    """AWS::Lambda::EventInvokeConfig: the function's asynchronous-invocation settings."""

    TYPE = "AWS::Lambda::EventInvokeConfig"

    def __init__(self, function_name: str, qualifier: str) -> None:
        super().__init__(f"{function_name}:{qualifier}")
        self.function_name = function_name

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "EventInvokeConfig":
        props = properties(cloudformation_json)
        function_name = props["FunctionName"]
        config = {key: props[key] for key in CONFIG_KEYS if key in props}
        backend = lambda_backends[account_id][region_name]
        backend.get_function(function_name).event_invoke_config.clear()
        backend.put_function_event_invoke_config(function_name, config)
        return cls(function_name, props.get("Qualifier", "$LATEST"))

    def delete(self, account_id: str, region_name: str) -> None:
        backend = lambda_backends[account_id][region_name]
        try:
            backend.get_function(self.function_name).event_invoke_config.clear()
        except UnknownFunctionException:
            return  # the function went first; nothing left to clear


MODELS = (EventInvokeConfig,)
