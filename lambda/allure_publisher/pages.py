"""The HTML pages people open: the site's projects, a project's branches, a branch's runs, and
the latest/ redirect. Static files rendered from the JSON indexes, with relative links only, so
they work behind the S3 website endpoint, CloudFront or a plain S3 URL alike."""

from html import escape
from typing import Any

from .conditional_json import Document

_STYLE = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; }
th, td { padding: .35rem .8rem; border-bottom: 1px solid #ddd; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.passed { color: #2e7d32; } .failed { color: #c62828; } .broken { color: #ef6c00; }
.skipped { color: #757575; } nav { margin-bottom: 1rem; }
"""
_OUTCOMES = ("passed", "failed", "broken", "skipped")


def _page(title: str, nav: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>\n<body>\n"
        f"<nav>{nav}</nav>\n<h1>{escape(title)}</h1>\n{body}\n</body></html>\n"
    )


def _count_cells(item: dict[str, Any]) -> str:
    cells = []
    for key in (*_OUTCOMES, "total"):
        value = item.get(key)
        shown = "–" if value is None else str(value)
        cells.append(f'<td class="n {key}" data-count="{key}">{shown}</td>')
    return "".join(cells)


def _count_headers() -> str:
    return "".join(f"<th>{key.capitalize()}</th>" for key in (*_OUTCOMES, "total"))


def _size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def branch_page(runs: Document) -> str:
    """A branch's runs, newest first, each with its counts and a link to the report."""
    title = f"{runs['project']} / {runs['branch']}"
    rows = "\n".join(
        f'<tr data-run="{escape(run["run"])}"><td><a href="{escape(run["link"])}">'
        f"{escape(run['run'])}</a></td><td>{escape(run['time'])}</td>{_count_cells(run)}"
        f'<td class="n">{_size(run["size"])}</td></tr>'
        for run in runs["runs"]
    )
    body = (
        f'<p><a href="latest/index.html">Latest run</a> · {len(runs["runs"])} runs · '
        f'<a href="runs.json">runs.json</a></p>\n<table><thead><tr><th>Run</th><th>Time</th>'
        f"{_count_headers()}<th>Size</th></tr></thead>\n<tbody>\n{rows}\n</tbody></table>"
    )
    return _page(title, '<a href="../index.html">Branches</a>', body)


def project_page(branches: Document) -> str:
    """A project's branches, each with its newest run's counts."""
    rows = "\n".join(
        f'<tr data-branch="{escape(item["branch"])}"><td><a href="{escape(item["link"])}">'
        f"{escape(item['branch'])}</a></td><td>{item['runs']}</td>"
        f"<td>{escape(item['latest_run'] or '–')}</td>{_count_cells(item)}</tr>"
        for item in branches["branches"]
    )
    body = (
        f"<table><thead><tr><th>Branch</th><th>Runs</th><th>Latest run</th>{_count_headers()}"
        f"</tr></thead>\n<tbody>\n{rows}\n</tbody></table>"
    )
    return _page(branches["project"], '<a href="../index.html">Projects</a>', body)


def site_page(projects: Document) -> str:
    """The site's projects."""
    rows = "\n".join(
        f'<tr data-project="{escape(item["project"])}"><td><a href="{escape(item["link"])}">'
        f"{escape(item['project'])}</a></td><td>{item['branches']}</td>"
        f"<td>{escape(item['time'] or '–')}</td></tr>"
        for item in projects["projects"]
    )
    body = (
        "<table><thead><tr><th>Project</th><th>Branches</th><th>Last run</th></tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody></table>"
    )
    return _page("Allure reports", "", body)


def latest_page(run: str) -> str:
    """A redirect to the branch's newest run, which works without JavaScript."""
    target = escape(f"../{run}/index.html")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={target}">'
        f"<title>Latest run: {escape(run)}</title></head>\n"
        f'<body><p>Latest run: <a href="{target}">{escape(run)}</a></p></body></html>\n'
    )
