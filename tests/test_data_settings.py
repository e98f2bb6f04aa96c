"""The data layer's settings: each bad input fails at synth with a message naming its key."""

import pytest

from settings import SettingsError, load_settings
from tests.conftest import cdk_context


def data_settings(env: str = "dev", **overrides: str):
    context = cdk_context(env=env, **{f"data.{key}": value for key, value in overrides.items()})
    return load_settings(context).environment.data


def test_dev_keeps_one_day_of_backups_for_its_replica():
    settings = data_settings()
    assert (settings.backup_retention_days, settings.read_replicas) == (1, 1)


def test_prod_snapshots_and_protects_the_database():
    settings = data_settings("prod")
    assert (settings.removal_policy, settings.deletion_protection) == ("snapshot", True)


def test_dev_destroys_the_database_and_its_backups():
    settings = data_settings()
    assert settings.removal_policy == "destroy"
    assert settings.deletion_protection is False
    assert settings.delete_automated_backups is True


def test_replicas_without_backups_fail_explaining_both_ways_out():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.data\.backup_retention_days: is 0 but read_replicas is 1: "
        r"RDS creates a read replica only from a source with automated backups.*"
        r"Set backup_retention_days to 1 or more, or read_replicas to 0; got '0'",
    ):
        data_settings(backup_retention_days="0", read_replicas="1")


def test_no_backups_and_no_replicas_is_allowed():
    settings = data_settings(backup_retention_days="0", read_replicas="0")
    assert settings.backup_retention_days == 0


def test_backup_retention_of_36_days_fails_with_the_valid_range():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.data\.backup_retention_days: .*less than or equal to 35; "
        r"got '36'",
    ):
        data_settings(backup_retention_days="36")


@pytest.mark.parametrize("value", ["t4g", "db.t4g", "T4G.MICRO", "db.t4g.huge", "DB.T4G.MICRO"])
def test_malformed_instance_class_fails_showing_the_expected_shape(value):
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.data\.instance_class: expected an RDS instance class as "
        r"db\.\{class\}\{generation\}\[\{attributes\}\]\.\{size\}, e\.g\. db\.t4g\.micro.*"
        rf"got '{value}'",
    ):
        data_settings(instance_class=value)


@pytest.mark.parametrize(
    "value", ["db.t4g.micro", "db.r7g.large", "db.m7i.2xlarge", "db.r6idn.metal", "db.t2.small"]
)
def test_well_formed_instance_class_is_accepted(value):
    assert data_settings(instance_class=value).instance_class == value


def test_malformed_replica_instance_class_fails_naming_its_key():
    with pytest.raises(
        SettingsError, match=r"environments\.dev\.data\.replica_instance_class: expected an RDS"
    ):
        data_settings(replica_instance_class="r7g.large")


def test_engine_not_offered_fails_naming_the_ones_that_are():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.data\.engine: Input should be 'postgres', 'mysql' or "
        r"'mariadb'; got 'oracle-ee'",
    ):
        data_settings(engine="oracle-ee")


@pytest.mark.parametrize(
    ("engine", "version", "shape"),
    [
        ("postgres", "17.6.1", r"\{major\}\[\.\{minor\}\], e\.g\. 17\.6"),
        ("postgres", "v17", r"\{major\}\[\.\{minor\}\], e\.g\. 17\.6"),
        ("mysql", "8.4", r"\{major\}\.\{minor\}\.\{patch\}, e\.g\. 8\.4\.6"),
        ("mariadb", "latest", r"\{major\}\.\{minor\}\.\{patch\}, e\.g\. 11\.8\.3"),
    ],
)
def test_unknown_engine_version_format_fails_with_the_engines_shape(engine, version, shape):
    with pytest.raises(
        SettingsError,
        match=rf"environments\.dev\.data\.engine_version: is not a {engine} version as RDS "
        rf"spells it; expected {shape}; got '{version}'",
    ):
        data_settings(engine=engine, engine_version=version)


@pytest.mark.parametrize(
    ("engine", "expected"), [("postgres", "17.6"), ("mysql", "8.4.6"), ("mariadb", "11.8.3")]
)
def test_engine_version_left_out_is_the_engines_default(engine, expected):
    settings = load_settings(
        cdk_context(environments={"dev": {"data": {"engine": engine}}})
    ).environment.data
    assert settings.resolved_engine_version == expected


def test_destroy_with_deletion_protection_fails():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.data\.removal_policy: is destroy while deletion_protection "
        r"is true.*set deletion_protection to false, or removal_policy to snapshot or retain; "
        r"got 'destroy'",
    ):
        data_settings(removal_policy="destroy", deletion_protection="true")


def test_six_read_replicas_fail_with_the_valid_range():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.data\.read_replicas: .*less than or equal to 5; got '6'",
    ):
        data_settings(read_replicas="6")


def test_replica_backup_retention_on_postgres_fails():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.data\.replica_backup_retention_days: is 3 but the engine is "
        r"postgres.*leave it out, or use mysql or mariadb",
    ):
        data_settings(replica_backup_retention_days="3")


def test_replica_backup_retention_on_mysql_is_allowed():
    settings = data_settings(
        engine="mysql", engine_version="8.4.6", replica_backup_retention_days="3"
    )
    assert settings.replica_backup_retention_days == 3


def test_max_storage_below_allocated_storage_fails():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.data\.max_allocated_storage_gib: is 30, below "
        r"allocated_storage_gib \(40\)",
    ):
        data_settings(allocated_storage_gib="40", max_allocated_storage_gib="30")


def test_monitoring_interval_rds_does_not_take_fails():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.data\.monitoring_interval_seconds: expected one of 0 \(off\), "
        r"1, 5, 10, 15, 30 or 60 seconds.*got '20'",
    ):
        data_settings(monitoring_interval_seconds="20")


def test_log_type_the_engine_does_not_export_fails_naming_the_ones_it_does():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.data\.log_exports: postgres exports no 'slowquery' log; "
        r"expected some of postgresql, upgrade, iam-db-auth-error",
    ):
        data_settings(log_exports='["postgresql", "slowquery"]')


def test_rotation_of_zero_days_fails():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.data\.rotation_days: .*greater than or equal to 1; got '0'",
    ):
        data_settings(rotation_days="0")


def test_free_storage_alarm_at_the_allocated_storage_fails():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.data\.alarms\.free_storage_gib: is 20, not below "
        r"allocated_storage_gib \(20\)",
    ):
        data_settings(**{"alarms.free_storage_gib": "20"})


def test_cpu_alarm_above_100_percent_fails():
    with pytest.raises(
        SettingsError,
        match=r"environments\.dev\.data\.alarms\.cpu_percent: .*less than or equal to 100",
    ):
        data_settings(**{"alarms.cpu_percent": "120"})
