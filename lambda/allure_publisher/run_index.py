"""The indexes people and tools read: a branch's runs, a project's branches, the site's projects.

Each is a JSON document (`runs.json`, `branches.json`, `projects.json`) updated with conditional
writes, and an `index.html` rendered from it. The functions here that change a document are pure,
so the rules (newest first, numbers as numbers, one entry per run, retention) are tested without
S3.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .conditional_json import Document
from .layouts import RunCounts

RUNS_FILE = "runs.json"
BRANCHES_FILE = "branches.json"
PROJECTS_FILE = "projects.json"
PAGE_FILE = "index.html"
_CHUNKS = re.compile(r"(\d+)")
COUNT_KEYS = ("passed", "failed", "broken", "skipped", "unknown", "total")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def run_sort_key(run_id: str) -> tuple:
    """Orders run ids naturally: digit runs compare as numbers ('100' after '99', 'b10' after
    'b9'), the rest as text. Sorting with reverse=True puts the newest first."""
    key = []
    for index, chunk in enumerate(_CHUNKS.split(run_id)):
        if index % 2:
            key.append((1, int(chunk), chunk))
        elif chunk:
            key.append((0, 0, chunk))
    return tuple(key)


@dataclass(frozen=True)
class RunEntry:
    """One run as the branch index lists it."""

    run: str
    time: str
    layout: str
    counts: RunCounts | None
    files: int
    size: int

    def to_json(self) -> dict[str, Any]:
        counts = self.counts.to_json() if self.counts else dict.fromkeys(COUNT_KEYS)
        return {
            "run": self.run,
            "time": self.time,
            "layout": self.layout,
            **counts,
            "files": self.files,
            "size": self.size,
            "link": f"{self.run}/{PAGE_FILE}",
        }


def with_run(
    document: Document | None, entry: RunEntry, *, project: str, branch: str, keep_runs: int
) -> tuple[Document, list[str]]:
    """The branch's runs document with `entry` added, or replacing the entry of the same run
    (a second delivery of one upload yields one entry), newest first, cut to `keep_runs`
    (0 keeps all). Returns the document and the run ids it dropped.

    Newest is by publish time, then by run id (numbers as numbers) within one second: ids
    alone would rank a CI's numeric ids below a timestamp id, and retention would then drop the
    run just published."""
    runs = [run for run in (document or {}).get("runs", []) if run.get("run") != entry.run]
    runs.append(entry.to_json())
    runs.sort(key=lambda run: (run.get("time") or "", run_sort_key(run["run"])), reverse=True)
    kept, dropped = (runs[:keep_runs], runs[keep_runs:]) if keep_runs else (runs, [])
    body = {"project": project, "branch": branch, "updated": utc_now(), "runs": kept}
    return body, [run["run"] for run in dropped]


def with_branch(
    document: Document | None, runs: Document, *, project: str, branch: str
) -> Document:
    """The project's branch list with `branch` described from its runs document (its newest
    run, how many runs), sorted by name."""
    branches = [item for item in (document or {}).get("branches", []) if item["branch"] != branch]
    newest = runs["runs"][0] if runs.get("runs") else None
    summary = {
        "branch": branch,
        "runs": len(runs.get("runs", [])),
        "latest_run": newest["run"] if newest else None,
        "time": newest["time"] if newest else None,
        **{key: newest.get(key) if newest else None for key in COUNT_KEYS},
        "link": f"{branch}/{PAGE_FILE}",
    }
    branches.append(summary)
    branches.sort(key=lambda item: item["branch"])
    return {"project": project, "updated": utc_now(), "branches": branches}


def with_project(document: Document | None, branches: Document, *, project: str) -> Document:
    """The site's project list with `project` described from its branch list, sorted by name."""
    projects = [item for item in (document or {}).get("projects", []) if item["project"] != project]
    times = [item["time"] for item in branches.get("branches", []) if item.get("time")]
    projects.append(
        {
            "project": project,
            "branches": len(branches.get("branches", [])),
            "time": max(times) if times else None,
            "link": f"{project}/{PAGE_FILE}",
        }
    )
    projects.sort(key=lambda item: item["project"])
    return {"updated": utc_now(), "projects": projects}
