"""The fixed Content-Type map and the Cache-Control rules."""

import mimetypes

import pytest

from allure_publisher.content_types import (
    LONG_LIVED,
    NO_CACHE,
    RUN_FILE,
    cache_control_for,
    content_type_for,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("styles.css", "text/css; charset=utf-8"),
        ("widgets/summary.json", "application/json"),
        ("favicon.svg", "image/svg+xml"),
        ("data/attachments/a.png", "image/png"),
        ("data/attachments/a.jpg", "image/jpeg"),
        ("data/attachments/a.gif", "image/gif"),
        ("data/attachments/a.webp", "image/webp"),
        ("favicon.ico", "image/x-icon"),
        ("font.woff", "font/woff"),
        ("font.woff2", "font/woff2"),
        ("font.ttf", "font/ttf"),
        ("data/attachments/a.txt", "text/plain; charset=utf-8"),
        ("export/suites.csv", "text/csv; charset=utf-8"),
        ("data/attachments/a.xml", "application/xml"),
        ("data/attachments/network.har", "application/json"),
        ("history.jsonl", "application/jsonl"),
        ("data/attachments/video.webm", "video/webm"),
        ("data/attachments/video.mp4", "video/mp4"),
        ("data/attachments/trace.zip", "application/zip"),
    ],
)
def test_maps_each_known_extension_to_its_content_type(name, expected):
    assert content_type_for(name) == expected


def test_matches_extensions_case_insensitively():
    assert content_type_for("INDEX.HTML") == "text/html; charset=utf-8"
    assert content_type_for("Shot.PnG") == "image/png"


@pytest.mark.parametrize("name", ["data/blob.xyz", "LICENSE", "data/attachments/noext", ".env"])
def test_gives_octet_stream_to_unknown_or_missing_extensions(name):
    assert content_type_for(name) == "application/octet-stream"


def test_ignores_the_hosts_mimetypes_table(monkeypatch):
    monkeypatch.setattr(mimetypes, "guess_type", lambda *args, **kwargs: ("text/plain", None))
    assert content_type_for("app.js") == "text/javascript; charset=utf-8"


@pytest.mark.parametrize(
    "name",
    [
        "index.html",
        "summary.json",
        "history.jsonl",
        "widgets/summary.json",
        "widgets/default/tree.json",
        "history/history-trend.json",
    ],
)
def test_marks_pages_widgets_history_and_summaries_no_cache(name):
    assert cache_control_for(name) == NO_CACHE


@pytest.mark.parametrize(
    "name",
    ["assets/index-CqG5t6J2.js", "app-b3323b2606f19801ef1b.js", "assets/favicon-BDLHVmV7.ico"],
)
def test_gives_hashed_assets_a_long_life(name):
    assert cache_control_for(name) == LONG_LIVED


@pytest.mark.parametrize(
    "name", ["app.js", "data/test-cases/3f2a.json", "styles.css", "export/prometheusData.txt"]
)
def test_gives_other_run_files_a_short_life(name):
    assert cache_control_for(name) == RUN_FILE


def test_does_not_take_a_word_after_a_dash_for_a_hash():
    assert cache_control_for("history-trendline.js") == RUN_FILE
