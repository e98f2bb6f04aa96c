"""History across runs: each branch's latest/ folder, and fetching its history for the next run.

Allure draws its trend charts only from history fed into the next generation: Allure 2 reads an
`allure-results/history/` folder, Allure 3 appends to the `history.jsonl` file its config names
(`historyPath`). After every publish, the branch's newest run's history files are copied to
`latest/history/` (Allure 2) or `latest/history.jsonl` (Allure 3), next to a redirect page and a
`run.json` naming that run; `fetch_history` downloads them before the next `allure generate`.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from botocore.exceptions import ClientError

from .conditional_json import JSON_TYPE, StoredDocument, read_document
from .content_types import NO_CACHE, content_type_for
from .layouts import ALLURE2_HISTORY_FOLDER, ALLURE3_HISTORY_FILE, ReportLayout
from .pages import latest_page
from .s3_client import delete_keys, list_keys

LATEST = "latest/"
LATEST_RUN_FILE = "run.json"


def refresh_latest(s3, bucket: str, branch_prefix: str, runs: StoredDocument) -> str | None:
    """Point `latest/` at the newest run of the runs document and copy that run's history there.
    Returns the run it points to, or None when the branch has no runs."""
    if not runs.body or not runs.body.get("runs"):
        return None
    newest = runs.body["runs"][0]
    run_prefix = f"{branch_prefix}{newest['run']}/"
    latest_prefix = branch_prefix + LATEST
    history = _history_of_run(s3, bucket, run_prefix, newest.get("layout"))

    for name in history:
        s3.copy_object(
            Bucket=bucket,
            Key=latest_prefix + name,
            CopySource={"Bucket": bucket, "Key": run_prefix + name},
            MetadataDirective="REPLACE",
            ContentType=content_type_for(name),
            CacheControl=NO_CACHE,
        )
    stale = [
        key
        for key in list_keys(s3, bucket, latest_prefix)
        if _is_history(key[len(latest_prefix) :]) and key[len(latest_prefix) :] not in history
    ]
    delete_keys(s3, bucket, stale)

    pointer = {
        "run": newest["run"],
        "layout": newest.get("layout"),
        "link": f"../{newest['run']}/index.html",
        "history": history,
    }
    s3.put_object(
        Bucket=bucket,
        Key=latest_prefix + LATEST_RUN_FILE,
        Body=json.dumps(pointer, indent=1).encode(),
        ContentType=JSON_TYPE,
        CacheControl=NO_CACHE,
    )
    s3.put_object(
        Bucket=bucket,
        Key=latest_prefix + "index.html",
        Body=latest_page(newest["run"]).encode(),
        ContentType=content_type_for("index.html"),
        CacheControl=NO_CACHE,
    )
    return newest["run"]


def _is_history(name: str) -> bool:
    return name.startswith(ALLURE2_HISTORY_FOLDER) or name == ALLURE3_HISTORY_FILE


def _history_of_run(s3, bucket: str, run_prefix: str, layout: str | None) -> list[str]:
    if layout == ReportLayout.ALLURE2:
        keys = list_keys(s3, bucket, run_prefix + ALLURE2_HISTORY_FOLDER)
        return sorted(key[len(run_prefix) :] for key in keys)
    if layout == ReportLayout.ALLURE3:
        try:
            s3.head_object(Bucket=bucket, Key=run_prefix + ALLURE3_HISTORY_FILE)
        except ClientError as error:
            if error.response["Error"]["Code"] in {"404", "NoSuchKey"}:
                return []
            raise
        return [ALLURE3_HISTORY_FILE]
    return []


@dataclass(frozen=True)
class FetchedHistory:
    """What fetch_history wrote: the run it came from (None before any publish) and the files."""

    run: str | None
    layout: str | None
    files: list[Path] = field(default_factory=list)


def fetch_history(
    s3, bucket: str, branch_prefix: str, results_dir: Path, history_file: Path
) -> FetchedHistory:
    """Download the branch's latest history: Allure 2's files into `results_dir/history/`,
    Allure 3's `history.jsonl` to `history_file`. A branch without runs yields no files."""
    latest_prefix = branch_prefix + LATEST
    pointer = read_document(s3, bucket, latest_prefix + LATEST_RUN_FILE).body
    if not pointer:
        return FetchedHistory(None, None)
    written = []
    for name in pointer.get("history", []):
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not _is_history(name):
            raise ValueError(f"latest/{LATEST_RUN_FILE} lists an unexpected file {name!r}")
        target = history_file if name == ALLURE3_HISTORY_FILE else results_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        s3.download_file(bucket, latest_prefix + name, str(target))
        written.append(target)
    return FetchedHistory(pointer["run"], pointer.get("layout"), written)
