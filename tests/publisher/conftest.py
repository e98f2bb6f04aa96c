"""Fixtures for the publisher's tests: `lambda/` on sys.path, a mocked S3 bucket, zips built in
the test, and the publisher's log records. No test here reaches AWS."""

import logging
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "lambda") not in sys.path:
    sys.path.insert(0, str(ROOT / "lambda"))

from moto import mock_aws  # noqa: E402

from allure_publisher.logs import LOGGER_NAME  # noqa: E402
from allure_publisher.s3_client import make_s3_client  # noqa: E402
from allure_publisher.settings import Settings  # noqa: E402

BUCKET = "qea-reports"
REPORTS = ROOT / "tests" / "fixtures" / "reports"


@pytest.fixture(autouse=True)
def aws_test_environment(monkeypatch):
    """Dummy credentials and no endpoint override, so nothing can reach a real account."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")


@pytest.fixture
def s3():
    """An S3 client on moto, with the reports bucket created."""
    with mock_aws():
        client = make_s3_client(pool_size=8, region="eu-west-1")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        yield client


@pytest.fixture
def settings() -> Settings:
    """The defaults, with parts small enough for tests to exercise multipart uploads."""
    return Settings(
        multipart_threshold_bytes=5 * 1024 * 1024,
        part_size_bytes=5 * 1024 * 1024,
        upload_buffer_bytes=10 * 1024 * 1024,
    )


class LogRecords(logging.Handler):
    """Collects the publisher logger's records."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def outcomes(self) -> list[logging.LogRecord]:
        return [record for record in self.records if hasattr(record, "outcome")]


@pytest.fixture
def publish_log():
    logger = logging.getLogger(LOGGER_NAME)
    records = LogRecords()
    level = logger.level
    logger.addHandler(records)
    logger.setLevel(logging.DEBUG)
    yield records
    logger.removeHandler(records)
    logger.setLevel(level)


def keys_under(s3, prefix: str) -> list[str]:
    """Every key under prefix, sorted."""
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        keys.extend(item["Key"] for item in page.get("Contents", ()))
    return sorted(keys)


def read_json(s3, key: str):
    import json

    return json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())


def read_text(s3, key: str) -> str:
    return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
