"""The publisher's own JSON log lines, used where the Lambda runtime does not write JSON."""

import io
import json
import logging

from allure_publisher.logs import JsonLineFormatter, configure_logging


def test_writes_a_record_and_its_extra_fields_as_one_json_line():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger("test_logs.one_line")
    logger.addHandler(handler)
    logger.propagate = False
    logger.warning("publish %s", "rejected", extra={"run": "7", "files": 0, "outcome": "rejected"})
    (line,) = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["message"] == "publish rejected"
    assert record["level"] == "WARNING"
    assert (record["run"], record["files"], record["outcome"]) == ("7", 0, "rejected")


def test_adds_its_own_json_handler_only_once_and_not_under_the_runtimes_json(monkeypatch):
    logger = logging.getLogger("allure_publisher")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "propagate", True)
    monkeypatch.setattr(logger, "level", logger.level)
    configure_logging("INFO", runtime_formats_json=True)
    assert logger.handlers == []
    configure_logging("INFO", runtime_formats_json=False, stream=io.StringIO())
    configure_logging("DEBUG", runtime_formats_json=False, stream=io.StringIO())
    assert len(logger.handlers) == 1
    assert logger.level == logging.DEBUG
