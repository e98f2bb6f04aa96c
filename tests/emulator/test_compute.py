"""The compute stack's dropped types: scaling policy, lifecycle hook, egress rule, and the
attributes CDK reads from the load balancer and the target group."""

from tests.emulator.conftest import get_att, ref, resource, resources

MOTO_AMI = "ami-12c6146b"  # one of the images moto's EC2 starts with


def fleet(**extra: dict) -> dict:
    """A VPC, two subnets, a group of one instance, a load balancer and a target group."""
    template = resources(
        Vpc=resource("AWS::EC2::VPC", CidrBlock="10.20.0.0/16"),
        SubnetA=resource(
            "AWS::EC2::Subnet",
            VpcId=ref("Vpc"),
            CidrBlock="10.20.1.0/24",
            AvailabilityZone="us-east-1a",
        ),
        SubnetB=resource(
            "AWS::EC2::Subnet",
            VpcId=ref("Vpc"),
            CidrBlock="10.20.2.0/24",
            AvailabilityZone="us-east-1b",
        ),
        AppGroup=resource("AWS::EC2::SecurityGroup", GroupDescription="app", VpcId=ref("Vpc")),
        AlbGroup=resource("AWS::EC2::SecurityGroup", GroupDescription="alb", VpcId=ref("Vpc")),
        Launch=resource(
            "AWS::AutoScaling::LaunchConfiguration", ImageId=MOTO_AMI, InstanceType="t3.micro"
        ),
        Fleet=resource(
            "AWS::AutoScaling::AutoScalingGroup",
            MinSize="1",
            MaxSize="2",
            LaunchConfigurationName=ref("Launch"),
            VPCZoneIdentifier=[ref("SubnetA"), ref("SubnetB")],
        ),
        Alb=resource(
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            Subnets=[ref("SubnetA"), ref("SubnetB")],
            SecurityGroups=[get_att("AlbGroup", "GroupId")],
        ),
        Targets=resource(
            "AWS::ElasticLoadBalancingV2::TargetGroup", VpcId=ref("Vpc"), Port=8080, Protocol="HTTP"
        ),
    )
    template["Resources"].update(extra)
    return template


def outputs_of(template: dict, **outputs) -> dict:
    return {**template, "Outputs": {k: {"Value": v} for k, v in outputs.items()}}


def test_target_tracking_policy_is_recorded_on_the_group(deploy, aws):
    policy = resource(
        "AWS::AutoScaling::ScalingPolicy",
        AutoScalingGroupName=ref("Fleet"),
        PolicyType="TargetTrackingScaling",
        TargetTrackingConfiguration={
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
            "TargetValue": 60,
        },
    )
    outputs = deploy(outputs_of(fleet(Cpu=policy), Fleet=ref("Fleet"), Policy=ref("Cpu")))

    policies = aws("autoscaling").describe_policies(AutoScalingGroupName=outputs["Fleet"])

    [recorded] = policies["ScalingPolicies"]
    assert recorded["PolicyType"] == "TargetTrackingScaling"
    assert recorded["TargetTrackingConfiguration"]["TargetValue"] == 60
    assert outputs["Policy"] == recorded["PolicyARN"]


def test_launch_lifecycle_hook_is_recorded_with_its_timeout_and_result(deploy, aws):
    hook = resource(
        "AWS::AutoScaling::LifecycleHook",
        AutoScalingGroupName=ref("Fleet"),
        LifecycleTransition="autoscaling:EC2_INSTANCE_LAUNCHING",
        HeartbeatTimeout=600,
        DefaultResult="ABANDON",
    )
    outputs = deploy(outputs_of(fleet(Launching=hook), Fleet=ref("Fleet"), Hook=ref("Launching")))

    hooks = aws("autoscaling").describe_lifecycle_hooks(AutoScalingGroupName=outputs["Fleet"])

    [recorded] = hooks["LifecycleHooks"]
    assert recorded["LifecycleHookName"] == outputs["Hook"]
    assert (recorded["HeartbeatTimeout"], recorded["DefaultResult"]) == (600, "ABANDON")


def test_egress_rule_to_another_group_is_on_the_security_group(deploy, aws):
    egress = resource(
        "AWS::EC2::SecurityGroupEgress",
        GroupId=get_att("AlbGroup", "GroupId"),
        IpProtocol="tcp",
        FromPort=8080,
        ToPort=8080,
        DestinationSecurityGroupId=get_att("AppGroup", "GroupId"),
    )
    outputs = deploy(
        outputs_of(
            fleet(ToApp=egress),
            Alb=get_att("AlbGroup", "GroupId"),
            App=get_att("AppGroup", "GroupId"),
        )
    )

    group = aws("ec2").describe_security_groups(GroupIds=[outputs["Alb"]])["SecurityGroups"][0]

    to_app = [p for p in group["IpPermissionsEgress"] if p.get("FromPort") == 8080]
    assert [pair["GroupId"] for pair in to_app[0]["UserIdGroupPairs"]] == [outputs["App"]]


def test_target_group_full_name_and_load_balancer_full_name_resolve_as_in_aws(deploy, aws):
    outputs = deploy(
        outputs_of(
            fleet(),
            TargetGroupFullName=get_att("Targets", "TargetGroupFullName"),
            TargetGroupArn=ref("Targets"),
            LoadBalancerFullName=get_att("Alb", "LoadBalancerFullName"),
            LoadBalancerArn=ref("Alb"),
            Zone=get_att("Alb", "CanonicalHostedZoneID"),
        )
    )

    assert outputs["TargetGroupFullName"].startswith("targetgroup/")
    assert outputs["TargetGroupArn"].endswith(":" + outputs["TargetGroupFullName"])
    assert outputs["LoadBalancerFullName"].startswith("app/")
    assert outputs["LoadBalancerArn"].endswith("loadbalancer/" + outputs["LoadBalancerFullName"])
    assert outputs["Zone"] == "Z35SXDOTRQ7X7K"


def test_changing_the_target_group_keeps_it_and_what_refers_to_it(deploy):
    template = outputs_of(fleet(), TargetGroupArn=ref("Targets"))
    outputs = deploy(template)

    template["Resources"]["Targets"]["Properties"]["HealthCheckPath"] = "/healthz"
    updated = deploy(template, update=outputs["StackName"])

    assert updated["TargetGroupArn"] == outputs["TargetGroupArn"]
