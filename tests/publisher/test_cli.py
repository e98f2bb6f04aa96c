"""The command line: publish a folder or a zip, fetch history, and its exit codes."""

import io
import json
import re
import subprocess
import sys

import pytest

from allure_publisher.cli import main

from .conftest import BUCKET, REPORTS, ROOT, keys_under
from .zips import allure2_files, write_zip, zip_bytes


def publish_args(report, *extra):
    return ["publish", "--bucket", BUCKET, "--report", str(report), *extra]


def test_publishes_a_report_folder_and_prints_the_url_and_counts(s3, capsys):
    assert main(publish_args(REPORTS / "allure2", "--run", "5")) == 0
    out = capsys.readouterr().out
    assert (
        "Published qea/main/5 (allure2): 34 tests: 25 passed, 3 failed, 3 broken, 3 skipped" in out
    )
    assert re.search(r"^Report: \S+/reports/qea/main/5/index\.html\?\S+$", out, re.MULTILINE)
    assert re.search(r"^Runs:   \S+/reports/qea/main/index\.html\?\S+$", out, re.MULTILINE)
    assert "reports/qea/main/5/index.html" in keys_under(s3, "reports/qea/main/5/")


def test_publishes_a_zip_under_the_given_project_and_branch(s3, tmp_path, capsys):
    archive = write_zip(tmp_path / "report.zip", allure2_files(passed=4))
    assert (
        main(publish_args(archive, "--project", "web", "--branch", "feature/x", "--run", "9")) == 0
    )
    assert "Published web/feature-x/9" in capsys.readouterr().out
    assert keys_under(s3, "reports/web/feature-x/9/") != []


def test_defaults_the_run_to_the_utc_time(s3, tmp_path, capsys):
    main(publish_args(write_zip(tmp_path / "r.zip", allure2_files())))
    assert re.search(r"Published qea/main/\d{8}T\d{6}Z ", capsys.readouterr().out)


def test_prints_the_result_as_json_on_request(s3, tmp_path, capsys):
    main(publish_args(write_zip(tmp_path / "r.zip", allure2_files()), "--run", "1", "--json"))
    result = json.loads(capsys.readouterr().out)
    assert (result["run"], result["counts"]["total"], result["files"]) == ("1", 1, 6)


def test_links_under_the_base_url_given_for_a_website(s3, tmp_path, capsys):
    archive = write_zip(tmp_path / "r.zip", allure2_files())
    flags = [
        "--run",
        "1",
        "--site-mode",
        "s3-website",
        "--site-base-url",
        "http://localhost:5000/b",
    ]
    main(publish_args(archive, *flags))
    assert "Report: http://localhost:5000/b/reports/qea/main/1/index.html\n" in (
        capsys.readouterr().out
    )


def test_shows_no_progress_when_stderr_is_not_a_terminal(s3, capsys):
    main(publish_args(REPORTS / "allure2", "--run", "1"))
    assert capsys.readouterr().err == ""


def test_shows_files_and_bytes_written_when_stderr_is_a_terminal(s3, monkeypatch, capsys):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    main(publish_args(REPORTS / "allure2", "--run", "1"))
    last = terminal.getvalue().rstrip("\n").split("\r")[-1]
    assert re.fullmatch(r"  75 files, 2\.0 MiB written", last)


def test_exits_2_and_writes_nothing_for_a_rejected_zip(s3, tmp_path, capsys):
    archive = write_zip(tmp_path / "r.zip", {"data/a.json": b"{}"})
    assert main(publish_args(archive, "--run", "1")) == 2
    assert "rejected (no-index-html): the zip has no index.html" in capsys.readouterr().err
    assert keys_under(s3, "reports/") == []


def test_exits_2_for_a_bad_branch_name(s3, tmp_path, capsys):
    archive = write_zip(tmp_path / "r.zip", allure2_files())
    assert main(publish_args(archive, "--branch", "my branch")) == 2
    assert "branch name 'my branch'" in capsys.readouterr().err


def test_exits_1_for_a_report_path_that_does_not_exist(s3, tmp_path, capsys):
    assert main(publish_args(tmp_path / "missing")) == 1
    assert "does not exist" in capsys.readouterr().err


def test_exits_2_naming_a_bad_setting(s3, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MAX_ENTRIES", "many")
    assert main(publish_args(tmp_path)) == 2
    assert "MAX_ENTRIES='many' is not a whole number" in capsys.readouterr().err


def test_publishes_an_uploaded_zip_as_the_function_does(s3, capsys):
    s3.put_object(Bucket=BUCKET, Key="incoming/qea/dev/8.zip", Body=zip_bytes(allure2_files()))
    code = main(["publish-upload", "--bucket", BUCKET, "--key", "incoming/qea/dev/8.zip"])
    assert code == 0
    assert "Published qea/dev/8 (allure2): 1 tests: 1 passed" in capsys.readouterr().out


def test_publishes_an_uploaded_zip_read_in_place_on_request(s3, capsys):
    s3.put_object(Bucket=BUCKET, Key="incoming/qea/dev/8.zip", Body=zip_bytes(allure2_files()))
    args = ["publish-upload", "--bucket", BUCKET, "--key", "incoming/qea/dev/8.zip", "--in-place"]
    assert main([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["files"] == len(allure2_files())


def test_refuses_to_publish_a_key_that_is_not_an_upload(s3, capsys):
    code = main(["publish-upload", "--bucket", BUCKET, "--key", "reports/qea/x.zip"])
    assert code == 2
    assert "ignored: reports/qea/x.zip is not incoming/" in capsys.readouterr().err


def test_fetches_the_history_into_the_results_folder(s3, tmp_path, capsys):
    main(publish_args(REPORTS / "allure2", "--run", "1"))
    results = tmp_path / "allure-results"
    code = main(
        ["fetch-history", "--bucket", BUCKET, "--branch", "main", "--results", str(results)]
    )
    assert code == 0
    assert "Fetched 5 history files of qea/main run 1 (allure2)" in capsys.readouterr().out
    assert len(json.loads((results / "history/history-trend.json").read_text())) == 1


def test_fetch_history_before_any_run_says_so_and_succeeds(s3, tmp_path, capsys):
    code = main(["fetch-history", "--bucket", BUCKET, "--results", str(tmp_path / "r")])
    assert code == 0
    assert "No history yet for qea/main" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["publish", "publish-upload", "fetch-history"])
def test_runs_as_a_module(command):
    completed = subprocess.run(
        [sys.executable, "-m", "allure_publisher", command, "--help"],
        cwd=ROOT / "lambda",
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0
    assert "--bucket" in completed.stdout


def test_a_missing_bucket_ends_in_one_line_naming_it(s3, capsys):
    code = main(["publish", "--bucket", "no-such-bucket", "--report", str(REPORTS / "allure2")])

    last_line = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 1
    assert last_line.startswith("error: ")
    assert "NoSuchBucket" in last_line
    assert last_line.endswith("(bucket no-such-bucket)")
