"""The publisher's settings: every variable has a default, and each bad value is named."""

import pytest

from allure_publisher.errors import SettingsError
from allure_publisher.settings import Settings, SiteMode


def test_runs_with_no_variable_set():
    settings = Settings.from_environ({})
    assert settings == Settings()
    assert settings.reports_prefix == "reports/"
    assert settings.incoming_prefix == "incoming/"
    assert settings.keep_runs == 20
    assert settings.site_mode is SiteMode.PRIVATE
    assert settings.upload_concurrency == 16


def test_reads_each_variable_by_its_upper_case_field_name():
    settings = Settings.from_environ(
        {
            "REPORTS_PREFIX": "site/reports/",
            "KEEP_RUNS": "5",
            "SITE_MODE": "cloudfront",
            "SITE_BASE_URL": "https://d1.cloudfront.net",
            "MAX_TOTAL_BYTES": "1000",
            "MAX_ENTRIES": "10",
            "MAX_RATIO": "50",
            "UPLOAD_CONCURRENCY": "4",
            "PATH": "/usr/bin",
        }
    )
    assert settings.reports_prefix == "site/reports/"
    assert settings.keep_runs == 5
    assert settings.site_mode is SiteMode.CLOUDFRONT
    assert settings.site_base_url == "https://d1.cloudfront.net"
    assert (settings.max_total_bytes, settings.max_entries, settings.max_ratio) == (1000, 10, 50)
    assert settings.upload_concurrency == 4


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        Settings().keep_runs = 3


def test_fails_with_every_bad_value_named_in_one_message():
    with pytest.raises(SettingsError) as raised:
        Settings.from_environ({"KEEP_RUNS": "three", "SITE_MODE": "ftp"})
    assert "KEEP_RUNS='three' is not a whole number" in str(raised.value)
    assert "SITE_MODE='ftp' is not a site mode; use one of: s3-website, cloudfront, private" in (
        str(raised.value)
    )


def test_fails_for_a_prefix_without_trailing_slash():
    with pytest.raises(SettingsError, match="REPORTS_PREFIX='reports' must be folder names"):
        Settings.from_environ({"REPORTS_PREFIX": "reports"})


def test_fails_when_reports_would_land_under_incoming():
    with pytest.raises(SettingsError, match="must not contain each other"):
        Settings.from_environ({"REPORTS_PREFIX": "incoming/reports/"})


def test_fails_for_a_part_size_below_the_s3_floor():
    with pytest.raises(SettingsError, match="PART_SIZE_BYTES=1024 must be between 5242880"):
        Settings.from_environ({"PART_SIZE_BYTES": "1024"})


def test_fails_for_a_concurrency_of_zero():
    with pytest.raises(SettingsError, match="UPLOAD_CONCURRENCY=0 must be between 1 and 256"):
        Settings.from_environ({"UPLOAD_CONCURRENCY": "0"})


def test_fails_for_cloudfront_mode_without_a_base_url():
    with pytest.raises(SettingsError, match="SITE_BASE_URL is empty but SITE_MODE=cloudfront"):
        Settings.from_environ({"SITE_MODE": "cloudfront"})


def test_fails_for_a_base_url_without_a_scheme():
    with pytest.raises(SettingsError, match="SITE_BASE_URL='d1.cloudfront.net' must start"):
        Settings.from_environ({"SITE_MODE": "cloudfront", "SITE_BASE_URL": "d1.cloudfront.net"})


def test_ignores_the_base_url_in_private_mode():
    settings = Settings.from_environ({"SITE_MODE": "private", "SITE_BASE_URL": "s3://bucket"})
    assert settings.site_mode is SiteMode.PRIVATE
