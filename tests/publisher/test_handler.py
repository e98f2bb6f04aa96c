"""The Lambda entry point: EventBridge "Object Created" events in, outcomes out."""

import importlib

import pytest
from botocore.exceptions import ClientError

from .conftest import BUCKET, keys_under
from .zips import allure2_files, zip_bytes


@pytest.fixture
def handler_module(s3, settings, monkeypatch):
    """The handler module as a cold start makes it, on the mocked bucket."""
    module = importlib.import_module("allure_publisher.handler")
    monkeypatch.setattr(module, "S3", s3)
    monkeypatch.setattr(module, "SETTINGS", settings)
    return module


def object_created(key: str, bucket: str = BUCKET) -> dict:
    return {
        "version": "0",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "detail": {"bucket": {"name": bucket}, "object": {"key": key, "size": 1}},
    }


def test_publishes_an_uploaded_zip(handler_module, s3):
    s3.put_object(Bucket=BUCKET, Key="incoming/qea/main/12.zip", Body=zip_bytes(allure2_files()))
    outcome = handler_module.handler(object_created("incoming/qea/main/12.zip"), None)
    assert outcome["outcome"] == "published"
    assert (outcome["project"], outcome["branch"], outcome["run"]) == ("qea", "main", "12")
    assert outcome["counts"]["passed"] == 1
    assert outcome["files"] == len(allure2_files())
    assert "/reports/qea/main/12/index.html?" in outcome["url"]
    assert "reports/qea/main/12/index.html" in keys_under(s3, "reports/qea/main/12/")


def test_turns_a_branch_given_as_folders_into_one_folder(handler_module, s3):
    key = "incoming/qea/feature/login/3.zip"
    s3.put_object(Bucket=BUCKET, Key=key, Body=zip_bytes(allure2_files()))
    assert handler_module.handler(object_created(key), None)["branch"] == "feature-login"
    assert keys_under(s3, "reports/qea/feature-login/3/") != []


def test_ignores_a_key_outside_incoming(handler_module, s3, publish_log):
    outcome = handler_module.handler(object_created("reports/qea/main/1/index.html"), None)
    assert outcome == {"outcome": "ignored", "key": "reports/qea/main/1/index.html"}
    assert publish_log.outcomes()[0].outcome == "ignored"


def test_ignores_a_key_not_ending_in_zip(handler_module):
    outcome = handler_module.handler(object_created("incoming/qea/main/1.txt"), None)
    assert outcome["outcome"] == "ignored"


def test_ignores_an_event_that_is_not_object_created(handler_module, publish_log):
    outcome = handler_module.handler({"detail-type": "Object Deleted", "detail": {}}, None)
    assert outcome == {"outcome": "ignored", "reason": "not an S3 Object Created event"}
    assert publish_log.outcomes()[0].reason == "not an S3 Object Created event"


def test_answers_a_rejected_upload_without_raising(handler_module, s3):
    s3.put_object(Bucket=BUCKET, Key="incoming/qea/main/1.zip", Body=b"not a zip")
    outcome = handler_module.handler(object_created("incoming/qea/main/1.zip"), None)
    assert (outcome["outcome"], outcome["reason"]) == ("rejected", "not-a-zip")
    assert keys_under(s3, "reports/") == []


def test_raises_other_failures_so_that_lambda_retries(handler_module):
    with pytest.raises(ClientError):
        handler_module.handler(object_created("incoming/qea/main/1.zip", "no-such-bucket"), None)


def test_reads_its_settings_once_from_the_environment_at_cold_start(monkeypatch):
    monkeypatch.setenv("KEEP_RUNS", "3")
    monkeypatch.setenv("SITE_MODE", "s3-website")
    module = importlib.reload(importlib.import_module("allure_publisher.handler"))
    assert (module.SETTINGS.keep_runs, module.SETTINGS.site_mode) == (3, "s3-website")
    assert module.S3.meta.config.max_pool_connections == module.SETTINGS.upload_concurrency


@pytest.mark.parametrize("event", [[], "Object Created", None, {"detail-type": "Object Created"}])
def test_ignores_events_that_are_not_shaped_like_s3_events(handler_module, event):
    assert handler_module.handler(event, None)["outcome"] == "ignored"
