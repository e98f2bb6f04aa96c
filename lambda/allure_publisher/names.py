"""Where a run lives: checked project, branch and run names, and the S3 keys built from them."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from .errors import BadName

_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
# S3 keys stop at 1024 bytes; three names this long still leave room for a report's paths.
MAX_NAME_LENGTH = 200


def check_name(kind: str, value: str) -> str:
    """Return `value` if it is a usable project, branch or run name; raise BadName if not.

    `.` and `..` are refused as well: as key segments they read as folder references.
    """
    if not value:
        raise BadName(f"the {kind} name is empty; use letters, digits, '.', '_' or '-'")
    if len(value) > MAX_NAME_LENGTH:
        raise BadName(
            f"the {kind} name is {len(value)} characters long; use at most {MAX_NAME_LENGTH}, "
            "as S3 keys stop at 1024 bytes"
        )
    if not _NAME.match(value) or value in {".", ".."}:
        raise BadName(
            f"the {kind} name {value!r} has characters outside [A-Za-z0-9._-] or is a dot "
            "segment; use letters, digits, '.', '_' or '-'"
        )
    return value


def branch_name(raw: str) -> str:
    """The branch's folder name: a git branch's `/` becomes `-` (`feature/x` -> `feature-x`)."""
    return raw.replace("/", "-")


def default_run_id(now: datetime | None = None) -> str:
    """A run id from the time, e.g. `20250103T101500Z`; such ids sort by time as text."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


# A run named `latest` would land in the branch's latest/ folder.
RESERVED_RUN_NAMES = {"latest"}


def _check_run(run: str) -> str:
    check_name("run", run)
    if run.lower() in RESERVED_RUN_NAMES:
        raise BadName(f"the run name {run!r} is reserved for the branch's latest/ folder")
    return run


@dataclass(frozen=True)
class RunAddress:
    """The project, branch and run of one publish, already checked."""

    project: str
    branch: str
    run: str

    @classmethod
    def of(cls, project: str, branch: str, run: str) -> "RunAddress":
        """Check the names (branch `/` -> `-` first) and return the address."""
        return cls(
            project=check_name("project", project),
            branch=check_name("branch", branch_name(branch)),
            run=_check_run(run),
        )


def is_incoming_upload(key: str, incoming_prefix: str) -> bool:
    """Whether a key is an upload to publish: under the incoming prefix and ending in `.zip`."""
    return key.startswith(incoming_prefix) and key.lower().endswith(".zip")


def address_from_incoming_key(key: str, incoming_prefix: str) -> RunAddress | None:
    """The run of an upload at `<incoming_prefix><project>/<branch...>/<run>.zip`.

    Returns None for keys outside the prefix or not ending in `.zip` (the caller ignores them).
    A branch given as several folders (`feature/login`) is joined with `-`. Raises BadName for
    keys in the right place whose names are unusable.
    """
    if not is_incoming_upload(key, incoming_prefix):
        return None
    parts = key[len(incoming_prefix) : -len(".zip")].split("/")
    if len(parts) < 3:
        raise BadName(
            f"the upload key {key!r} is not {incoming_prefix}<project>/<branch>/<run>.zip"
        )
    return RunAddress.of(parts[0], "-".join(parts[1:-1]), parts[-1])


@dataclass(frozen=True)
class ReportKeys:
    """The S3 key prefixes of the site, its projects, branches and runs, under one prefix."""

    prefix: str

    @property
    def site_prefix(self) -> str:
        return self.prefix

    def project_prefix(self, project: str) -> str:
        return f"{self.prefix}{project}/"

    def branch_prefix(self, project: str, branch: str) -> str:
        return f"{self.prefix}{project}/{branch}/"

    def run_prefix(self, address: RunAddress) -> str:
        return f"{self.branch_prefix(address.project, address.branch)}{address.run}/"
