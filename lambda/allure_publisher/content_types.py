"""Content-Type and Cache-Control of every published file, from a fixed table.

The host's `mimetypes` tables differ between machines (and between a laptop and the Lambda
runtime); a report whose JavaScript arrives as text/plain renders blank, so the table is ours.
"""

import posixpath
import re

OCTET_STREAM = "application/octet-stream"

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "htm": "text/html; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "mjs": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "json": "application/json",
    "map": "application/json",
    "har": "application/json",
    "jsonl": "application/jsonl",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "ico": "image/x-icon",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "txt": "text/plain; charset=utf-8",
    "log": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xml": "application/xml",
    "webm": "video/webm",
    "mp4": "video/mp4",
    "zip": "application/zip",
}

NO_CACHE = "no-cache"
LONG_LIVED = "public, max-age=31536000, immutable"
# Run files other than the ones above only change when the same run is published again.
RUN_FILE = "public, max-age=3600"

# Bundlers name assets `<name>-<hash>.<ext>` (Allure 2: `index-CqG5t6J2.js`, Allure 3:
# `app-b3323b2606f19801ef1b.js`); a hash has 8 or more characters with at least one digit.
_HASHED = re.compile(
    r"[-.](?=[A-Za-z0-9_]*\d)[A-Za-z0-9_]{8,}\.(?:js|mjs|css|ico|svg|png|woff2?|ttf|map)$",
    re.IGNORECASE,
)
_NO_CACHE_FOLDERS = ("widgets/", "history/")
_NO_CACHE_FILES = {"index.html", "summary.json", "history.jsonl"}


def content_type_for(name: str) -> str:
    """The Content-Type for a file name, by extension, case-insensitively; octet-stream if
    the extension is unknown or missing."""
    base = posixpath.basename(name)
    _, dot, extension = base.rpartition(".")
    if not dot or not _:
        return OCTET_STREAM
    return CONTENT_TYPES.get(extension.lower(), OCTET_STREAM)


def cache_control_for(relative_name: str) -> str:
    """The Cache-Control for a file at `relative_name` inside a run's folder."""
    lowered = relative_name.lower()
    if posixpath.basename(lowered) in _NO_CACHE_FILES or lowered.startswith(_NO_CACHE_FOLDERS):
        return NO_CACHE
    if _HASHED.search(posixpath.basename(relative_name)):
        return LONG_LIVED
    return RUN_FILE
