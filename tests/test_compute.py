"""The compute stack: launch template, container, group, scaling, load balancer, monitoring."""

import json
import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Capture, Match, Template

from constructs.app_fleet import AppFleet, ContainerSpec, ecr_image
from stacks.compute import HTTP_ONLY_WARNING

CERTIFICATE = (
    "arn:aws:acm:eu-central-1:123456789012:certificate/0f5e2a4c-1b2d-4e3f-9a8b-7c6d5e4f3a2b"
)
ECR_IMAGE = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/qea/app:1.4.0"


def compute_template(assembly, env: str = "dev") -> Template:
    return Template.from_json(assembly.get_stack_by_name(f"qea-{env}-compute").template)


def only(template: Template, type_: str) -> dict:
    resources = template.find_resources(type_)
    assert len(resources) == 1, f"expected one {type_}, found {len(resources)}"
    return next(iter(resources.values()))


def user_data(template: Template) -> str:
    """The launch template's user data, with references shown as their JSON."""
    data = only(template, "AWS::EC2::LaunchTemplate")["Properties"]["LaunchTemplateData"]
    parts = data["UserData"]["Fn::Base64"]["Fn::Join"][1]
    return "".join(part if isinstance(part, str) else json.dumps(part) for part in parts)


def docker_run_line(template: Template) -> str:
    return next(line for line in user_data(template).splitlines() if line.startswith("docker run"))


@pytest.fixture(scope="session")
def with_certificate(synth_with):
    return compute_template(
        synth_with(env="prod", **{"compute.certificate_arn": CERTIFICATE}), "prod"
    )


@pytest.fixture(scope="session")
def with_ecr_image_on_graviton(synth_with):
    return compute_template(
        synth_with(
            **{
                "compute.container.image": ECR_IMAGE,
                "compute.instance_type": "t4g.small",
                "compute.desired_capacity": "2",
            }
        )
    )


# Launch template


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_launch_template_requires_imdsv2_with_hop_limit_two(template, env):
    template(env, "compute").has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateData": Match.object_like(
                {
                    "MetadataOptions": {
                        "HttpTokens": "required",
                        "HttpPutResponseHopLimit": 2,
                    }
                }
            )
        },
    )


def test_launch_template_root_volume_is_encrypted_gp3(template):
    template("dev", "compute").has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateData": Match.object_like(
                {
                    "BlockDeviceMappings": [
                        {
                            "DeviceName": "/dev/xvda",
                            "Ebs": {
                                "Encrypted": True,
                                "VolumeType": "gp3",
                                "VolumeSize": 20,
                                "DeleteOnTermination": True,
                            },
                        }
                    ]
                }
            )
        },
    )


def test_launch_template_has_no_ssh_key_and_the_instance_type_from_settings(template):
    data = only(template("dev", "compute"), "AWS::EC2::LaunchTemplate")["Properties"][
        "LaunchTemplateData"
    ]
    assert "KeyName" not in data
    assert data["InstanceType"] == "t3.micro"


def test_image_is_amazon_linux_2023_from_the_public_ssm_parameter(template_json):
    parameters = template_json("dev", "compute")["Parameters"]
    images = [
        p["Default"]
        for p in parameters.values()
        if p["Type"] == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
    ]
    assert len(images) == 1
    assert re.fullmatch(
        r"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-.*-x86_64", images[0]
    )


def test_graviton_instance_type_gets_the_arm64_image(with_ecr_image_on_graviton):
    parameters = with_ecr_image_on_graviton.to_json()["Parameters"]
    defaults = [p.get("Default", "") for p in parameters.values()]
    assert any(re.search(r"al2023-ami-kernel-.*-arm64$", d) for d in defaults), defaults


def test_no_security_group_rule_opens_port_22(template):
    for env in ("dev", "prod"):
        body = json.dumps(template(env, "compute").to_json())
        assert not re.search(r'"FromPort": 22\b', body)


def test_instances_admit_the_container_port_from_the_load_balancer_only(template):
    compute = template("dev", "compute")
    rules = compute.find_resources(
        "AWS::EC2::SecurityGroupIngress",
        {
            "Properties": {
                "GroupId": {"Fn::GetAtt": [Match.string_like_regexp("^FleetSecurity"), "GroupId"]}
            }
        },
    )
    assert len(rules) == 1
    rule = next(iter(rules.values()))["Properties"]
    assert rule["FromPort"] == rule["ToPort"] == 8080
    assert rule["SourceSecurityGroupId"]["Fn::GetAtt"][0].startswith("LoadBalancerAlbSecurityGroup")
    fleet_group = only_fleet_security_group(compute)
    assert "SecurityGroupIngress" not in fleet_group["Properties"]


def only_fleet_security_group(compute: Template) -> dict:
    groups = compute.find_resources("AWS::EC2::SecurityGroup")
    return next(group for key, group in groups.items() if key.startswith("FleetSecurityGroup"))


def test_instance_role_has_the_ssm_core_policy(template):
    template("dev", "compute").has_resource_properties(
        "AWS::IAM::Role",
        {
            "ManagedPolicyArns": Match.array_with(
                [
                    {
                        "Fn::Join": [
                            "",
                            [
                                "arn:",
                                {"Ref": "AWS::Partition"},
                                ":iam::aws:policy/AmazonSSMManagedInstanceCore",
                            ],
                        ]
                    }
                ]
            )
        },
    )


def _fleet_statements(compute: Template) -> list[dict]:
    policy = next(
        p
        for key, p in compute.find_resources("AWS::IAM::Policy").items()
        if key.startswith("FleetRoleDefaultPolicy")
    )
    return policy["Properties"]["PolicyDocument"]["Statement"]


def test_instance_role_may_read_only_the_database_secret(template):
    statements = _fleet_statements(template("dev", "compute"))
    reads = [s for s in statements if "secretsmanager:GetSecretValue" in s["Action"]]
    assert len(reads) == 1
    resource = reads[0]["Resource"]
    assert "Fn::ImportValue" in resource and "Secret" in resource["Fn::ImportValue"]


def test_instance_role_may_complete_the_lifecycle_hooks_of_its_own_group_only(template):
    compute = template("dev", "compute")
    hooks = next(
        s
        for s in _fleet_statements(compute)
        if "autoscaling:CompleteLifecycleAction" in s["Action"]
    )
    group_id = next(iter(compute.find_resources("AWS::AutoScaling::AutoScalingGroup")))
    assert hooks["Condition"] == {
        "StringEquals": {
            "aws:ResourceTag/aws:cloudformation:stack-id": {"Ref": "AWS::StackId"},
            "aws:ResourceTag/aws:cloudformation:logical-id": group_id,
        }
    }
    assert json.dumps(hooks["Resource"]).endswith(':autoScalingGroup:*:autoScalingGroupName/*"]]}')


def test_instance_role_may_pull_only_from_the_images_ecr_repository(with_ecr_image_on_graviton):
    statements = _fleet_statements(with_ecr_image_on_graviton)
    pull = next(s for s in statements if "ecr:BatchGetImage" in s["Action"])
    assert pull["Resource"] == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":ecr:eu-central-1:123456789012:repository/qea/app",
            ],
        ]
    }
    token = next(s for s in statements if "ecr:GetAuthorizationToken" in s["Action"])
    assert token["Resource"] == "*"


def test_public_image_needs_no_ecr_permission(template):
    actions = json.dumps(_fleet_statements(template("dev", "compute")))
    assert "ecr:" not in actions


# User data and the container


def test_user_data_fails_fast_and_logs_to_the_system_log(template):
    script = user_data(template("dev", "compute"))
    assert "set -euo pipefail" in script
    assert "logger -t user-data" in script


def test_container_runs_hardened_with_the_limits_from_settings(template):
    run = docker_run_line(template("prod", "compute"))
    for flag in (
        "--restart unless-stopped",
        "-p 8080:8080",
        "--user 101:101",
        "--read-only",
        "--tmpfs /tmp:",
        "--cap-drop ALL",
        "--security-opt no-new-privileges",
        "--memory 1024m",
        "--cpus 1.5",
        "--pids-limit 256",
        "--env-file /etc/app/database.env",
        "--log-driver awslogs",
    ):
        assert flag in run, flag
    assert run.endswith("public.ecr.aws/nginx/nginx-unprivileged:1.29-alpine")


def test_container_logs_go_to_a_log_group_of_this_stack_with_retention(template):
    compute = template("dev", "compute")
    group = next(iter(compute.find_resources("AWS::Logs::LogGroup")))
    assert f'awslogs-group={{"Ref": "{group}"}}' in docker_run_line(compute)
    compute.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 7})


def test_container_gets_the_database_endpoints_port_and_name(template):
    run = docker_run_line(template("dev", "compute"))
    assert re.search(
        r"-e 'DB_HOST=\{\"Fn::ImportValue\": \"qea-dev-data:[^\"]*Writer[^\"]*Address", run
    )
    assert re.search(r"-e 'DB_PORT=\{\"Fn::ImportValue\": \"qea-dev-data:[^\"]*Port", run)
    assert re.search(
        r"-e 'DB_READER_HOSTS=\{\"Fn::ImportValue\": \"qea-dev-data:[^\"]*Replica1", run
    )
    assert "-e DB_NAME=app" in run


def test_credentials_appear_nowhere_in_the_template_only_the_secrets_arn(template, template_json):
    compute = template("dev", "compute")
    body = json.dumps(template_json("dev", "compute"))
    assert "resolve:secretsmanager" not in body
    assert "SecretString" not in body.replace("--query SecretString", "")
    script = user_data(compute)
    secret_refs = re.findall(r"--secret-id (\{[^}]*\})", script)
    assert len(secret_refs) == 1
    assert "Secret" in json.loads(secret_refs[0])["Fn::ImportValue"]
    # The data stack's secret export is the ARN (the attachment's Ref), never a value of it.
    assert "SecretAttachment" in secret_refs[0]
    outputs = json.dumps(template_json("dev", "compute")["Outputs"])
    assert "Secret" not in outputs and "assword" not in outputs


def test_credentials_go_to_a_root_only_env_file(template):
    script = user_data(template("dev", "compute"))
    assert "install -d -m 0700 /etc/app" in script
    assert script.index("umask 077") < script.index("> /etc/app/database.env")


def test_instance_logs_in_to_ecr_only_for_an_ecr_image(template, with_ecr_image_on_graviton):
    assert "docker login" not in user_data(template("dev", "compute"))
    assert (
        "aws ecr get-login-password --region eu-central-1 | docker login --username AWS "
        "--password-stdin 123456789012.dkr.ecr.eu-central-1.amazonaws.com"
    ) in user_data(with_ecr_image_on_graviton)


def test_instance_signals_only_after_the_container_answers_its_health_check(template):
    script = user_data(template("dev", "compute"))
    group = next(
        iter(template("dev", "compute").find_resources("AWS::AutoScaling::AutoScalingGroup"))
    )
    assert f"cfn-signal --stack qea-dev-compute --resource {group}" in script
    assert "-e $exitCode" in script
    assert "trap exitTrap EXIT" in script
    health = script.index("until curl -fsS -o /dev/null http://127.0.0.1:8080/")
    complete = script.index("--lifecycle-action-result CONTINUE")
    assert health < complete
    assert script.index("launch_hook_done=1") > complete


def test_failed_boot_abandons_the_launch_hook(template):
    script = user_data(template("dev", "compute"))
    trap = script[script.index("function exitTrap") : script.index("trap exitTrap EXIT")]
    assert "--lifecycle-action-result ABANDON" in trap
    assert trap.index("ABANDON") < trap.index("cfn-signal")


def test_ecr_image_parses_registry_region_and_repository():
    image = ecr_image(ECR_IMAGE)
    assert image is not None
    assert (image.registry, image.region, image.repository) == (
        "123456789012.dkr.ecr.eu-central-1.amazonaws.com",
        "eu-central-1",
        "qea/app",
    )
    assert ecr_image("public.ecr.aws/nginx/nginx-unprivileged:1.29-alpine") is None


# The group


def test_group_uses_elb_health_checks_with_the_grace_period(template):
    template("dev", "compute").has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {"HealthCheckType": "ELB", "HealthCheckGracePeriod": 300},
    )


def test_group_cooldown_and_warmup_come_from_settings(synth_with):
    compute = compute_template(
        synth_with(
            **{
                "compute.default_cooldown_seconds": "120",
                "compute.instance_warmup_seconds": "240",
                "compute.health_check_grace_seconds": "90",
            }
        )
    )
    compute.has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {"Cooldown": "120", "DefaultInstanceWarmup": 240, "HealthCheckGracePeriod": 90},
    )


def test_group_spans_both_app_subnets_with_capacities_from_settings(template):
    group = only(template("prod", "compute"), "AWS::AutoScaling::AutoScalingGroup")["Properties"]
    subnets = [ref["Fn::ImportValue"] for ref in group["VPCZoneIdentifier"]]
    assert len(subnets) == 2 and all("AppSubnet" in s for s in subnets)
    assert (group["MinSize"], group["MaxSize"]) == ("2", "6")
    assert "DesiredCapacity" not in group


def test_group_uses_the_versioned_launch_template_not_a_launch_configuration(template):
    compute = template("dev", "compute")
    compute.resource_count_is("AWS::AutoScaling::LaunchConfiguration", 0)
    compute.has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {
            "LaunchTemplate": {
                "LaunchTemplateId": {"Ref": Match.string_like_regexp("^FleetLaunchTemplate")},
                "Version": {
                    "Fn::GetAtt": [
                        Match.string_like_regexp("^FleetLaunchTemplate"),
                        "LatestVersionNumber",
                    ]
                },
            }
        },
    )


def test_instance_types_turn_on_a_mixed_instances_policy_with_spot_above_the_base(template):
    template("prod", "compute").has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {
            "MixedInstancesPolicy": {
                "InstancesDistribution": {
                    "OnDemandBaseCapacity": 2,
                    "OnDemandPercentageAboveBaseCapacity": 50,
                    "SpotAllocationStrategy": "price-capacity-optimized",
                },
                "LaunchTemplate": Match.object_like(
                    {
                        "Overrides": [
                            {"InstanceType": "t3.small"},
                            {"InstanceType": "t3a.small"},
                            {"InstanceType": "t3.medium"},
                        ]
                    }
                ),
            }
        },
    )


def test_group_waits_for_signals_and_rolls_out_with_signals(template):
    group = only(template("prod", "compute"), "AWS::AutoScaling::AutoScalingGroup")
    assert group["CreationPolicy"]["ResourceSignal"] == {"Count": 2, "Timeout": "PT12M"}
    rolling = group["UpdatePolicy"]["AutoScalingRollingUpdate"]
    assert rolling["WaitOnResourceSignals"] is True
    assert rolling["MinInstancesInService"] == 2
    assert rolling["MaxBatchSize"] == 1
    assert rolling["PauseTime"] == "PT12M"


def test_lifecycle_hooks_hold_launches_and_drain_terminations(template):
    group = only(template("prod", "compute"), "AWS::AutoScaling::AutoScalingGroup")["Properties"]
    hooks = {hook["LifecycleTransition"]: hook for hook in group["LifecycleHookSpecificationList"]}
    assert hooks["autoscaling:EC2_INSTANCE_LAUNCHING"] == {
        "LifecycleHookName": "app-launch",
        "LifecycleTransition": "autoscaling:EC2_INSTANCE_LAUNCHING",
        "HeartbeatTimeout": 600,
        "DefaultResult": "ABANDON",
    }
    termination = hooks["autoscaling:EC2_INSTANCE_TERMINATING"]
    # prod drains for 60 s; the hook waits that long and 30 s more.
    assert (termination["HeartbeatTimeout"], termination["DefaultResult"]) == (90, "CONTINUE")


def test_group_collects_metrics_and_notifies_the_alarm_topic(template):
    template("dev", "compute").has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {
            "MetricsCollection": [{"Granularity": "1Minute"}],
            "NotificationConfigurations": [
                {
                    "TopicARN": {
                        "Fn::ImportValue": Match.string_like_regexp("qea-dev-data:.*AlarmTopic")
                    },
                    "NotificationTypes": Match.array_with(
                        ["autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_TERMINATE"]
                    ),
                }
            ],
        },
    )


def test_desired_capacity_is_set_when_given(with_ecr_image_on_graviton):
    group = only(with_ecr_image_on_graviton, "AWS::AutoScaling::AutoScalingGroup")
    assert group["Properties"]["DesiredCapacity"] == "2"


def test_desired_capacity_warning_is_given_exactly_once(synth_with):
    assembly = synth_with(**{"compute.desired_capacity": "3"})
    messages = [
        m
        for m in assembly.get_stack_by_name("qea-dev-compute").messages
        if "desiredCapacity" in str(m.entry.data)
    ]
    assert len(messages) == 1
    assert "reset the size" in str(messages[0].entry.data)


def test_fewer_than_two_zones_fails_at_synth():
    app = cdk.App()
    stack = cdk.Stack(app, "OneZone")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1)
    secret = secretsmanager.Secret(stack, "Secret")
    with pytest.raises(Exception, match=r"span 1 availability zone\(s\); expected at least 2"):
        AppFleet(
            stack,
            "Fleet",
            vpc=vpc,
            instance_type=ec2.InstanceType("t3.micro"),
            container=ContainerSpec(
                image="public.ecr.aws/nginx/nginx-unprivileged:1.29-alpine",
                port=8080,
                user="101:101",
                memory_mib=256,
                cpus=1,
                pids_limit=64,
                health_check_path="/",
            ),
            database_secret=secret,
            min_capacity=1,
            max_capacity=2,
        )


# Scaling


def test_target_tracking_holds_average_cpu(template):
    template("dev", "compute").has_resource_properties(
        "AWS::AutoScaling::ScalingPolicy",
        {
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingConfiguration": {
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "ASGAverageCPUUtilization"
                },
                "TargetValue": 50,
            },
        },
    )


def test_requests_per_target_tracks_the_target_group_of_this_stack(template):
    label = Capture()
    compute = template("prod", "compute")
    compute.has_resource_properties(
        "AWS::AutoScaling::ScalingPolicy",
        {
            "TargetTrackingConfiguration": {
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "ALBRequestCountPerTarget",
                    "ResourceLabel": label,
                },
                "TargetValue": 1000,
            }
        },
    )
    text = json.dumps(label.as_object())
    assert "LoadBalancerAlb" in text and "LoadBalancerAppTargets" in text
    assert "ImportValue" not in text


def test_dev_has_no_request_tracking_or_steps_or_schedules(template):
    compute = template("dev", "compute")
    compute.resource_count_is("AWS::AutoScaling::ScalingPolicy", 1)
    compute.resource_count_is("AWS::AutoScaling::ScheduledAction", 0)


def test_step_scaling_adds_and_removes_the_increment_on_its_own_alarms(template):
    compute = template("prod", "compute")
    out = Capture()
    compute.has_resource_properties(
        "AWS::AutoScaling::ScalingPolicy",
        {
            "PolicyType": "StepScaling",
            "AdjustmentType": "ChangeInCapacity",
            "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 2}],
        },
    )
    compute.has_resource_properties(
        "AWS::AutoScaling::ScalingPolicy",
        {
            "PolicyType": "StepScaling",
            "StepAdjustments": [{"MetricIntervalUpperBound": 0, "ScalingAdjustment": -2}],
        },
    )
    compute.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "CPUUtilization",
            "Threshold": 80,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "AlarmActions": [{"Ref": out}],
        },
    )
    assert out.as_string().startswith("ScalingScaleOutAction")
    compute.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "CPUUtilization",
            "Threshold": 20,
            "ComparisonOperator": "LessThanOrEqualToThreshold",
        },
    )


def test_schedules_set_capacities_in_their_time_zone(template):
    compute = template("prod", "compute")
    compute.has_resource_properties(
        "AWS::AutoScaling::ScheduledAction",
        {"Recurrence": "0 7 * * MON-FRI", "TimeZone": "Europe/Berlin", "MinSize": 3},
    )
    compute.has_resource_properties(
        "AWS::AutoScaling::ScheduledAction",
        {"Recurrence": "0 19 * * MON-FRI", "TimeZone": "Europe/Berlin", "MinSize": 2},
    )


# Load balancer


def test_load_balancer_is_internet_facing_drops_invalid_headers_and_logs_to_the_log_bucket(
    template,
):
    template("dev", "compute").has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {
            "Scheme": "internet-facing",
            "LoadBalancerAttributes": Match.array_with(
                [
                    {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
                    {"Key": "access_logs.s3.enabled", "Value": "true"},
                    {
                        "Key": "access_logs.s3.bucket",
                        "Value": {"Fn::ImportValue": Match.string_like_regexp("qea-dev-storage:")},
                    },
                    {"Key": "access_logs.s3.prefix", "Value": "alb"},
                ]
            ),
            "Subnets": Match.array_with(
                [{"Fn::ImportValue": Match.string_like_regexp("PublicSubnet1")}]
            ),
        },
    )


def test_compute_stack_does_not_edit_the_log_buckets_policy(template):
    template("dev", "compute").resource_count_is("AWS::S3::BucketPolicy", 0)


def test_target_group_health_check_and_drain_come_from_settings(template):
    template("prod", "compute").has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        {
            "Port": 8080,
            "Protocol": "HTTP",
            "HealthCheckPath": "/",
            "HealthCheckIntervalSeconds": 15,
            "HealthCheckTimeoutSeconds": 5,
            "HealthyThresholdCount": 2,
            "UnhealthyThresholdCount": 3,
            "TargetGroupAttributes": Match.array_with(
                [{"Key": "deregistration_delay.timeout_seconds", "Value": "60"}]
            ),
        },
    )


def test_without_a_certificate_http_forwards_to_the_app(template):
    compute = template("dev", "compute")
    compute.resource_count_is("AWS::ElasticLoadBalancingV2::Listener", 1)
    compute.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        {
            "Port": 80,
            "Protocol": "HTTP",
            "DefaultActions": [Match.object_like({"Type": "forward"})],
        },
    )


def test_with_a_certificate_https_serves_a_current_tls_policy_and_http_redirects(with_certificate):
    with_certificate.resource_count_is("AWS::ElasticLoadBalancingV2::Listener", 2)
    with_certificate.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        {
            "Port": 443,
            "Protocol": "HTTPS",
            "Certificates": [{"CertificateArn": CERTIFICATE}],
            "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
            "DefaultActions": [Match.object_like({"Type": "forward"})],
        },
    )
    with_certificate.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        {
            "Port": 80,
            "DefaultActions": [
                {
                    "Type": "redirect",
                    "RedirectConfig": {
                        "Protocol": "HTTPS",
                        "Port": "443",
                        "StatusCode": "HTTP_301",
                    },
                }
            ],
        },
    )


def test_prod_without_a_certificate_warns_that_it_serves_http_only(assemblies):
    stack = assemblies["prod"].get_stack_by_name("qea-prod-compute")
    warnings = [m for m in stack.messages if HTTP_ONLY_WARNING in str(m.entry.data)]
    assert len(warnings) == 1
    assert "plain HTTP" in str(warnings[0].entry.data)


def test_dev_and_a_certificate_give_no_http_only_warning(assemblies, synth_with):
    dev = assemblies["dev"].get_stack_by_name("qea-dev-compute")
    assert not [m for m in dev.messages if HTTP_ONLY_WARNING in str(m.entry.data)]
    prod = synth_with(env="prod", **{"compute.certificate_arn": CERTIFICATE})
    stack = prod.get_stack_by_name("qea-prod-compute")
    assert not [m for m in stack.messages if HTTP_ONLY_WARNING in str(m.entry.data)]


# The database's ingress


def test_database_ingress_is_a_rule_in_this_stack_from_the_instances(template):
    template("dev", "compute").has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {
            "GroupId": {
                "Fn::ImportValue": Match.string_like_regexp("qea-dev-data:.*SecurityGroup")
            },
            "SourceSecurityGroupId": {
                "Fn::GetAtt": [Match.string_like_regexp("^FleetSecurityGroup"), "GroupId"]
            },
            "IpProtocol": "tcp",
        },
    )


# Monitoring


def test_alarms_fire_on_unhealthy_hosts_5xx_rate_and_p90_latency_to_the_topic(template):
    compute = template("prod", "compute")
    topic = {"Fn::ImportValue": Match.string_like_regexp("qea-prod-data:.*AlarmTopic")}
    compute.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "UnHealthyHostCount",
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "AlarmActions": [topic],
        },
    )
    compute.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Threshold": 2,
            "Metrics": Match.array_with(
                [
                    Match.object_like(
                        {"Expression": "100 * (FILL(target, 0) + FILL(elb, 0)) / requests"}
                    )
                ]
            ),
            "AlarmActions": [topic],
        },
    )
    compute.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "TargetResponseTime",
            "ExtendedStatistic": "p90",
            "Threshold": 0.5,
            "AlarmActions": [topic],
        },
    )


def test_dashboard_shows_the_group_the_load_balancer_and_the_database(template):
    dashboard = only(template("dev", "compute"), "AWS::CloudWatch::Dashboard")
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for metric in (
        "GroupDesiredCapacity",
        "GroupInServiceInstances",
        "CPUUtilization",
        "RequestCount",
        "HTTPCode_Target_5XX_Count",
        "HTTPCode_ELB_5XX_Count",
        "TargetResponseTime",
        "HealthyHostCount",
        "UnHealthyHostCount",
        "DatabaseConnections",
        "ReplicaLag",
    ):
        assert metric in body, metric


def test_outputs_name_the_url_the_group_and_the_dashboard(template):
    compute = template("dev", "compute")
    for name in ("LoadBalancerDnsName", "AppUrl", "GroupName", "DashboardName"):
        compute.has_output(name, {})
    url = compute.find_outputs("AppUrl")["AppUrl"]["Value"]
    assert url["Fn::Join"][1][0] == "http://"


def test_https_url_is_the_output_with_a_certificate(with_certificate):
    url = with_certificate.find_outputs("AppUrl")["AppUrl"]["Value"]
    assert url["Fn::Join"][1][0] == "https://"
