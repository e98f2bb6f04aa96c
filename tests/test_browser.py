"""The published reports as a person sees them: the committed Allure 2 and Allure 3 reports, a
branch's run index and the site's landing page, opened from the emulator in headless Chromium.

This is the check that catches what a read-back over HTTP cannot: a wrong Content-Type or a
broken relative path, after which a report renders blank. Every expected count is read from the
report's own summary, never written here. Each test leaves a screenshot of where it ended in
test-output/browser/.
"""

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from emulator import server

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "tests" / "fixtures" / "reports"
SCREENSHOTS = ROOT / "test-output" / "browser"

# Debian's package: Playwright's own browser download cannot work here.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Anything not served by the emulator. Allure 2 reports load Google Analytics, which fails
# offline; aborting it up front keeps the test offline and its console quiet.
OFF_SITE = re.compile(r"^https?://(?!localhost[:/])")
WAIT_MS = 10_000

REGION = "us-east-1"
BUCKET = "qea-reports"
PROJECT = "qea"
BRANCH = "main"
OTHER_BRANCH = "feature/login"  # published as feature-login
PUBLISHED = {  # fixture report -> (branch, run)
    "allure2": (BRANCH, "1"),
    "allure2-run2": (BRANCH, "2"),
    "allure3": (OTHER_BRANCH, "1"),
}
OUTCOMES = ("passed", "failed", "broken", "skipped")
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def public_read_policy(bucket: str) -> dict[str, Any]:
    """The s3-website mode's anonymous read of reports and the site pages; the emulator
    enforces unconditional Allow statements for the principal "*", which this is."""
    keys = ("reports/*", "index.html", "error.html")
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::{bucket}/{key}" for key in keys],
            }
        ],
    }


def report_counts(report: str) -> dict[str, int]:
    """A committed report's counts from its own summary: Allure 2's widgets/summary.json or
    Allure 3's summary.json."""
    allure2_summary = REPORTS / report / "widgets" / "summary.json"
    if allure2_summary.exists():
        statistic = json.loads(allure2_summary.read_text())["statistic"]
    else:
        statistic = json.loads((REPORTS / report / "summary.json").read_text())["stats"]
    return {key: statistic.get(key, 0) for key in (*OUTCOMES, "total")}


@dataclass(frozen=True)
class PublishedSite:
    """The emulator's bucket after the publishes: where things are, as the publisher said."""

    endpoint: str
    runs: dict[str, dict[str, Any]]  # fixture report -> the command line's --json result

    @property
    def root_url(self) -> str:
        return f"{self.endpoint}/{BUCKET}"

    def report_url(self, report: str) -> str:
        return self.runs[report]["url"]

    def index_url(self, report: str) -> str:
        return self.runs[report]["index_url"]


def publish(endpoint: str, report: str, branch: str, run: str) -> dict[str, Any]:
    """Publish a committed report folder with the command line CI runs, in s3-website mode."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"))
    }
    environment.update(DUMMY_CREDENTIALS, PYTHONPATH=str(ROOT / "lambda"))
    command = [
        sys.executable,
        "-m",
        "allure_publisher",
        "publish",
        *("--bucket", BUCKET, "--report", str(REPORTS / report), "--project", PROJECT),
        *("--branch", branch, "--run", run, "--endpoint-url", endpoint, "--region", REGION),
        *("--site-mode", "s3-website", "--site-base-url", f"{endpoint}/{BUCKET}", "--json"),
    ]
    done = subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, f"publishing {report} failed:\n{done.stderr}"
    return json.loads(done.stdout)


def put_landing_page(s3) -> None:
    """What the storage stack's landing-page function writes after a deployment; nothing runs
    Lambdas on the emulator, so the test puts the page itself."""
    from constructs.site_landing_page import render_landing_page

    page = render_landing_page(
        project=PROJECT, env_name="dev", account="123456789012", region=REGION
    )
    s3.put_object(
        Bucket=BUCKET,
        Key="index.html",
        Body=page.encode(),
        ContentType="text/html; charset=utf-8",
        CacheControl="no-cache",
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium; fails (not skips) without it, since CI installs it."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}, and the browser tests need it: install "
            "Debian's package with `apt-get install chromium` (as root; .ci/run does this in CI)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory) -> Iterator[PublishedSite]:
    """A private emulator with a public-read bucket holding the three published runs and the
    landing page; stopped also when a test fails. Asks for the browser first, so that without
    Chromium the module fails before starting anything."""
    state_dir = tmp_path_factory.mktemp("emulator-browser")
    endpoint = server.start(state_dir=state_dir)
    try:
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read_policy(BUCKET)))
        runs = {
            report: publish(endpoint, report, branch, run)
            for report, (branch, run) in PUBLISHED.items()
        }
        put_landing_page(s3)
        yield PublishedSite(endpoint=endpoint, runs=runs)
    finally:
        server.stop(state_dir=state_dir)


@dataclass
class Tab:
    """A browser page and the requests to the emulator that it saw fail."""

    page: Page
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, status or error)

    def broken_requests(self, report_url: str, report: str) -> list[str]:
        """Failed requests to the emulator, except those the report makes for files it does
        not have (the Allure 3 app asks for widgets/metrics.json, which this report lacks).
        What is left is a file missing from the site, or a relative path gone wrong."""
        run_base = report_url.rsplit("/", 1)[0] + "/"
        broken = []
        for url, failure in self.failed:
            path = url.split("?", 1)[0]
            relative = path.removeprefix(run_base)
            if relative == path or (REPORTS / report / relative).is_file():
                broken.append(f"{failure}: {url}")
        return broken


def with_nosniff(route: Route) -> None:
    """Serve the emulator's answer as CloudFront's SECURITY_HEADERS policy does in cloudfront
    mode, with `X-Content-Type-Options: nosniff`. The emulator (like the S3 website endpoint)
    sends none, and without it Chromium runs a classic script served as text/plain or
    application/octet-stream; with it, a script or stylesheet of the wrong type is refused and
    the report renders blank. So a wrong type fails here whichever site mode serves it."""
    response = route.fetch()
    route.fulfill(
        response=response, headers={**response.headers, "x-content-type-options": "nosniff"}
    )


@pytest.fixture
def tab(browser, site, request) -> Iterator[Tab]:
    """A fresh page with off-site requests aborted; a screenshot of it when the test ends."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    context.route(OFF_SITE, lambda route: route.abort())
    context.route(f"{site.endpoint}/**", with_nosniff)
    page = context.new_page()
    opened = Tab(page=page)

    def on_response(response) -> None:
        if response.status >= 400 and response.url.startswith(site.endpoint):
            opened.failed.append((response.url, str(response.status)))

    def on_request_failed(failed) -> None:
        if failed.url.startswith(site.endpoint):
            opened.failed.append((failed.url, failed.failure or "failed"))

    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    try:
        yield opened
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = request.node.name.removeprefix("test_")
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        context.close()


def allure2_counts(page: Page) -> dict[str, int]:
    """The counts an Allure 2 overview shows: the total under the donut, each outcome summed
    over the Suites widget's bars (an outcome without tests has no bar)."""
    page.wait_for_selector("[data-id=summary] .splash__title")
    page.wait_for_selector("[data-id=suites] .bar__fill")
    counts = {"total": int(page.inner_text("[data-id=summary] .splash__title"))}
    for outcome in OUTCOMES:
        bars = page.locator(f"[data-id=suites] .bar__fill_status_{outcome}").all_inner_texts()
        counts[outcome] = sum(int(text) for text in bars)
    return counts


def allure3_counts(page: Page) -> dict[str, int]:
    """The counts an Allure 3 report shows above its results (an outcome without tests has no
    item)."""
    page.wait_for_selector("[data-testid=metadata-item-total] [data-testid=metadata-value]")
    counts = {}
    for key in (*OUTCOMES, "total"):
        value = page.locator(f"[data-testid=metadata-item-{key}] [data-testid=metadata-value]")
        counts[key] = int(value.inner_text()) if value.count() else 0
    return counts


def index_counts(page: Page, run: str) -> dict[str, int]:
    """The counts of one run's row in a branch's run index."""
    row = page.locator(f'tr[data-run="{run}"]')
    return {
        key: int(row.locator(f'td[data-count="{key}"]').inner_text())
        for key in (*OUTCOMES, "total")
    }


def test_allure2_report_renders_the_counts_of_its_summary(tab, site):
    tab.page.goto(site.report_url("allure2"))
    assert allure2_counts(tab.page) == report_counts("allure2")
    assert tab.broken_requests(site.report_url("allure2"), "allure2") == []


def test_allure2_second_run_draws_the_trend_of_both_runs(tab, site):
    history = json.loads((REPORTS / "allure2-run2" / "widgets" / "history-trend.json").read_text())
    tab.page.goto(site.report_url("allure2-run2"))
    tab.page.wait_for_selector("[data-id=history-trend] .trend__area")
    assert tab.page.locator("[data-id=history-trend] .report-line").count() == len(history) == 2
    assert allure2_counts(tab.page) == report_counts("allure2-run2")


def test_allure3_report_renders_the_counts_of_its_summary(tab, site):
    tab.page.goto(site.report_url("allure3"))
    assert allure3_counts(tab.page) == report_counts("allure3")
    assert tab.broken_requests(site.report_url("allure3"), "allure3") == []


def test_branch_index_lists_both_runs_newest_first_with_their_counts(tab, site):
    tab.page.goto(site.index_url("allure2"))
    tab.page.wait_for_selector("tr[data-run]")
    runs = tab.page.locator("tr[data-run]").evaluate_all("rows => rows.map(r => r.dataset.run)")
    assert runs == ["2", "1"]
    assert index_counts(tab.page, "2") == report_counts("allure2-run2")
    assert index_counts(tab.page, "1") == report_counts("allure2")


def test_clicking_a_run_in_the_branch_index_opens_that_rendered_report(tab, site):
    tab.page.goto(site.index_url("allure2"))
    tab.page.click('tr[data-run="1"] a')
    tab.page.wait_for_url(site.report_url("allure2"))
    # Run 1 and run 2 differ in their failed count, so this is run 1's report.
    assert allure2_counts(tab.page) == report_counts("allure2")


def test_latest_run_link_opens_the_branchs_newest_report(tab, site):
    tab.page.goto(site.index_url("allure2"))
    tab.page.click("text=Latest run")
    tab.page.wait_for_url(site.report_url("allure2-run2"))
    assert allure2_counts(tab.page) == report_counts("allure2-run2")


def test_landing_page_lists_the_published_project(tab, site):
    tab.page.goto(f"{site.root_url}/index.html")
    # The project links come from reports/projects.json, fetched by the page's script.
    tab.page.wait_for_selector(f"#projects a:text-is('{PROJECT}')")
    assert tab.page.inner_text("h1") == f"Allure reports of {PROJECT} (dev)"
    assert tab.failed == []


def test_landing_page_leads_through_the_project_to_a_branchs_runs(tab, site):
    tab.page.goto(f"{site.root_url}/index.html")
    tab.page.click(f"#projects a:text-is('{PROJECT}')")
    tab.page.wait_for_url(f"{site.root_url}/reports/{PROJECT}/index.html")
    branches = tab.page.locator("tr[data-branch]").evaluate_all(
        "rows => rows.map(r => r.dataset.branch)"
    )
    assert sorted(branches) == ["feature-login", BRANCH]
    tab.page.click(f'tr[data-branch="{BRANCH}"] a')
    tab.page.wait_for_url(site.index_url("allure2"))
    assert tab.page.locator("tr[data-run]").count() == 2
