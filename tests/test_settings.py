"""Each settings rule: a failing input and the message it gets, plus the coercion of -c values."""

import pytest

from settings import SettingsError, load_settings
from tests.conftest import cdk_context


def settings_for(**overrides):
    return load_settings(cdk_context(**overrides))


def test_dev_is_the_default_environment():
    assert settings_for().env_name == "dev"


def test_env_selects_the_prod_environment():
    settings = settings_for(env="prod")
    assert settings.env_name == "prod"
    assert settings.environment.network.nat_gateways == 2


def test_unknown_environment_fails_naming_the_known_ones():
    with pytest.raises(SettingsError, match=r"env: got 'qa'; expected one of .*dev, prod"):
        settings_for(env="qa")


def test_dotted_override_replaces_one_value():
    settings = settings_for(**{"compute.min_capacity": "3", "compute.max_capacity": "5"})
    assert settings.environment.compute.min_capacity == 3


def test_override_coerces_the_string_false_to_a_boolean():
    settings = settings_for(**{"data.multi_az": "false"})
    assert settings.environment.data.multi_az is False


def test_override_with_a_word_for_a_number_fails_naming_the_full_key():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.compute\.min_capacity: .*valid integer.*got 'three'",
    ):
        settings_for(**{"compute.min_capacity": "three"})


def test_unknown_key_fails_naming_it():
    with pytest.raises(
        SettingsError, match=r"environments\.dev\.compute\.min_capcity: unknown setting"
    ):
        settings_for(**{"compute.min_capcity": "3"})


def test_account_id_from_the_command_line_keeps_its_leading_zero():
    settings = settings_for(account="012345678901", region="eu-west-1")
    assert settings.environment.account == "012345678901"
    assert settings.environment.region == "eu-west-1"


def test_account_id_in_cdk_json_keeps_its_leading_zero():
    settings = load_settings(
        cdk_context(environments={"dev": {"account": "012345678901", "region": "eu-west-1"}})
    )
    assert settings.environment.account == "012345678901"


def test_a_value_for_a_whole_group_fails_naming_the_group():
    with pytest.raises(SettingsError, match=r"environments\.dev\.compute: .*got '3'"):
        settings_for(compute="3")


def test_account_id_of_eleven_digits_fails():
    with pytest.raises(SettingsError, match=r"environments\.dev\.account: .*got '12345678901'"):
        load_settings(cdk_context(environments={"dev": {"account": "12345678901"}}))


def test_all_problems_are_reported_in_one_message():
    with pytest.raises(SettingsError) as raised:
        settings_for(**{"compute.min_capacity": "three", "network.nat_gateways": "5"})
    message = str(raised.value)
    assert "environments.dev.compute.min_capacity" in message
    assert "environments.dev.network.nat_gateways" in message


def test_nat_gateways_of_zero_fails_with_the_valid_range():
    with pytest.raises(
        SettingsError, match=r"environments\.dev\.network\.nat_gateways: .*greater than or equal"
    ):
        settings_for(**{"network.nat_gateways": "0"})


def test_public_cidr_fails():
    with pytest.raises(SettingsError, match=r"environments\.dev\.network\.cidr: .*private"):
        settings_for(**{"network.cidr": "8.8.0.0/16"})


def test_settings_are_frozen():
    settings = settings_for()
    with pytest.raises(Exception, match="frozen"):
        settings.environment.compute.min_capacity = 9


def test_a_mistyped_group_in_capitals_fails_instead_of_being_ignored():
    with pytest.raises(SettingsError, match=r"environments\.dev\.Compute: unknown setting"):
        settings_for(**{"Compute.min_capacity": "3"})


def test_a_mistyped_plain_key_fails_naming_it_and_the_known_ones():
    with pytest.raises(SettingsError, match=r"unknown context key 'evn'; expected one of .*env"):
        settings_for(evn="prod")
