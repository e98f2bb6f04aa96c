"""Writing a run: every file of the report streamed from the zip to S3, index.html last.

Entries are read straight from the zip into memory chunk by chunk, never extracted to disk. A
bounded pool uploads them; entries above the multipart threshold go up in parts. A byte budget
shared by all uploads caps the entry bytes held in memory, so memory depends on the settings,
never on the size of the report.
"""

import ctypes
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass

from .archive import ReportArchive, ReportEntry, read_entry
from .content_types import cache_control_for, content_type_for
from .errors import CorruptArchive
from .s3_client import delete_keys, list_keys

# glibc's mallopt parameter; see `hand_large_buffers_back_to_the_os`.
M_MMAP_THRESHOLD = -3
LARGE_BUFFER_BYTES = 1024 * 1024

ProgressCallback = Callable[[int, int], None]
"""Called with (files written, bytes written) after each file."""


@dataclass(frozen=True)
class UploadTuning:
    """How a run is uploaded; see the matching fields of Settings."""

    concurrency: int
    multipart_threshold_bytes: int
    part_size_bytes: int
    buffer_bytes: int


@dataclass(frozen=True)
class WrittenRun:
    """What a run's upload wrote."""

    files: int
    bytes: int
    seconds: float
    stale_keys_deleted: int


class ByteBudget:
    """A counting limit on bytes held in memory by all upload threads together."""

    def __init__(self, limit: int):
        self.limit = limit
        self._used = 0
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, size: int) -> Iterator[None]:
        """Wait until `size` bytes (at most the whole budget) fit, and hold them for the block."""
        size = min(size, self.limit)
        with self._changed:
            self._changed.wait_for(lambda: self._used + size <= self.limit)
            self._used += size
        try:
            yield
        finally:
            with self._changed:
                self._used -= size
                self._changed.notify_all()


class _RunUpload:
    def __init__(self, s3, bucket, run_prefix, archive, tuning, on_progress):
        self.s3 = s3
        self.bucket = bucket
        self.run_prefix = run_prefix
        self.archive = archive
        self.tuning = tuning
        self.budget = ByteBudget(tuning.buffer_bytes)
        self.on_progress = on_progress
        self._lock = threading.Lock()
        self.files = 0
        self.bytes = 0

    def upload(self, entry: ReportEntry) -> None:
        key = self.run_prefix + entry.name
        extra = {
            "ContentType": content_type_for(entry.name),
            "CacheControl": cache_control_for(entry.name),
        }
        with self.archive.open(entry) as stream:
            if entry.size > self.tuning.multipart_threshold_bytes:
                written = self._upload_in_parts(stream, entry, key, extra)
            else:
                with self.budget.hold(entry.size):
                    body = read_entry(stream, entry)
                    written = len(body)
                    self._check_size(entry, written)
                    self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, **extra)
        with self._lock:
            self.files += 1
            self.bytes += written
            if self.on_progress:
                self.on_progress(self.files, self.bytes)

    def _upload_in_parts(self, stream, entry: ReportEntry, key: str, extra: dict) -> int:
        part_size = self.tuning.part_size_bytes
        upload_id = self.s3.create_multipart_upload(
            Bucket=self.bucket, Key=key, ChecksumAlgorithm="CRC32", **extra
        )["UploadId"]
        parts, written = [], 0
        try:
            while True:
                with self.budget.hold(part_size):
                    chunk = read_entry(stream, entry, part_size)
                    if not chunk:
                        break
                    response = self.s3.upload_part(
                        Bucket=self.bucket,
                        Key=key,
                        UploadId=upload_id,
                        PartNumber=len(parts) + 1,
                        Body=chunk,
                        ChecksumAlgorithm="CRC32",
                    )
                parts.append(
                    {
                        "PartNumber": len(parts) + 1,
                        "ETag": response["ETag"],
                        "ChecksumCRC32": response["ChecksumCRC32"],
                    }
                )
                written += len(chunk)
                if len(chunk) < part_size:
                    break
            self._check_size(entry, written)
            self.s3.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise
        return written

    @staticmethod
    def _check_size(entry: ReportEntry, written: int) -> None:
        if written != entry.size:
            raise CorruptArchive(
                f"entry {entry.info.filename!r} declares {entry.size} bytes but holds {written}"
            )


def hand_large_buffers_back_to_the_os() -> bool:
    """Have glibc serve buffers of 1 MiB or more with mmap, so that freeing a part returns its
    memory at once. By default glibc raises that threshold after the first large frees and then
    carves parts out of per-thread arenas, which stay fragmented: publishing 1 GB held 300 MiB
    of RSS instead of 100 (bench/README.md). Setting the threshold explicitly turns that
    adjustment off. A no-op where the C library is not glibc."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, LARGE_BUFFER_BYTES))


def write_run(
    s3,
    bucket: str,
    run_prefix: str,
    archive: ReportArchive,
    tuning: UploadTuning,
    on_progress: ProgressCallback | None = None,
) -> WrittenRun:
    """Upload every entry of the archive under run_prefix, the root index.html last so that a run
    is not openable before it is complete. Keys left under the prefix by an earlier publish of
    the same run that the archive no longer holds are deleted afterwards. When an entry turns
    out corrupt while it is read, a new run's keys are deleted before CorruptArchive is raised."""
    started = time.monotonic()
    hand_large_buffers_back_to_the_os()
    earlier_keys = set(list_keys(s3, bucket, run_prefix))
    upload = _RunUpload(s3, bucket, run_prefix, archive, tuning, on_progress)
    last = [entry for entry in archive.entries if entry.name == "index.html"]
    first = [entry for entry in archive.entries if entry.name != "index.html"]

    try:
        with ThreadPoolExecutor(tuning.concurrency, thread_name_prefix="upload") as pool:
            futures = [pool.submit(upload.upload, entry) for entry in first]
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            failed = [future for future in done if future.exception()]
            if failed:
                for future in futures:
                    future.cancel()
                raise failed[0].exception()
        for entry in last:
            upload.upload(entry)
    except CorruptArchive:
        if not earlier_keys:
            # A rejection writes nothing: remove what this publish wrote of a new run. A run
            # that existed before keeps its files; publishing a good zip again repairs it.
            delete_keys(s3, bucket, list_keys(s3, bucket, run_prefix))
        raise

    written_keys = {run_prefix + entry.name for entry in archive.entries}
    stale = sorted(earlier_keys - written_keys)
    delete_keys(s3, bucket, stale)
    return WrittenRun(
        files=upload.files,
        bytes=upload.bytes,
        seconds=time.monotonic() - started,
        stale_keys_deleted=len(stale),
    )
