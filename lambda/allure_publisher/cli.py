"""The command line: publish a report folder or zip, and fetch a branch's history before the
next `allure generate`. The same functions as the Lambda, against any S3 endpoint.

    python -m allure_publisher publish --bucket B --report allure-report [--project qea]
        [--branch main] [--run 42] [--endpoint-url http://localhost:5000]
    python -m allure_publisher publish-upload --bucket B --key incoming/qea/main/42.zip
    python -m allure_publisher fetch-history --bucket B --project qea --branch main
        [--results allure-results] [--history-file history.jsonl]

The endpoint also follows the standard AWS settings (AWS_ENDPOINT_URL, profiles); the other
settings are the Lambda's environment variables (see settings.py), a few of them also flags.
"""

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

from botocore.exceptions import ClientError, NoCredentialsError

from .archive import zip_directory
from .errors import PublishError, RejectedUpload
from .history import fetch_history
from .logs import configure_logging
from .names import ReportKeys, RunAddress, branch_name, check_name, default_run_id
from .publish import (
    PublishResult,
    logged_outcome,
    publish_report,
    publish_upload,
    result_log_fields,
)
from .s3_client import make_s3_client
from .settings import Settings, SiteMode

EXIT_FAILED = 1
EXIT_REJECTED = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m allure_publisher", description="Publish Allure reports to S3."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    publish = commands.add_parser("publish", help="publish a generated report (folder or zip)")
    publish.add_argument("--bucket", required=True, help="the reports bucket")
    publish.add_argument("--report", required=True, type=Path, help="report folder or zip")
    publish.add_argument("--project", default="qea", help="project name (default: qea)")
    publish.add_argument("--branch", default="main", help="branch; '/' becomes '-' (main)")
    publish.add_argument("--run", help="run id (default: the UTC time, 20250103T101500Z)")
    publish.add_argument("--site-mode", choices=[mode.value for mode in SiteMode])
    publish.add_argument("--site-base-url", help="URL serving the bucket root (SITE_BASE_URL)")
    publish.add_argument("--keep-runs", type=int, help="runs kept per branch (KEEP_RUNS)")
    publish.add_argument("--concurrency", type=int, help="uploads in flight (UPLOAD_CONCURRENCY)")
    publish.add_argument("--json", action="store_true", help="print the result as JSON")

    upload = commands.add_parser(
        "publish-upload",
        help="publish a zip already uploaded under incoming/, as the function does (to redrive a "
        "dead-lettered event, say)",
    )
    upload.add_argument("--bucket", required=True, help="the reports bucket")
    upload.add_argument("--key", required=True, help="incoming/<project>/<branch>/<run>.zip")
    upload.add_argument(
        "--in-place", action="store_true", help="read the zip with ranged GETs, not a download"
    )
    upload.add_argument("--site-mode", choices=[mode.value for mode in SiteMode])
    upload.add_argument("--site-base-url", help="URL serving the bucket root (SITE_BASE_URL)")
    upload.add_argument("--keep-runs", type=int, help="runs kept per branch (KEEP_RUNS)")
    upload.add_argument("--concurrency", type=int, help="uploads in flight (UPLOAD_CONCURRENCY)")
    upload.add_argument("--json", action="store_true", help="print the result as JSON")

    fetch = commands.add_parser("fetch-history", help="download a branch's latest history")
    fetch.add_argument("--bucket", required=True, help="the reports bucket")
    fetch.add_argument("--project", default="qea", help="project name (default: qea)")
    fetch.add_argument("--branch", default="main", help="branch; '/' becomes '-' (main)")
    fetch.add_argument(
        "--results",
        type=Path,
        default=Path("allure-results"),
        help="Allure 2: history/ goes in here (default: allure-results)",
    )
    fetch.add_argument(
        "--history-file",
        type=Path,
        default=Path("history.jsonl"),
        help="Allure 3: where history.jsonl goes; your allurerc historyPath (history.jsonl)",
    )

    for command in (publish, upload, fetch):
        command.add_argument("--endpoint-url", help="S3 endpoint, e.g. an emulator's URL")
        command.add_argument("--region", help="AWS region (default: from the AWS settings)")
        command.add_argument("-v", "--verbose", action="store_true", help="log JSON lines")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
    except PublishError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_REJECTED
    configure_logging("INFO" if args.verbose else "WARNING", runtime_formats_json=False)
    s3 = make_s3_client(
        pool_size=settings.upload_concurrency, endpoint_url=args.endpoint_url, region=args.region
    )
    try:
        if args.command == "publish":
            return _publish(args, settings, s3)
        if args.command == "publish-upload":
            return _publish_upload(args, settings, s3)
        return _fetch_history(args, settings, s3)
    except RejectedUpload as error:
        print(f"rejected ({error.reason}): {error}", file=sys.stderr)
        return EXIT_REJECTED
    except PublishError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except ClientError as error:
        # A missing bucket or key, or no right to it: S3's own words, without a traceback.
        details = error.response.get("Error", {})
        operation = getattr(error, "operation_name", "S3")
        print(
            f"error: {operation} answered {details.get('Code', '?')}: "
            f"{details.get('Message', error)} (bucket {args.bucket})",
            file=sys.stderr,
        )
        return EXIT_FAILED
    except NoCredentialsError:
        print("error: no AWS credentials; configure a profile or AWS_* variables", file=sys.stderr)
        return EXIT_FAILED


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_environ(os.environ)
    flags = {
        "site_mode": SiteMode(args.site_mode) if getattr(args, "site_mode", None) else None,
        "site_base_url": getattr(args, "site_base_url", None),
        "keep_runs": getattr(args, "keep_runs", None),
        "upload_concurrency": getattr(args, "concurrency", None),
    }
    settings = dataclasses.replace(
        settings, **{name: value for name, value in flags.items() if value is not None}
    )
    settings.validate()
    return settings


def _publish(args: argparse.Namespace, settings: Settings, s3) -> int:
    run = args.run or default_run_id()
    with logged_outcome(bucket=args.bucket, report=str(args.report)) as fields:
        address = RunAddress.of(args.project, args.branch, run)
        fields.update(project=address.project, branch=address.branch, run=address.run)
        if not args.report.exists():
            raise PublishError(f"--report {args.report} does not exist")
        zipped = zip_directory(args.report) if args.report.is_dir() else None
        progress = _Progress() if sys.stderr.isatty() else None
        try:
            result = publish_report(
                s3,
                settings,
                args.bucket,
                address,
                zipped.path if zipped else args.report,
                on_progress=progress,
            )
        finally:
            if zipped:
                zipped.close()
            if progress:
                progress.finish()
        fields.update(result_log_fields(result))
    return _print_result(args, settings, result)


def _publish_upload(args: argparse.Namespace, settings: Settings, s3) -> int:
    result = publish_upload(s3, settings, args.bucket, args.key, read_in_place=args.in_place)
    if result is None:
        print(
            f"ignored: {args.key} is not {settings.incoming_prefix}<project>/<branch>/<run>.zip "
            "in REPORTS_BUCKET",
            file=sys.stderr,
        )
        return EXIT_REJECTED
    return _print_result(args, settings, result)


def _print_result(args: argparse.Namespace, settings: Settings, result: PublishResult) -> int:
    if args.json:
        print(json.dumps(result.to_json(), indent=1))
        return 0
    address = result.address
    counts = result.counts
    tests = (
        f"{counts.total} tests: {counts.passed} passed, {counts.failed} failed, "
        f"{counts.broken} broken, {counts.skipped} skipped"
        if counts
        else "no test counts in the report"
    )
    print(
        f"Published {address.project}/{address.branch}/{address.run} ({result.layout}): {tests}; "
        f"{result.files} files, {_megabytes(result.bytes)} in {result.seconds:.1f} s"
    )
    print(f"Report: {result.url}")
    print(f"Runs:   {result.index_url}")
    if result.dropped_runs:
        print(f"Deleted beyond KEEP_RUNS={settings.keep_runs}: {', '.join(result.dropped_runs)}")
    return 0


def _fetch_history(args: argparse.Namespace, settings: Settings, s3) -> int:
    project = check_name("project", args.project)
    branch = check_name("branch", branch_name(args.branch))
    branch_prefix = ReportKeys(settings.reports_prefix).branch_prefix(project, branch)
    fetched = fetch_history(s3, args.bucket, branch_prefix, args.results, args.history_file)
    if fetched.run is None:
        print(f"No history yet for {project}/{branch}: this will be its first run.")
    else:
        print(
            f"Fetched {len(fetched.files)} history files of {project}/{branch} run "
            f"{fetched.run} ({fetched.layout}):"
        )
        for path in fetched.files:
            print(f"  {path}")
    return 0


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


class _Progress:
    """Files and bytes written so far, redrawn on one stderr line at most 5 times a second."""

    def __init__(self):
        self._shown_at = 0.0
        self._last = (0, 0)

    def __call__(self, files: int, size: int) -> None:
        self._last = (files, size)
        now = time.monotonic()
        if now - self._shown_at >= 0.2:
            self._shown_at = now
            self._draw()

    def _draw(self) -> None:
        files, size = self._last
        sys.stderr.write(f"\r  {files} files, {_megabytes(size)} written")
        sys.stderr.flush()

    def finish(self) -> None:
        if self._shown_at:
            self._draw()
            sys.stderr.write("\n")
