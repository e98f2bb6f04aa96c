"""Structured logs: one JSON object per line, the record's extra fields at the top level."""

import json
import logging
import sys

LOGGER_NAME = "allure_publisher"
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


class JsonLineFormatter(logging.Formatter):
    """Formats a record as `{"level", "logger", "message", ...extra fields}` on one line, the
    shape the Lambda runtime's JSON log format gives the same record."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "timestamp": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(
            (key, value) for key, value in vars(record).items() if key not in _RECORD_FIELDS
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(level: str, *, runtime_formats_json: bool, stream=None) -> logging.Logger:
    """Set the publisher logger's level and, unless the Lambda runtime already writes JSON,
    give it a handler of its own that does."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level.upper())
    if not runtime_formats_json and not any(
        isinstance(handler.formatter, JsonLineFormatter) for handler in logger.handlers
    ):
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(JsonLineFormatter())
        logger.addHandler(handler)
        logger.propagate = False
    return logger
