"""JSON documents in S3 that many publishers update at once, without a lock service.

An update reads the document and its ETag, changes it, and writes it back only if the ETag is
still the same (If-Match), or only if it still does not exist (If-None-Match: *). A writer that
loses the race gets 412 Precondition Failed and starts again from the new version.

Pages derived from a document (an HTML index, the latest/ pointer) are written after it, then the
document's ETag is checked again: when another publisher committed in between, the page is
rendered again from the newer version. So the last page written always matches the last version.
"""

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from .content_types import NO_CACHE
from .errors import IndexConflict

JSON_TYPE = "application/json"
# 412: the ETag changed or the key appeared. 409: S3's ConditionalRequestConflict, a concurrent
# conditional write still in progress. 404 on If-Match: the document was deleted meanwhile.
_RETRY_CODES = {"PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey"}
_RETRY_STATUSES = {409, 412}

Document = dict[str, Any]


@dataclass(frozen=True)
class StoredDocument:
    """A document as read or written, with the ETag that identifies that version."""

    body: Document | None
    etag: str | None


def read_document(s3, bucket: str, key: str) -> StoredDocument:
    """The current version of a JSON document; body and etag are None when it does not exist."""
    try:
        response = s3.get_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response["Error"]["Code"] in {"NoSuchKey", "404"}:
            return StoredDocument(None, None)
        raise
    return StoredDocument(json.loads(response["Body"].read()), response["ETag"])


def current_etag(s3, bucket: str, key: str) -> str | None:
    try:
        return s3.head_object(Bucket=bucket, Key=key)["ETag"]
    except ClientError as error:
        if error.response["Error"]["Code"] in {"NoSuchKey", "404"}:
            return None
        raise


def update_document(
    s3,
    bucket: str,
    key: str,
    change: Callable[[Document | None], Document],
    *,
    attempts: int,
    sleep: Callable[[float], None] = time.sleep,
) -> StoredDocument:
    """Apply `change` to the document's current version and write it conditionally, again from
    the newer version each time another writer got there first. `change` may run several times
    and must not keep state from a failed attempt."""
    for attempt in range(attempts):
        current = read_document(s3, bucket, key)
        body = change(current.body)
        condition = {"IfMatch": current.etag} if current.etag else {"IfNoneMatch": "*"}
        try:
            response = s3.put_object(
                Bucket=bucket,
                Key=key,
                Body=json.dumps(body, indent=1).encode(),
                ContentType=JSON_TYPE,
                CacheControl=NO_CACHE,
                **condition,
            )
        except ClientError as error:
            if not _lost_race(error):
                raise
            # Jittered backoff so that writers that collided do not collide again.
            sleep(random.uniform(0, 0.05 * 2 ** min(attempt, 5)))
            continue
        return StoredDocument(body, response["ETag"])
    raise IndexConflict(
        f"s3://{bucket}/{key} changed under this publish {attempts} times in a row; "
        "publish again, or raise INDEX_WRITE_ATTEMPTS"
    )


def write_derived(
    s3,
    bucket: str,
    source_key: str,
    source: StoredDocument,
    render: Callable[[StoredDocument], None],
    *,
    attempts: int,
) -> StoredDocument:
    """Run `render` (which writes what is derived from the source document) until the source
    did not change while it ran; return the version it was rendered from."""
    for _ in range(attempts):
        render(source)
        etag = current_etag(s3, bucket, source_key)
        if etag == source.etag:
            return source
        source = read_document(s3, bucket, source_key)
    raise IndexConflict(
        f"s3://{bucket}/{source_key} kept changing while its pages were written; publish again"
    )


def _lost_race(error: ClientError) -> bool:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return error.response["Error"]["Code"] in _RETRY_CODES or status in _RETRY_STATUSES
