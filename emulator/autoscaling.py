"""Auto Scaling policies and lifecycle hooks, which moto 5.2 drops from templates.

Both are recorded on the group in moto (describe_policies, describe_lifecycle_hooks show them),
so a test can see what the stack set up. moto never acts on them: no alarm triggers a policy,
and a launching instance never waits in a lifecycle hook.
"""

from typing import Any

from moto.autoscaling.models import AutoScalingBackend, autoscaling_backends
from moto.core.common_models import CloudFormationModel

from emulator.resource import EmulatedResource, properties


def _backend(account_id: str, region_name: str) -> AutoScalingBackend:
    return autoscaling_backends[account_id][region_name]


class ScalingPolicy(EmulatedResource, CloudFormationModel):
    """AWS::AutoScaling::ScalingPolicy: recorded on the group, never executed. Ref is its ARN."""

    TYPE = "AWS::AutoScaling::ScalingPolicy"
    ATTRIBUTES = ("Arn", "PolicyName")

    def __init__(self, arn: str, name: str) -> None:
        super().__init__(arn, {"Arn": arn, "PolicyName": name})
        self.name = name

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "ScalingPolicy":
        props = properties(cloudformation_json)
        policy = _backend(account_id, region_name).put_scaling_policy(
            name=resource_name,
            policy_type=props.get("PolicyType", "SimpleScaling"),
            metric_aggregation_type=props.get("MetricAggregationType"),
            adjustment_type=props.get("AdjustmentType"),
            as_name=props["AutoScalingGroupName"],
            min_adjustment_magnitude=props.get("MinAdjustmentMagnitude"),
            scaling_adjustment=props.get("ScalingAdjustment"),
            cooldown=props.get("Cooldown"),
            target_tracking_config=props.get("TargetTrackingConfiguration"),
            step_adjustments=props.get("StepAdjustments"),
            estimated_instance_warmup=props.get("EstimatedInstanceWarmup"),
            predictive_scaling_configuration=props.get("PredictiveScalingConfiguration"),
        )
        return cls(policy.arn, policy.name)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: "ScalingPolicy",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "ScalingPolicy":
        # PutScalingPolicy on the same name replaces the policy's settings in place.
        return cls.create_from_cloudformation_json(
            original_resource.name, cloudformation_json, account_id, region_name
        )

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).delete_policy(self.name)


class LifecycleHook(EmulatedResource, CloudFormationModel):
    """AWS::AutoScaling::LifecycleHook: recorded on the group; instances never wait in it."""

    TYPE = "AWS::AutoScaling::LifecycleHook"
    NAME_PROPERTY = "LifecycleHookName"

    def __init__(self, name: str, group_name: str) -> None:
        super().__init__(name)
        self.group_name = group_name

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "LifecycleHook":
        props = properties(cloudformation_json)
        group_name = props["AutoScalingGroupName"]
        timeout = props.get("HeartbeatTimeout")
        _backend(account_id, region_name).create_lifecycle_hook(
            name=resource_name,
            as_name=group_name,
            transition=props["LifecycleTransition"],
            timeout=int(timeout) if timeout is not None else None,
            result=props.get("DefaultResult"),
        )
        return cls(resource_name, group_name)

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).delete_lifecycle_hook(
            self.group_name, self.physical_resource_id
        )


MODELS = (ScalingPolicy, LifecycleHook)
