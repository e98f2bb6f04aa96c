"""The rules of the indexes, on the documents alone: newest first, numbers as numbers, one entry
per run, retention, and the branch and project lists."""

from allure_publisher.layouts import RunCounts
from allure_publisher.run_index import (
    RunEntry,
    run_sort_key,
    with_branch,
    with_project,
    with_run,
)


def entry(run: str, passed: int = 1) -> RunEntry:
    return RunEntry(
        run=run,
        time="2025-01-03T10:00:00Z",
        layout="allure2",
        counts=RunCounts(passed=passed, total=passed),
        files=3,
        size=1000,
    )


def add_runs(*runs: str, keep_runs: int = 0):
    document, dropped = None, []
    for run in runs:
        document, dropped = with_run(
            document, entry(run), project="qea", branch="main", keep_runs=keep_runs
        )
    return document, dropped


def run_ids(document) -> list[str]:
    return [run["run"] for run in document["runs"]]


def test_lists_numeric_runs_newest_first_as_numbers():
    document, _ = add_runs("9", "10", "100", "99", "2")
    assert run_ids(document) == ["100", "99", "10", "9", "2"]


def test_sorts_digits_inside_run_ids_as_numbers():
    assert sorted(["build-10", "build-9", "build-100"], key=run_sort_key) == [
        "build-9",
        "build-10",
        "build-100",
    ]


def test_lists_timestamp_run_ids_newest_first():
    document, _ = add_runs("20250103T101500Z", "20250104T090000Z", "20241231T235959Z")
    assert run_ids(document) == ["20250104T090000Z", "20250103T101500Z", "20241231T235959Z"]


def test_a_second_delivery_of_a_run_replaces_its_entry():
    document, _ = add_runs("1", "2")
    document, _ = with_run(
        document, entry("1", passed=7), project="qea", branch="main", keep_runs=0
    )
    assert run_ids(document) == ["2", "1"]
    assert document["runs"][1]["passed"] == 7


def test_an_entry_holds_id_time_counts_size_and_link():
    document, _ = add_runs("42")
    assert document["runs"][0] == {
        "run": "42",
        "time": "2025-01-03T10:00:00Z",
        "layout": "allure2",
        "passed": 1,
        "failed": 0,
        "broken": 0,
        "skipped": 0,
        "unknown": 0,
        "total": 1,
        "files": 3,
        "size": 1000,
        "link": "42/index.html",
    }


def test_an_entry_without_counts_holds_nulls():
    document, _ = with_run(
        None,
        RunEntry(run="1", time="t", layout="other", counts=None, files=1, size=1),
        project="qea",
        branch="main",
        keep_runs=0,
    )
    assert document["runs"][0]["passed"] is None
    assert document["runs"][0]["total"] is None


def test_keeps_the_newest_runs_and_names_the_dropped_ones():
    document, dropped = add_runs("1", "2", "3", keep_runs=2)
    assert run_ids(document) == ["3", "2"]
    assert dropped == ["1"]


def test_keep_runs_zero_keeps_every_run():
    document, dropped = add_runs(*[str(n) for n in range(30)], keep_runs=0)
    assert len(document["runs"]) == 30
    assert dropped == []


def test_describes_a_branch_by_its_newest_run():
    runs, _ = add_runs("1", "2")
    branches = with_branch(None, runs, project="qea", branch="main")
    assert branches["branches"] == [
        {
            "branch": "main",
            "runs": 2,
            "latest_run": "2",
            "time": "2025-01-03T10:00:00Z",
            "passed": 1,
            "failed": 0,
            "broken": 0,
            "skipped": 0,
            "unknown": 0,
            "total": 1,
            "link": "main/index.html",
        }
    ]


def test_lists_branches_by_name_once_each():
    runs, _ = add_runs("1")
    branches = None
    for branch in ("main", "feature-b", "main", "dev"):
        branches = with_branch(branches, runs, project="qea", branch=branch)
    assert [item["branch"] for item in branches["branches"]] == ["dev", "feature-b", "main"]


def test_lists_projects_by_name_with_their_branch_count():
    runs, _ = add_runs("1")
    branches = with_branch(None, runs, project="qea", branch="main")
    branches = with_branch(branches, runs, project="qea", branch="dev")
    projects = with_project(None, branches, project="qea")
    projects = with_project(projects, branches, project="abc")
    assert [(item["project"], item["branches"]) for item in projects["projects"]] == [
        ("abc", 2),
        ("qea", 2),
    ]


def test_a_run_published_later_is_newer_whatever_its_id():
    document = None
    for run, time in (
        ("20261203-120000", "2026-12-03T12:00:00Z"),
        ("4711", "2026-12-03T12:05:00Z"),
    ):
        later = RunEntry(run=run, time=time, layout="allure2", counts=None, files=1, size=1)
        document, dropped = with_run(document, later, project="qea", branch="main", keep_runs=1)

    assert run_ids(document) == ["4711"]
    assert dropped == ["20261203-120000"]
