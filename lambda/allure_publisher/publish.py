"""A publish from start to end: check the zip, write the run, then (only then) the indexes,
latest/ and retention; one structured log line tells how it went.

Order matters for failure: a publish that dies while writing the run leaves the branch's index
and latest/ as they were, and publishing the same upload again completes it.
"""

import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from .archive import ArchiveLimits, ReportArchive, open_report_archive
from .conditional_json import read_document, update_document, write_derived
from .content_types import NO_CACHE, content_type_for
from .errors import LimitExceeded, RejectedUpload
from .history import refresh_latest
from .layouts import ReportLayout, RunCounts, detect_layout, read_counts
from .logs import LOGGER_NAME
from .names import ReportKeys, RunAddress, address_from_incoming_key, is_incoming_upload
from .pages import branch_page, project_page, site_page
from .run_index import (
    BRANCHES_FILE,
    PAGE_FILE,
    PROJECTS_FILE,
    RUNS_FILE,
    RunEntry,
    utc_now,
    with_branch,
    with_project,
    with_run,
)
from .run_writer import ProgressCallback, UploadTuning, write_run
from .s3_client import delete_keys, list_keys
from .s3_object_file import s3_object_opener
from .settings import Settings
from .site_links import site_url

log = logging.getLogger(LOGGER_NAME)
# Room left in /tmp beside a downloaded upload.
TEMP_MARGIN_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class PublishResult:
    """What a publish produced: where the run is, its counts, and what it cost."""

    address: RunAddress
    layout: ReportLayout
    counts: RunCounts | None
    files: int
    bytes: int
    seconds: float
    run_key: str
    url: str
    index_url: str
    dropped_runs: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.address.project,
            "branch": self.address.branch,
            "run": self.address.run,
            "layout": str(self.layout),
            "counts": self.counts.to_json() if self.counts else None,
            "files": self.files,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
            "run_key": self.run_key,
            "url": self.url,
            "index_url": self.index_url,
            "dropped_runs": self.dropped_runs,
        }


@contextmanager
def logged_outcome(**fields: Any) -> Iterator[dict[str, Any]]:
    """Log one line when the block ends: `published`, `rejected` (with the reason) or `failed`.
    The block adds what it learns (run, files, bytes) to the yielded fields."""
    started = time.monotonic()
    try:
        yield fields
    except RejectedUpload as error:
        fields.update(outcome="rejected", reason=error.reason, error=str(error))
        _log(logging.WARNING, fields, started)
        raise
    except Exception as error:
        fields.update(outcome="failed", error=f"{type(error).__name__}: {error}")
        _log(logging.ERROR, fields, started)
        raise
    fields.update(outcome="published")
    _log(logging.INFO, fields, started)


def _log(level: int, fields: dict[str, Any], started: float) -> None:
    fields["seconds"] = round(time.monotonic() - started, 3)
    log.log(level, "publish %s", fields["outcome"], extra=fields)


def publish_report(
    s3,
    settings: Settings,
    bucket: str,
    address: RunAddress,
    source: str | Path | BinaryIO,
    *,
    on_progress: ProgressCallback | None = None,
    reopen: Callable[[], BinaryIO] | None = None,
) -> PublishResult:
    """Publish the report zip at `source` as run `address`. Raises a RejectedUpload (nothing
    written under the reports prefix) or another PublishError / botocore error. `reopen` opens
    further file objects over the same zip, one per upload thread (see ReportArchive)."""
    limits = ArchiveLimits(
        max_total_bytes=settings.max_total_bytes,
        max_entries=settings.max_entries,
        max_ratio=settings.max_ratio,
    )
    with open_report_archive(source, limits, reopen=reopen) as archive:
        return _publish(s3, settings, bucket, address, archive, on_progress)


def _publish(s3, settings, bucket, address, archive: ReportArchive, on_progress) -> PublishResult:
    started = time.monotonic()
    keys = ReportKeys(settings.reports_prefix)
    run_prefix = keys.run_prefix(address)
    branch_prefix = keys.branch_prefix(address.project, address.branch)
    project_prefix = keys.project_prefix(address.project)
    layout = detect_layout(archive.names)
    counts = read_counts(archive, layout)
    tuning = UploadTuning(
        concurrency=settings.upload_concurrency,
        multipart_threshold_bytes=settings.multipart_threshold_bytes,
        part_size_bytes=settings.part_size_bytes,
        buffer_bytes=settings.upload_buffer_bytes,
    )
    written = write_run(s3, bucket, run_prefix, archive, tuning, on_progress)

    entry = RunEntry(
        run=address.run,
        time=utc_now(),
        layout=str(layout),
        counts=counts,
        files=written.files,
        size=written.bytes,
    )
    dropped: list[str] = []

    def add_run(document):
        body, dropped[:] = with_run(
            document,
            entry,
            project=address.project,
            branch=address.branch,
            keep_runs=settings.keep_runs,
        )
        return body

    attempts = settings.index_write_attempts
    runs_key = branch_prefix + RUNS_FILE
    runs = update_document(s3, bucket, runs_key, add_run, attempts=attempts)

    def render_branch(source):
        _put_page(s3, bucket, branch_prefix + PAGE_FILE, branch_page(source.body))
        refresh_latest(s3, bucket, branch_prefix, source)

    write_derived(s3, bucket, runs_key, runs, render_branch, attempts=attempts)
    for run in dropped:
        delete_keys(s3, bucket, list_keys(s3, bucket, f"{branch_prefix}{run}/"))

    # The branch is described from its runs document as it is now, read inside the update, so
    # the last writer of the branch list always saw the last version of every branch's runs.
    branches_key = project_prefix + BRANCHES_FILE
    branches = update_document(
        s3,
        bucket,
        branches_key,
        lambda document: with_branch(
            document,
            read_document(s3, bucket, runs_key).body or {},
            project=address.project,
            branch=address.branch,
        ),
        attempts=attempts,
    )
    write_derived(
        s3,
        bucket,
        branches_key,
        branches,
        lambda source: _put_page(s3, bucket, project_prefix + PAGE_FILE, project_page(source.body)),
        attempts=attempts,
    )
    projects_key = keys.site_prefix + PROJECTS_FILE
    projects = update_document(
        s3,
        bucket,
        projects_key,
        lambda document: with_project(
            document, read_document(s3, bucket, branches_key).body or {}, project=address.project
        ),
        attempts=attempts,
    )
    write_derived(
        s3,
        bucket,
        projects_key,
        projects,
        lambda source: _put_page(s3, bucket, keys.site_prefix + PAGE_FILE, site_page(source.body)),
        attempts=attempts,
    )

    return PublishResult(
        address=address,
        layout=layout,
        counts=counts,
        files=written.files,
        bytes=written.bytes,
        seconds=time.monotonic() - started,
        run_key=run_prefix + PAGE_FILE,
        url=site_url(s3, settings, bucket, run_prefix + PAGE_FILE),
        index_url=site_url(s3, settings, bucket, branch_prefix + PAGE_FILE),
        dropped_runs=list(dropped),
    )


def _put_page(s3, bucket: str, key: str, html: str) -> None:
    s3.put_object(
        Bucket=bucket,
        Key=key,
        Body=html.encode(),
        ContentType=content_type_for(key),
        CacheControl=NO_CACHE,
    )


def publish_upload(
    s3,
    settings: Settings,
    bucket: str,
    key: str,
    temp_dir: str | None = None,
    *,
    read_in_place: bool = False,
) -> PublishResult | None:
    """Publish the zip uploaded at `s3://bucket/key`, or return None (with a log line) when the
    key is not an upload to publish. Logs one line with the outcome. The zip is downloaded to
    `temp_dir` when it fits there, else (or with `read_in_place`) read with ranged GETs."""
    ignored = _ignore_reason(settings, bucket, key)
    if ignored:
        log.info(
            "upload ignored",
            extra={"outcome": "ignored", "bucket": bucket, "key": key, "reason": ignored},
        )
        return None
    with logged_outcome(bucket=bucket, key=key) as fields:
        address = address_from_incoming_key(key, settings.incoming_prefix)
        fields.update(project=address.project, branch=address.branch, run=address.run)
        size = s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
        if size > settings.max_total_bytes:
            raise LimitExceeded(
                f"the upload is {size} bytes; at most {settings.max_total_bytes} are allowed "
                "(MAX_TOTAL_BYTES)"
            )
        free = shutil.disk_usage(temp_dir or tempfile.gettempdir()).free
        if not read_in_place and size + TEMP_MARGIN_BYTES <= free:
            fields["read"] = "download"
            with tempfile.TemporaryFile(dir=temp_dir) as archive_file:
                s3.download_fileobj(bucket, key, archive_file)
                archive_file.seek(0)
                result = publish_report(s3, settings, bucket, address, archive_file)
        else:
            # Larger than the ephemeral storage: read the zip in place with ranged GETs.
            fields["read"] = "ranged"
            opener = s3_object_opener(s3, bucket, key)
            with opener() as archive_file:
                result = publish_report(s3, settings, bucket, address, archive_file, reopen=opener)
        fields.update(result_log_fields(result))
        return result


def _ignore_reason(settings: Settings, bucket: str, key: str) -> str | None:
    if settings.reports_bucket and bucket != settings.reports_bucket:
        return f"the bucket is not REPORTS_BUCKET={settings.reports_bucket}"
    if not is_incoming_upload(key, settings.incoming_prefix):
        return f"the key is not {settings.incoming_prefix}<project>/<branch>/<run>.zip"
    return None


def result_log_fields(result: PublishResult) -> dict[str, Any]:
    """The fields a publish's log line takes from its result."""
    counts = result.counts.to_json() if result.counts else {}
    return {
        "layout": str(result.layout),
        "files": result.files,
        "bytes": result.bytes,
        "run_key": result.run_key,
        "dropped_runs": result.dropped_runs,
        **counts,
    }
