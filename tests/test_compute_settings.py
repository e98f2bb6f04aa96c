"""The compute settings' rules: each bad input fails at synth with a message naming its key."""

import json

import pytest

from settings import SettingsError, load_settings
from tests.conftest import cdk_context


def settings_for(**overrides):
    return load_settings(cdk_context(**overrides)).environment.compute


def schedules(*entries: dict) -> str:
    return json.dumps(list(entries))


def test_desired_capacity_below_min_capacity_fails():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.compute\.desired_capacity: is 2, outside min_capacity \(4\) "
        r"to max_capacity \(10\)",
    ):
        settings_for(
            **{
                "compute.min_capacity": "4",
                "compute.desired_capacity": "2",
                "compute.max_capacity": "10",
            }
        )


def test_min_capacity_above_max_capacity_fails():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.compute\.min_capacity: is 5, above max_capacity \(2\)",
    ):
        settings_for(**{"compute.min_capacity": "5", "compute.max_capacity": "2"})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", r"greater than or equal to 1; got '0'"),
        ("150", r"less than or equal to 100; got '150'"),
        ("seventy", r"valid integer.*got 'seventy'"),
    ],
)
def test_target_cpu_percent_outside_1_to_100_fails(value, message):
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.compute\.scaling\.target_cpu_percent: .*" + message,
    ):
        settings_for(**{"compute.scaling.target_cpu_percent": value})


def test_schedule_with_cron_minute_61_fails():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.compute\.scaling\.schedules\.0\.cron: minute '61' is outside "
        r"0-59; got '61 7 \* \* MON-FRI'",
    ):
        settings_for(
            **{
                "compute.scaling.schedules": schedules(
                    {"name": "office-hours", "cron": "61 7 * * MON-FRI", "min_capacity": 3}
                )
            }
        )


def test_schedule_with_four_cron_fields_fails():
    with pytest.raises(SettingsError, match=r"schedules\.0\.cron: has 4 fields; expected 5"):
        settings_for(**{"compute.scaling.schedules": schedules({"name": "x", "cron": "0 7 * *"})})


def test_schedule_above_max_capacity_fails():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.compute\.scaling\.schedules\.0\.max_capacity: is 20 in "
        r"schedule 'peak', outside min_capacity \(2\) to max_capacity \(3\)",
    ):
        settings_for(
            **{
                "compute.scaling.schedules": schedules(
                    {"name": "peak", "cron": "0 8 * * *", "max_capacity": 20}
                )
            }
        )


def test_schedule_in_an_unknown_time_zone_fails():
    with pytest.raises(
        SettingsError, match=r"schedules\.0\.time_zone: is not an IANA time zone.*'Mars/Olympus'"
    ):
        settings_for(
            **{
                "compute.scaling.schedules": schedules(
                    {
                        "name": "x",
                        "cron": "0 8 * * *",
                        "time_zone": "Mars/Olympus",
                        "min_capacity": 2,
                    }
                )
            }
        )


def test_schedule_without_a_capacity_fails():
    with pytest.raises(SettingsError, match=r"schedules\.0\.desired_capacity: is left out"):
        settings_for(**{"compute.scaling.schedules": schedules({"name": "x", "cron": "0 8 * * *"})})


def test_two_schedules_of_one_name_fail():
    entry = {"name": "x", "cron": "0 8 * * *", "min_capacity": 2}
    with pytest.raises(SettingsError, match=r"scaling\.schedules: names \['x'\] appear twice"):
        settings_for(**{"compute.scaling.schedules": schedules(entry, entry)})


def test_schedule_cron_with_ranges_steps_and_names_is_accepted():
    compute = settings_for(
        **{
            "compute.scaling.schedules": schedules(
                {"name": "x", "cron": "*/15 7-19 1,15 JAN-JUN MON-FRI", "desired_capacity": 3}
            )
        }
    )
    assert compute.scaling.schedules[0].cron == "*/15 7-19 1,15 JAN-JUN MON-FRI"


def test_health_check_grace_of_30_seconds_fails_explaining_the_image_pull():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.compute\.health_check_grace_seconds: is under 60; new "
        r"instances still pull the image.*got '30'",
    ):
        settings_for(**{"compute.health_check_grace_seconds": "30"})


def test_instance_type_with_an_unknown_size_fails():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.compute\.instance_type: expected an EC2 instance type as "
        r"\{family\}\{generation\}\{attributes\}\.\{size\}.*got 't3\.mega'",
    ):
        settings_for(**{"compute.instance_type": "t3.mega"})


def test_rds_instance_class_as_instance_type_fails():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.compute\.instance_type: is an RDS instance class.*"
        r"got 'db\.t3\.micro'",
    ):
        settings_for(**{"compute.instance_type": "db.t3.micro"})


def test_instance_types_of_another_architecture_fail():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.compute\.instance_types\.1: is 't4g\.small', an arm64 type, "
        r"but instance_type 't3\.micro' picks the x86_64 image",
    ):
        settings_for(**{"compute.instance_types": '["t3.small", "t4g.small"]'})


def test_graviton_instance_types_with_a_graviton_instance_type_are_accepted():
    compute = settings_for(
        **{
            "compute.instance_type": "t4g.small",
            "compute.instance_types": '["t4g.small", "m7g.large"]',
        }
    )
    assert compute.instance_types == ["t4g.small", "m7g.large"]


def test_bad_entry_in_instance_types_fails_naming_it():
    with pytest.raises(SettingsError, match=r"compute\.instance_types: \[1\] 't3\.huge' expected"):
        settings_for(**{"compute.instance_types": '["t3.small", "t3.huge"]'})


def test_spot_without_instance_types_fails():
    with pytest.raises(
        SettingsError,
        match=r"compute\.spot_percent_above_base: is 50 .*without instance_types",
    ):
        settings_for(**{"compute.spot_percent_above_base": "50"})


def test_root_container_user_fails():
    with pytest.raises(SettingsError, match=r"compute\.container\.user: is root.*got 'root'"):
        settings_for(**{"compute.container.user": "root"})


def test_privileged_container_port_fails():
    with pytest.raises(
        SettingsError, match=r"compute\.container\.port: .*greater than or equal to 1024"
    ):
        settings_for(**{"compute.container.port": "80"})


def test_log_retention_that_cloudwatch_does_not_offer_fails():
    with pytest.raises(
        SettingsError, match=r"compute\.container\.log_retention_days: is not a CloudWatch Logs"
    ):
        settings_for(**{"compute.container.log_retention_days": "10"})


def test_step_thresholds_in_the_wrong_order_fail():
    with pytest.raises(
        SettingsError,
        match=r"compute\.scaling\.step\.scale_in_cpu_percent: is 90, not below "
        r"scale_out_cpu_percent \(80\)",
    ):
        settings_for(**{"compute.scaling.step": '{"scale_in_cpu_percent": 90}'})


def test_min_instances_in_service_at_max_capacity_fails():
    with pytest.raises(
        SettingsError, match=r"compute\.min_instances_in_service: is 3, not below max_capacity"
    ):
        settings_for(**{"compute.min_instances_in_service": "3"})


def test_health_check_timeout_not_below_interval_fails():
    with pytest.raises(
        SettingsError, match=r"compute\.health_check_timeout_seconds: is 15, not below"
    ):
        settings_for(**{"compute.health_check_timeout_seconds": "15"})


def test_certificate_that_is_not_an_acm_arn_fails():
    with pytest.raises(SettingsError, match=r"compute\.certificate_arn: expected an ACM"):
        settings_for(
            **{"compute.certificate_arn": "arn:aws:iam::123456789012:server-certificate/x"}
        )


def test_requests_per_target_of_zero_fails():
    with pytest.raises(
        SettingsError, match=r"compute\.scaling\.requests_per_target: .*greater than or equal to 1"
    ):
        settings_for(**{"compute.scaling.requests_per_target": "0"})


def test_prod_settings_are_valid_and_enable_every_scaling_kind():
    compute = load_settings(cdk_context(env="prod")).environment.compute
    assert compute.scaling.step is not None
    assert compute.scaling.requests_per_target == 1000
    assert len(compute.scaling.schedules) == 2
    assert compute.expect_https is True
