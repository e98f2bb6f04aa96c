"""The Lambda entry point: an EventBridge S3 "Object Created" event in, the outcome out.

Settings and the S3 client are made once per execution environment, at cold start. A rejected
upload is answered, not raised: retrying cannot make it valid. Any other failure is raised so
that Lambda retries the event and, after the retries, sends it to the dead-letter queue.
"""

import logging
import os
from typing import Any

from .errors import RejectedUpload
from .logs import LOGGER_NAME, configure_logging
from .publish import publish_upload
from .s3_client import make_s3_client
from .settings import Settings

SETTINGS = Settings.from_environ(os.environ)
configure_logging(
    SETTINGS.log_level, runtime_formats_json=SETTINGS.aws_lambda_log_format.upper() == "JSON"
)
S3 = make_s3_client(pool_size=SETTINGS.upload_concurrency)
log = logging.getLogger(LOGGER_NAME)


def uploaded_object(event: dict[str, Any]) -> tuple[str, str] | None:
    """(bucket, key) of an S3 "Object Created" event from EventBridge, else None."""
    if not isinstance(event, dict) or event.get("detail-type") != "Object Created":
        return None
    detail = event.get("detail")
    try:
        return detail["bucket"]["name"], detail["object"]["key"]
    except (KeyError, TypeError):
        return None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    location = uploaded_object(event)
    if location is None:
        log.info(
            "event ignored",
            extra={"outcome": "ignored", "reason": "not an S3 Object Created event"},
        )
        return {"outcome": "ignored", "reason": "not an S3 Object Created event"}
    bucket, key = location
    try:
        result = publish_upload(S3, SETTINGS, bucket, key)
    except RejectedUpload as error:
        return {"outcome": "rejected", "reason": error.reason, "message": str(error), "key": key}
    if result is None:
        return {"outcome": "ignored", "key": key}
    return {"outcome": "published", **result.to_json()}
