"""Writing a run: every entry streamed to S3 with its headers, large ones in parts, index.html
last, memory held under the byte budget, stale keys of an earlier delivery removed."""

import io
import os
import platform
import threading
import time

import pytest

from allure_publisher.archive import ArchiveLimits, open_report_archive
from allure_publisher.run_writer import (
    ByteBudget,
    UploadTuning,
    hand_large_buffers_back_to_the_os,
    write_run,
)

from .conftest import BUCKET, keys_under
from .zips import allure2_files, zip_bytes

MIB = 1024 * 1024
LIMITS = ArchiveLimits(max_total_bytes=100 * MIB, max_entries=1000, max_ratio=100)
TUNING = UploadTuning(
    concurrency=4, multipart_threshold_bytes=5 * MIB, part_size_bytes=5 * MIB, buffer_bytes=10 * MIB
)
PREFIX = "reports/qea/main/1/"


def archive_of(files):
    return open_report_archive(io.BytesIO(zip_bytes(files)), LIMITS)


def record_part_sizes(s3, monkeypatch) -> list[int]:
    sizes, original = [], s3.upload_part

    def recording_upload_part(**kwargs):
        sizes.append(len(kwargs["Body"]))
        return original(**kwargs)

    monkeypatch.setattr(s3, "upload_part", recording_upload_part)
    return sizes


def test_writes_every_entry_under_the_run_prefix(s3):
    with archive_of(allure2_files()) as archive:
        written = write_run(s3, BUCKET, PREFIX, archive, TUNING)
    assert keys_under(s3, PREFIX) == sorted(PREFIX + name for name in allure2_files())
    assert written.files == len(allure2_files())
    assert written.bytes == sum(len(data) for data in allure2_files().values())


def test_sets_content_type_and_cache_control_on_each_object(s3):
    with archive_of(allure2_files()) as archive:
        write_run(s3, BUCKET, PREFIX, archive, TUNING)
    page = s3.head_object(Bucket=BUCKET, Key=PREFIX + "index.html")
    script = s3.head_object(Bucket=BUCKET, Key=PREFIX + "assets/index-CqG5t6J2.js")
    assert (page["ContentType"], page["CacheControl"]) == ("text/html; charset=utf-8", "no-cache")
    assert script["ContentType"] == "text/javascript; charset=utf-8"
    assert script["CacheControl"] == "public, max-age=31536000, immutable"


def test_writes_the_root_index_html_last(s3):
    order = []
    s3.meta.events.register(
        "before-call.s3.PutObject", lambda params, **kwargs: order.append(params["url_path"])
    )
    with archive_of(allure2_files()) as archive:
        write_run(s3, BUCKET, PREFIX, archive, TUNING)
    assert order[-1].endswith("/1/index.html")
    assert len(order) == len(allure2_files())


def test_uploads_an_entry_above_the_threshold_in_parts_with_the_same_bytes(s3, monkeypatch):
    big = os.urandom(12 * MIB)
    parts = record_part_sizes(s3, monkeypatch)
    with archive_of({"index.html": b"x", "data/attachments/video.webm": big}) as archive:
        write_run(s3, BUCKET, PREFIX, archive, TUNING)
    stored = s3.get_object(Bucket=BUCKET, Key=PREFIX + "data/attachments/video.webm")
    assert stored["ContentType"] == "video/webm"
    assert stored["Body"].read() == big
    assert parts == [5 * MIB, 5 * MIB, 2 * MIB]


def test_uploads_an_exact_multiple_of_the_part_size_without_an_empty_part(s3, monkeypatch):
    big = os.urandom(10 * MIB)
    parts = record_part_sizes(s3, monkeypatch)
    with archive_of({"index.html": b"x", "big.bin": big}) as archive:
        write_run(s3, BUCKET, PREFIX, archive, TUNING)
    assert parts == [5 * MIB, 5 * MIB]
    assert s3.head_object(Bucket=BUCKET, Key=PREFIX + "big.bin")["ContentLength"] == 10 * MIB


def test_removes_keys_an_earlier_delivery_of_the_run_left_behind(s3):
    s3.put_object(Bucket=BUCKET, Key=PREFIX + "data/old.json", Body=b"{}")
    with archive_of(allure2_files()) as archive:
        written = write_run(s3, BUCKET, PREFIX, archive, TUNING)
    assert PREFIX + "data/old.json" not in keys_under(s3, PREFIX)
    assert written.stale_keys_deleted == 1


def test_reports_progress_in_files_and_bytes(s3):
    progress = []
    with archive_of(allure2_files()) as archive:
        write_run(s3, BUCKET, PREFIX, archive, TUNING, on_progress=lambda *p: progress.append(p))
    total = sum(len(data) for data in allure2_files().values())
    assert len(progress) == len(allure2_files())
    assert progress[-1] == (len(allure2_files()), total)


def test_the_byte_budget_never_lets_holders_exceed_its_limit():
    budget = ByteBudget(10)
    held, peak, lock = [0], [0], threading.Lock()

    def hold(size):
        with budget.hold(size):
            with lock:
                held[0] += min(size, 10)
                peak[0] = max(peak[0], held[0])
            time.sleep(0.01)
            with lock:
                held[0] -= min(size, 10)

    threads = [threading.Thread(target=hold, args=(size,)) for size in [4, 4, 4, 6, 3, 25, 2] * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert peak[0] <= 10
    assert held[0] == 0


def test_holds_no_more_entry_bytes_than_the_budget_while_uploading(s3, monkeypatch):
    budget_bytes = 6 * MIB
    files = {"index.html": b"x"} | {f"data/{n}.bin": os.urandom(MIB) for n in range(12)}
    in_flight, peak, lock = [0], [0], threading.Lock()
    original = s3.put_object

    def counting_put(**kwargs):
        with lock:
            in_flight[0] += len(kwargs["Body"])
            peak[0] = max(peak[0], in_flight[0])
        try:
            time.sleep(0.005)
            return original(**kwargs)
        finally:
            with lock:
                in_flight[0] -= len(kwargs["Body"])

    monkeypatch.setattr(s3, "put_object", counting_put)
    tuning = UploadTuning(
        concurrency=12,
        multipart_threshold_bytes=5 * MIB,
        part_size_bytes=5 * MIB,
        buffer_bytes=budget_bytes,
    )
    with archive_of(files) as archive:
        write_run(s3, BUCKET, PREFIX, archive, tuning)
    assert MIB < peak[0] <= budget_bytes


def test_stops_and_raises_when_an_upload_fails(s3, monkeypatch):
    original = s3.put_object

    def failing_put(**kwargs):
        if kwargs["Key"].endswith("abc.json"):
            raise RuntimeError("S3 is down")
        return original(**kwargs)

    monkeypatch.setattr(s3, "put_object", failing_put)
    with archive_of(allure2_files()) as archive, pytest.raises(RuntimeError, match="S3 is down"):
        write_run(s3, BUCKET, PREFIX, archive, TUNING)
    assert PREFIX + "index.html" not in keys_under(s3, PREFIX)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_asks_glibc_to_hand_large_buffers_back_at_once():
    assert hand_large_buffers_back_to_the_os() is True
