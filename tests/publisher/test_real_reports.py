"""The committed real reports (made by tests/fixtures/make_reports.sh with allure-pytest, Allure
2.46 and Allure 3.18) published to mocked S3 and read back: keys, content types, counts, index
entries, latest, and history across two consecutive Allure 2 runs."""

import json
import zipfile

import pytest

from allure_publisher.archive import zip_directory
from allure_publisher.history import fetch_history
from allure_publisher.names import RunAddress
from allure_publisher.publish import publish_report

from .conftest import BUCKET, REPORTS, keys_under, read_json

SAMPLE_COUNTS = {"passed": 25, "failed": 3, "broken": 3, "skipped": 3, "unknown": 0, "total": 34}
RUN2_COUNTS = {"passed": 26, "failed": 2, "broken": 3, "skipped": 3, "unknown": 0, "total": 34}
BRANCH = "reports/qea/main/"


def report_files(name: str) -> list[str]:
    root = REPORTS / name
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


@pytest.fixture(scope="module")
def fixture_zips():
    """Each committed report zipped once, by the same code as the command line uses."""
    zipped = {
        name: zip_directory(REPORTS / name) for name in ("allure2", "allure2-run2", "allure3")
    }
    yield {name: archive.path for name, archive in zipped.items()}
    for archive in zipped.values():
        archive.close()


@pytest.fixture
def publish_fixture(s3, settings, fixture_zips):
    def publish(name: str, run: str):
        address = RunAddress.of("qea", "main", run)
        return publish_report(s3, settings, BUCKET, address, fixture_zips[name])

    return publish


def content_type(s3, key: str) -> str:
    return s3.head_object(Bucket=BUCKET, Key=key)["ContentType"]


def test_publishes_every_file_of_the_allure2_report(s3, publish_fixture):
    result = publish_fixture("allure2", "1")
    assert keys_under(s3, BRANCH + "1/") == [
        BRANCH + "1/" + name for name in report_files("allure2")
    ]
    assert result.files == len(report_files("allure2"))
    assert str(result.layout) == "allure2"


def test_reads_the_allure2_counts_from_widgets_summary(s3, publish_fixture):
    result = publish_fixture("allure2", "1")
    assert result.counts.to_json() == SAMPLE_COUNTS
    (entry,) = read_json(s3, BRANCH + "runs.json")["runs"]
    assert {key: entry[key] for key in SAMPLE_COUNTS} == SAMPLE_COUNTS


def test_serves_the_allure2_report_with_types_a_browser_renders(s3, publish_fixture):
    publish_fixture("allure2", "1")
    script = next(name for name in report_files("allure2") if name.startswith("assets/index-"))
    assert content_type(s3, BRANCH + "1/index.html") == "text/html; charset=utf-8"
    assert content_type(s3, BRANCH + "1/" + script) == "text/javascript; charset=utf-8"
    assert content_type(s3, BRANCH + "1/widgets/summary.json") == "application/json"
    assert content_type(s3, BRANCH + "1/data/suites.csv") == "text/csv; charset=utf-8"
    assert content_type(s3, BRANCH + "1/export/prometheusData.txt") == "text/plain; charset=utf-8"
    head = s3.head_object(Bucket=BUCKET, Key=BRANCH + "1/" + script)
    assert head["CacheControl"] == "public, max-age=31536000, immutable"


def test_publishes_every_file_of_the_allure3_report(s3, publish_fixture):
    result = publish_fixture("allure3", "1")
    assert keys_under(s3, BRANCH + "1/") == [
        BRANCH + "1/" + name for name in report_files("allure3")
    ]
    assert str(result.layout) == "allure3"


def test_reads_the_allure3_counts_from_summary_json(s3, publish_fixture):
    result = publish_fixture("allure3", "1")
    assert result.counts.to_json() == SAMPLE_COUNTS


def test_serves_the_allure3_report_with_types_a_browser_renders(s3, publish_fixture):
    publish_fixture("allure3", "1")
    app = next(name for name in report_files("allure3") if name.endswith(".js"))
    assert content_type(s3, BRANCH + "1/" + app) == "text/javascript; charset=utf-8"
    assert content_type(s3, BRANCH + "1/summary.json") == "application/json"
    assert content_type(s3, BRANCH + "1/history.jsonl") == "application/jsonl"
    assert s3.head_object(Bucket=BUCKET, Key=BRANCH + "1/summary.json")["CacheControl"] == (
        "no-cache"
    )


def test_publishes_a_zip_of_the_report_folder_as_its_contents(s3, settings, tmp_path):
    archive = tmp_path / "allure-report.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zip_file:
        for name in report_files("allure2"):
            zip_file.write(REPORTS / "allure2" / name, f"allure-report/{name}")
    publish_report(s3, settings, BUCKET, RunAddress.of("qea", "main", "1"), archive)
    assert BRANCH + "1/index.html" in keys_under(s3, BRANCH + "1/")
    assert not any("allure-report" in key for key in keys_under(s3, "reports/"))


def test_both_real_layouts_land_in_one_branch_index_newest_first(s3, publish_fixture):
    publish_fixture("allure2", "1")
    publish_fixture("allure3", "2")
    runs = read_json(s3, BRANCH + "runs.json")["runs"]
    assert [(run["run"], run["layout"], run["total"]) for run in runs] == [
        ("2", "allure3", 34),
        ("1", "allure2", 34),
    ]
    assert read_json(s3, BRANCH + "latest/run.json")["link"] == "../2/index.html"


def test_the_run2_fixture_was_generated_from_run1s_history():
    run1 = json.loads((REPORTS / "allure2/history/history-trend.json").read_text())
    run2 = json.loads((REPORTS / "allure2-run2/history/history-trend.json").read_text())
    assert len(run1) == 1
    assert run2[1]["data"] == run1[0]["data"]


def test_fetch_history_gives_allure2_the_previous_runs_history(s3, publish_fixture, tmp_path):
    publish_fixture("allure2", "1")
    results = tmp_path / "allure-results"
    fetched = fetch_history(s3, BUCKET, BRANCH, results, tmp_path / "history.jsonl")
    assert fetched.run == "1"
    assert sorted(path.name for path in fetched.files) == sorted(
        path.name for path in (REPORTS / "allure2/history").iterdir()
    )
    assert (results / "history/history-trend.json").read_bytes() == (
        REPORTS / "allure2/history/history-trend.json"
    ).read_bytes()


def test_after_two_consecutive_allure2_runs_the_trend_has_two_points(s3, publish_fixture, tmp_path):
    publish_fixture("allure2", "1")
    fetch_history(s3, BUCKET, BRANCH, tmp_path / "results", tmp_path / "history.jsonl")
    # Run 2's fixture was generated with exactly this history in its results.
    assert (tmp_path / "results/history/history-trend.json").read_bytes() == (
        REPORTS / "allure2/history/history-trend.json"
    ).read_bytes()
    result = publish_fixture("allure2-run2", "2")
    assert result.counts.to_json() == RUN2_COUNTS

    trend = read_json(s3, BRANCH + "latest/history/history-trend.json")
    assert len(trend) == 2
    assert [point["data"]["passed"] for point in trend] == [26, 25]
    fetched = fetch_history(s3, BUCKET, BRANCH, tmp_path / "next", tmp_path / "history.jsonl")
    assert fetched.run == "2"
    assert len(json.loads((tmp_path / "next/history/history-trend.json").read_text())) == 2


def test_fetch_history_gives_allure3_its_history_jsonl(s3, publish_fixture, tmp_path):
    publish_fixture("allure3", "1")
    history_file = tmp_path / "ci" / "history.jsonl"
    fetched = fetch_history(s3, BUCKET, BRANCH, tmp_path / "allure-results", history_file)
    assert fetched.files == [history_file]
    assert history_file.read_bytes() == (REPORTS / "allure3/history.jsonl").read_bytes()
    assert len(history_file.read_text().splitlines()) == 1


def test_fetch_history_before_any_run_fetches_nothing(s3, tmp_path):
    fetched = fetch_history(s3, BUCKET, BRANCH, tmp_path / "results", tmp_path / "h.jsonl")
    assert (fetched.run, fetched.files) == (None, [])
    assert not (tmp_path / "results").exists()


def test_latest_history_switches_layout_with_the_newest_run(s3, publish_fixture):
    publish_fixture("allure2", "1")
    publish_fixture("allure3", "2")
    assert keys_under(s3, BRANCH + "latest/") == [
        BRANCH + "latest/history.jsonl",
        BRANCH + "latest/index.html",
        BRANCH + "latest/run.json",
    ]


@pytest.mark.parametrize("name", ["allure2", "allure3"])
def test_the_fixture_reports_hold_real_generated_output(name):
    assert (REPORTS / name / "index.html").stat().st_size > 500
    assert len(report_files(name)) > 50
