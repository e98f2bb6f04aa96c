"""A publish end to end on moto with small zips: what lands where, the order that makes failures
harmless, rejections that write nothing, idempotent re-delivery, concurrency and retention."""

import dataclasses
import io
import os
import shutil
from urllib.parse import urlparse

import pytest

from allure_publisher.errors import (
    BadName,
    CorruptArchive,
    LimitExceeded,
    MissingIndexHtml,
    NotAZip,
    RejectedUpload,
    UnsafeEntry,
)
from allure_publisher.names import RunAddress
from allure_publisher.publish import publish_report, publish_upload
from allure_publisher.s3_client import make_s3_client
from allure_publisher.settings import SiteMode

from .conftest import BUCKET, keys_under, read_json, read_text
from .zips import allure2_files, with_declared_size, zip_bytes, zip_with_raw_name, zip_with_symlink


def publish(s3, settings, run, files=None, *, branch="main", project="qea"):
    data = zip_bytes(files if files is not None else allure2_files())
    return publish_report(
        s3, settings, BUCKET, RunAddress.of(project, branch, run), io.BytesIO(data)
    )


def run_ids(s3, branch="main"):
    return [run["run"] for run in read_json(s3, f"reports/qea/{branch}/runs.json")["runs"]]


def test_writes_the_run_then_the_branch_index_latest_and_lists(s3, settings):
    publish(s3, settings, "1")
    assert keys_under(s3, "reports/") == sorted(
        [f"reports/qea/main/1/{name}" for name in allure2_files()]
        + [
            "reports/index.html",
            "reports/projects.json",
            "reports/qea/index.html",
            "reports/qea/branches.json",
            "reports/qea/main/index.html",
            "reports/qea/main/runs.json",
            "reports/qea/main/latest/index.html",
            "reports/qea/main/latest/run.json",
            "reports/qea/main/latest/history/history-trend.json",
            "reports/qea/main/latest/history/history.json",
        ]
    )


def test_returns_the_counts_from_the_reports_summary(s3, settings):
    result = publish(s3, settings, "1", allure2_files(passed=5, failed=2, broken=1, skipped=3))
    assert result.counts.to_json() == {
        "passed": 5,
        "failed": 2,
        "broken": 1,
        "skipped": 3,
        "unknown": 0,
        "total": 11,
    }
    assert result.files == len(allure2_files())


def test_the_branch_index_lists_the_run_with_its_counts(s3, settings):
    publish(s3, settings, "1", allure2_files(passed=5, failed=2))
    (run,) = read_json(s3, "reports/qea/main/runs.json")["runs"]
    assert (run["run"], run["passed"], run["failed"], run["link"]) == ("1", 5, 2, "1/index.html")
    page = read_text(s3, "reports/qea/main/index.html")
    assert '<a href="1/index.html">1</a>' in page
    assert '<td class="n passed" data-count="passed">5</td>' in page


def test_latest_redirects_to_the_newest_run(s3, settings):
    publish(s3, settings, "1")
    publish(s3, settings, "2")
    assert read_json(s3, "reports/qea/main/latest/run.json")["run"] == "2"
    assert 'url=../2/index.html"' in read_text(s3, "reports/qea/main/latest/index.html")


def test_latest_stays_on_the_newest_run_when_an_older_run_is_published_again(s3, settings):
    publish(s3, settings, "1")
    publish(s3, settings, "2")
    publish(s3, settings, "1")
    assert read_json(s3, "reports/qea/main/latest/run.json")["run"] == "2"


def test_latest_history_is_the_newest_runs_history(s3, settings):
    publish(s3, settings, "1", allure2_files(trend_points=1))
    publish(s3, settings, "2", allure2_files(trend_points=2))
    trend = read_json(s3, "reports/qea/main/latest/history/history-trend.json")
    assert len(trend) == 2


def test_lists_numeric_runs_newest_first_as_numbers(s3, settings):
    for run in ("9", "10", "100", "99"):
        publish(s3, settings, run)
    assert run_ids(s3) == ["100", "99", "10", "9"]


def test_the_same_upload_published_twice_is_one_run_and_one_entry(s3, settings):
    publish(s3, settings, "1")
    keys_after_first = keys_under(s3, "reports/qea/main/1/")
    publish(s3, settings, "1")
    assert run_ids(s3) == ["1"]
    assert keys_under(s3, "reports/qea/main/1/") == keys_after_first
    assert read_json(s3, "reports/qea/branches.json")["branches"][0]["runs"] == 1


def test_deletes_runs_beyond_keep_runs_and_drops_them_from_the_index(s3, settings):
    settings = dataclasses.replace(settings, keep_runs=2)
    for run in ("1", "2"):
        publish(s3, settings, run)
    result = publish(s3, settings, "3")
    assert result.dropped_runs == ["1"]
    assert run_ids(s3) == ["3", "2"]
    assert keys_under(s3, "reports/qea/main/1/") == []
    assert keys_under(s3, "reports/qea/main/2/") != []
    assert '<a href="1/index.html">' not in read_text(s3, "reports/qea/main/index.html")


def test_branches_are_listed_in_the_project_and_projects_on_the_site(s3, settings):
    publish(s3, settings, "1", branch="main")
    publish(s3, settings, "4", branch="feature/login")
    publish(s3, settings, "1", project="web")
    branches = read_json(s3, "reports/qea/branches.json")["branches"]
    assert [(item["branch"], item["latest_run"]) for item in branches] == [
        ("feature-login", "4"),
        ("main", "1"),
    ]
    projects = read_json(s3, "reports/projects.json")["projects"]
    assert [(item["project"], item["branches"]) for item in projects] == [("qea", 2), ("web", 1)]
    assert '<a href="feature-login/index.html">feature-login</a>' in read_text(
        s3, "reports/qea/index.html"
    )
    assert '<a href="web/index.html">web</a>' in read_text(s3, "reports/index.html")


def test_two_runs_published_at_the_same_time_both_land_in_the_index(s3, settings):
    # The second publisher commits its index entry between the first one's read of runs.json
    # and its conditional write, so the first write gets 412 and must retry.
    other = make_s3_client(pool_size=4, region="eu-west-1")
    interleaved = []

    def publish_other_run_first(params, **kwargs):
        if params["url_path"].endswith("/main/runs.json") and not interleaved:
            interleaved.append(True)
            publish(other, settings, "2")

    s3.meta.events.register("before-call.s3.PutObject", publish_other_run_first)
    publish(s3, settings, "1")
    assert interleaved == [True]
    assert run_ids(s3) == ["2", "1"]
    assert read_json(s3, "reports/qea/main/latest/run.json")["run"] == "2"
    page = read_text(s3, "reports/qea/main/index.html")
    assert '<a href="1/index.html">' in page and '<a href="2/index.html">' in page


def test_a_publish_that_dies_while_writing_leaves_index_and_latest_untouched(
    s3, settings, monkeypatch
):
    publish(s3, settings, "1")
    before = {
        key: read_text(s3, key)
        for key in ("reports/qea/main/runs.json", "reports/qea/main/latest/run.json")
    }
    original = s3.put_object

    def dying_put(**kwargs):
        if kwargs["Key"].startswith("reports/qea/main/2/data/"):
            raise ConnectionError("the function timed out")
        return original(**kwargs)

    monkeypatch.setattr(s3, "put_object", dying_put)
    with pytest.raises(ConnectionError):
        publish(s3, settings, "2")
    assert {key: read_text(s3, key) for key in before} == before

    monkeypatch.setattr(s3, "put_object", original)
    publish(s3, settings, "2")
    assert run_ids(s3) == ["2", "1"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"not a zip at all", NotAZip),
        (zip_bytes({}), RejectedUpload),
        (zip_bytes({"data/a.json": b"{}"}), MissingIndexHtml),
        (zip_with_raw_name("../../evil.html", {"index.html": b"x"}), UnsafeEntry),
        (zip_with_symlink("link", "/etc/passwd", {"index.html": b"x"}), UnsafeEntry),
        (zip_bytes({"index.html": b"x", "bomb.bin": bytes(20 * 1024 * 1024)}), LimitExceeded),
    ],
    ids=["not-a-zip", "empty", "no-index", "dotdot", "symlink", "bomb"],
)
def test_rejections_write_nothing_under_reports(s3, settings, data, error):
    address = RunAddress.of("qea", "main", "1")
    with pytest.raises(error):
        publish_report(s3, settings, BUCKET, address, io.BytesIO(data))
    assert keys_under(s3, "reports/") == []


def test_a_corrupt_entry_found_while_writing_leaves_nothing_under_reports(s3, settings):
    files = {"index.html": b"x", "data/a.bin": bytes(3 * 1024 * 1024)} | {
        f"data/{n}.json": b"{}" for n in range(20)
    }
    data = with_declared_size(zip_bytes(files), "data/a.bin", 100)
    with pytest.raises(CorruptArchive):
        publish_report(s3, settings, BUCKET, RunAddress.of("qea", "main", "1"), io.BytesIO(data))
    assert keys_under(s3, "reports/") == []


def test_private_mode_returns_a_presigned_link_to_the_runs_index_html(s3, settings):
    result = publish(s3, settings, "1")
    url = urlparse(result.url)
    assert url.path.endswith("/reports/qea/main/1/index.html")
    assert "X-Amz-Signature=" in url.query


def test_cloudfront_mode_returns_a_link_under_the_base_url(s3, settings):
    settings = dataclasses.replace(
        settings, site_mode=SiteMode.CLOUDFRONT, site_base_url="https://d1.cloudfront.net/"
    )
    result = publish(s3, settings, "1")
    assert result.url == "https://d1.cloudfront.net/reports/qea/main/1/index.html"
    assert result.index_url == "https://d1.cloudfront.net/reports/qea/main/index.html"


def test_website_mode_without_a_base_url_links_to_the_buckets_website_endpoint(s3, settings):
    settings = dataclasses.replace(settings, site_mode=SiteMode.S3_WEBSITE)
    result = publish(s3, settings, "1")
    assert result.url == (
        f"http://{BUCKET}.s3-website.eu-west-1.amazonaws.com/reports/qea/main/1/index.html"
    )


def test_logs_one_structured_line_per_publish(s3, settings, publish_log):
    s3.put_object(Bucket=BUCKET, Key="incoming/qea/main/7.zip", Body=zip_bytes(allure2_files()))
    publish_upload(s3, settings, BUCKET, "incoming/qea/main/7.zip")
    (line,) = publish_log.outcomes()
    assert line.levelname == "INFO"
    assert (line.outcome, line.project, line.branch, line.run) == ("published", "qea", "main", "7")
    assert line.files == len(allure2_files())
    assert line.bytes == sum(len(data) for data in allure2_files().values())
    assert isinstance(line.seconds, float)
    assert line.passed == 1


def test_logs_a_rejection_with_its_reason(s3, settings, publish_log):
    s3.put_object(Bucket=BUCKET, Key="incoming/qea/main/7.zip", Body=b"garbage")
    with pytest.raises(NotAZip):
        publish_upload(s3, settings, BUCKET, "incoming/qea/main/7.zip")
    (line,) = publish_log.outcomes()
    assert (line.levelname, line.outcome, line.reason) == ("WARNING", "rejected", "not-a-zip")
    assert "not a zip archive" in line.error


def test_logs_no_line_per_file_above_debug(s3, settings, publish_log):
    s3.put_object(Bucket=BUCKET, Key="incoming/qea/main/7.zip", Body=zip_bytes(allure2_files()))
    publish_upload(s3, settings, BUCKET, "incoming/qea/main/7.zip")
    assert [r for r in publish_log.records if r.levelno > 10] == publish_log.outcomes()


def test_ignores_keys_outside_incoming_with_a_log_line(s3, settings, publish_log):
    assert publish_upload(s3, settings, BUCKET, "reports/qea/main/1/index.html") is None
    (line,) = publish_log.outcomes()
    assert (line.outcome, line.key) == ("ignored", "reports/qea/main/1/index.html")


def test_ignores_keys_not_ending_in_zip(s3, settings, publish_log):
    assert publish_upload(s3, settings, BUCKET, "incoming/qea/main/1.tar.gz") is None
    assert publish_log.outcomes()[0].outcome == "ignored"


def test_ignores_other_buckets_when_reports_bucket_is_set(s3, settings):
    settings = dataclasses.replace(settings, reports_bucket="another-bucket")
    assert publish_upload(s3, settings, BUCKET, "incoming/qea/main/1.zip") is None


def test_rejects_an_upload_with_a_bad_run_name_writing_nothing(s3, settings):
    key = "incoming/qea/main/run 1.zip"
    s3.put_object(Bucket=BUCKET, Key=key, Body=zip_bytes(allure2_files()))
    with pytest.raises(BadName, match="run name 'run 1'"):
        publish_upload(s3, settings, BUCKET, key)
    assert keys_under(s3, "reports/") == []


def test_rejects_an_upload_larger_than_the_limit_before_downloading_it(s3, settings):
    settings = dataclasses.replace(settings, max_total_bytes=100)
    s3.put_object(Bucket=BUCKET, Key="incoming/qea/main/1.zip", Body=bytes(101))
    with pytest.raises(LimitExceeded, match="the upload is 101 bytes; at most 100"):
        publish_upload(s3, settings, BUCKET, "incoming/qea/main/1.zip")


def no_room_in_tmp(monkeypatch):
    monkeypatch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10, 10, 10))


def test_downloads_an_upload_that_fits_in_temporary_storage(s3, settings, publish_log):
    s3.put_object(Bucket=BUCKET, Key="incoming/qea/main/1.zip", Body=zip_bytes(allure2_files()))
    publish_upload(s3, settings, BUCKET, "incoming/qea/main/1.zip")
    assert publish_log.outcomes()[0].read == "download"


def test_reads_an_upload_larger_than_temporary_storage_in_place(
    s3, settings, monkeypatch, publish_log
):
    files = allure2_files() | {"data/attachments/video.webm": os.urandom(6 * 1024 * 1024)}
    s3.put_object(Bucket=BUCKET, Key="incoming/qea/main/1.zip", Body=zip_bytes(files))
    no_room_in_tmp(monkeypatch)
    monkeypatch.setattr(s3, "download_fileobj", None)  # must not be called
    result = publish_upload(s3, settings, BUCKET, "incoming/qea/main/1.zip")
    assert publish_log.outcomes()[0].read == "ranged"
    assert result.files == len(files)
    assert keys_under(s3, "reports/qea/main/1/") == sorted(
        f"reports/qea/main/1/{name}" for name in files
    )
    stored = s3.get_object(Bucket=BUCKET, Key="reports/qea/main/1/data/attachments/video.webm")
    assert stored["Body"].read() == files["data/attachments/video.webm"]


def test_rejects_in_place_as_it_would_a_downloaded_upload(s3, settings, monkeypatch):
    data = zip_with_raw_name("../evil.html", {"index.html": b"x"})
    s3.put_object(Bucket=BUCKET, Key="incoming/qea/main/1.zip", Body=data)
    no_room_in_tmp(monkeypatch)
    with pytest.raises(UnsafeEntry):
        publish_upload(s3, settings, BUCKET, "incoming/qea/main/1.zip")
    assert keys_under(s3, "reports/") == []
