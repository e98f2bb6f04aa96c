"""Project, branch and run names, and where an uploaded key says a run belongs."""

from datetime import UTC, datetime

import pytest

from allure_publisher.errors import BadName
from allure_publisher.names import RunAddress, address_from_incoming_key, default_run_id


def test_accepts_letters_digits_dots_underscores_and_dashes():
    assert RunAddress.of("qea", "release_1.2-rc", "42") == RunAddress("qea", "release_1.2-rc", "42")


def test_turns_a_branch_slash_into_a_dash():
    assert RunAddress.of("qea", "feature/login/form", "7").branch == "feature-login-form"


@pytest.mark.parametrize(
    ("project", "branch", "run", "message"),
    [
        ("", "main", "1", "project name is empty"),
        ("qea", "", "1", "branch name is empty"),
        ("qea", "main", "", "run name is empty"),
        ("q e a", "main", "1", "project name 'q e a'"),
        ("qea", "main", "1;rm", "run name '1;rm'"),
        ("qea", "mäin", "1", "branch name 'mäin'"),
        ("qea", "main", "..", "run name '..'"),
        ("qea", "main", ".", "run name '.'"),
        ("qea", "main%2F", "1", "branch name 'main%2F'"),
    ],
)
def test_rejects_names_outside_the_allowed_characters(project, branch, run, message):
    with pytest.raises(BadName, match=message):
        RunAddress.of(project, branch, run)


@pytest.mark.parametrize("run", ["latest", "LATEST"])
def test_rejects_the_run_name_reserved_for_latest(run):
    with pytest.raises(BadName, match="reserved for the branch's latest/ folder"):
        RunAddress.of("qea", "main", run)


def test_reads_the_run_from_an_incoming_key():
    address = address_from_incoming_key("incoming/qea/main/42.zip", "incoming/")
    assert address == RunAddress("qea", "main", "42")


def test_joins_a_branch_given_as_folders_with_dashes():
    address = address_from_incoming_key("incoming/qea/feature/login/42.zip", "incoming/")
    assert address == RunAddress("qea", "feature-login", "42")


def test_accepts_an_upper_case_zip_extension():
    assert address_from_incoming_key("incoming/qea/main/42.ZIP", "incoming/").run == "42"


@pytest.mark.parametrize(
    "key", ["reports/qea/main/42.zip", "incoming/qea/main/42.tar.gz", "incoming/qea/main/42"]
)
def test_gives_none_for_keys_that_are_not_uploads(key):
    assert address_from_incoming_key(key, "incoming/") is None


def test_rejects_an_incoming_key_without_a_branch():
    with pytest.raises(BadName, match="is not incoming/<project>/<branch>/<run>.zip"):
        address_from_incoming_key("incoming/qea/42.zip", "incoming/")


def test_rejects_an_incoming_key_with_a_bad_run_name():
    with pytest.raises(BadName, match="run name 'run 1'"):
        address_from_incoming_key("incoming/qea/main/run 1.zip", "incoming/")


def test_makes_the_default_run_id_from_the_utc_time():
    assert default_run_id(datetime(2025, 1, 3, 10, 15, 0, tzinfo=UTC)) == "20250103T101500Z"


def test_rejects_a_run_name_too_long_for_s3_keys():
    with pytest.raises(BadName, match=r"the run name is 201 characters long; use at most 200"):
        RunAddress.of("qea", "main", "r" * 201)
