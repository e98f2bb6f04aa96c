"""What the publisher knows of the Allure 2 and Allure 3 report layouts: which one a report is,
its test counts, and which of its files carry history into the next run."""

import json
from dataclasses import asdict, dataclass
from enum import StrEnum

from .archive import ReportArchive

ALLURE2_SUMMARY = "widgets/summary.json"
ALLURE3_SUMMARY = "summary.json"
ALLURE2_HISTORY_FOLDER = "history/"
ALLURE3_HISTORY_FILE = "history.jsonl"


class ReportLayout(StrEnum):
    """Which generator made the report; `other` is any static site with an index.html."""

    ALLURE2 = "allure2"
    ALLURE3 = "allure3"
    OTHER = "other"


@dataclass(frozen=True)
class RunCounts:
    """Test counts by outcome, as the report's own summary states them."""

    passed: int = 0
    failed: int = 0
    broken: int = 0
    skipped: int = 0
    unknown: int = 0
    total: int = 0

    def to_json(self) -> dict[str, int]:
        return asdict(self)


def detect_layout(names: set[str]) -> ReportLayout:
    """Allure 2 keeps its summary in widgets/, Allure 3 at the root (Allure 3 has a widgets/
    folder too, without summary.json)."""
    if ALLURE2_SUMMARY in names:
        return ReportLayout.ALLURE2
    if ALLURE3_SUMMARY in names:
        return ReportLayout.ALLURE3
    return ReportLayout.OTHER


def read_counts(archive: ReportArchive, layout: ReportLayout) -> RunCounts | None:
    """The run's counts from `widgets/summary.json` (Allure 2: `statistic`) or `summary.json`
    (Allure 3: `stats`); None when the report has no readable summary."""
    if layout is ReportLayout.ALLURE2:
        name, section = ALLURE2_SUMMARY, "statistic"
    elif layout is ReportLayout.ALLURE3:
        name, section = ALLURE3_SUMMARY, "stats"
    else:
        return None
    raw = archive.read_bytes(name)
    try:
        stats = json.loads(raw or b"")[section]
        counts = {
            key: int(stats.get(key, 0))
            for key in ("passed", "failed", "broken", "skipped", "unknown")
        }
        total = int(stats.get("total", sum(counts.values())))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return RunCounts(**counts, total=total)


def history_names(names: set[str], layout: ReportLayout) -> list[str]:
    """The report's files that the next generation needs for its trends, sorted."""
    if layout is ReportLayout.ALLURE2:
        return sorted(name for name in names if name.startswith(ALLURE2_HISTORY_FOLDER))
    if layout is ReportLayout.ALLURE3 and ALLURE3_HISTORY_FILE in names:
        return [ALLURE3_HISTORY_FILE]
    return []
