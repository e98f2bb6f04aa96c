"""The publisher's settings, read once from environment variables into a frozen object.

Every variable has a default, so the function runs with none set. `Settings.from_environ` gathers
every problem into one `SettingsError` that names the variable, shows the value and says what
would be valid.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum

from .errors import SettingsError

MIB = 1024 * 1024
_PREFIX = re.compile(r"^(?:[A-Za-z0-9._-]+/)+$")
# S3's floor for every multipart part except the last.
MIN_PART_SIZE = 5 * MIB


class SiteMode(StrEnum):
    """How people reach a published report; decides the URL a publish returns."""

    S3_WEBSITE = "s3-website"
    CLOUDFRONT = "cloudfront"
    PRIVATE = "private"


@dataclass(frozen=True, kw_only=True)
class Settings:
    """What the publisher needs to know; each field's default applies when its variable is unset.

    Environment variable names are the field names in upper case.
    """

    reports_prefix: str = "reports/"
    """Where runs are written: `<prefix><project>/<branch>/<run>/`. Must end with `/`."""

    incoming_prefix: str = "incoming/"
    """Where uploads arrive; events for other keys are ignored."""

    reports_bucket: str = ""
    """When set, events from any other bucket are ignored. Empty: any bucket."""

    keep_runs: int = 20
    """Runs kept per branch, newest first; older ones are deleted. 0 keeps every run."""

    site_mode: SiteMode = SiteMode.PRIVATE
    """`s3-website` or `cloudfront`: links under `site_base_url`. `private`: presigned links."""

    site_base_url: str = ""
    """The URL that serves the bucket's root; a key K is served at `<site_base_url>/K`.
    Empty: the S3 website endpoint of the bucket in s3-website mode; unused in private mode;
    required in cloudfront mode."""

    presign_seconds: int = 3600
    """How long a presigned link of private mode stays valid (at most 7 days)."""

    max_total_bytes: int = 2048 * MIB
    """The largest total uncompressed size a zip may declare; also the largest zip accepted."""

    max_entries: int = 20_000
    """The most entries (files and folders) a zip may hold."""

    max_ratio: int = 100
    """The highest compression ratio allowed, for the whole zip and for every entry of 1 MiB or
    more uncompressed; zip bombs declare ratios in the thousands."""

    upload_concurrency: int = 16
    """Uploads in flight at once; also the size of the S3 client's connection pool."""

    multipart_threshold_bytes: int = 8 * MIB
    """Entries larger than this are sent as multipart uploads."""

    part_size_bytes: int = 8 * MIB
    """Part size of multipart uploads (at least 5 MiB, S3's floor)."""

    upload_buffer_bytes: int = 32 * MIB
    """The most entry bytes held in memory at once, over all uploads in flight. Keeps memory
    bounded by this figure, never by the size of the report."""

    index_write_attempts: int = 10
    """Tries of a conditional index update before giving up with IndexConflict."""

    log_level: str = "INFO"
    """Level of the `allure_publisher` logger: DEBUG, INFO, WARNING or ERROR."""

    aws_lambda_log_format: str = "Text"
    """Set by the Lambda runtime: `JSON` when the function's log format is JSON, in which case
    the runtime writes our records as JSON itself; otherwise the publisher formats them."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> "Settings":
        """Build settings from the variables present in `environ`; unset ones take defaults."""
        values: dict[str, object] = {}
        problems: list[str] = []
        for field in fields(cls):
            name = field.name.upper()
            if name not in environ:
                continue
            raw = environ[name].strip()
            if field.type is int:
                try:
                    values[field.name] = int(raw)
                except ValueError:
                    problems.append(f"{name}={raw!r} is not a whole number")
            elif field.type is SiteMode:
                try:
                    values[field.name] = SiteMode(raw)
                except ValueError:
                    valid = ", ".join(mode.value for mode in SiteMode)
                    problems.append(f"{name}={raw!r} is not a site mode; use one of: {valid}")
            else:
                values[field.name] = raw
        if problems:
            raise SettingsError("; ".join(problems))
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raise SettingsError naming every field whose value cannot work."""
        problems = []
        for name in ("reports_prefix", "incoming_prefix"):
            value = getattr(self, name)
            if not _PREFIX.match(value):
                problems.append(
                    f"{name.upper()}={value!r} must be folder names of [A-Za-z0-9._-] each "
                    "followed by '/', e.g. 'reports/'"
                )
        if self.reports_prefix.startswith(self.incoming_prefix) or self.incoming_prefix.startswith(
            self.reports_prefix
        ):
            problems.append(
                f"REPORTS_PREFIX={self.reports_prefix!r} and INCOMING_PREFIX="
                f"{self.incoming_prefix!r} must not contain each other, or a publish would "
                "start another"
            )
        ranges = {
            "keep_runs": (0, 100_000),
            "presign_seconds": (1, 7 * 24 * 3600),
            "max_total_bytes": (1, 1 << 50),
            "max_entries": (1, 10_000_000),
            "max_ratio": (1, 1_000_000),
            "upload_concurrency": (1, 256),
            "multipart_threshold_bytes": (MIN_PART_SIZE, 5 * 1024 * MIB),
            "part_size_bytes": (MIN_PART_SIZE, 5 * 1024 * MIB),
            "upload_buffer_bytes": (self.part_size_bytes, 1 << 40),
            "index_write_attempts": (1, 100),
        }
        for name, (low, high) in ranges.items():
            value = getattr(self, name)
            if not low <= value <= high:
                problems.append(f"{name.upper()}={value} must be between {low} and {high}")
        if self.site_mode is SiteMode.CLOUDFRONT and not self.site_base_url:
            problems.append(
                "SITE_BASE_URL is empty but SITE_MODE=cloudfront needs it; set it to the "
                "distribution's URL, e.g. https://d111111abcdef8.cloudfront.net"
            )
        if self.site_base_url and self.site_mode is not SiteMode.PRIVATE:
            if not re.match(r"^https?://[^/\s]+", self.site_base_url):
                problems.append(
                    f"SITE_BASE_URL={self.site_base_url!r} must start with http:// or https:// "
                    "and a host name"
                )
        if self.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            problems.append(
                f"LOG_LEVEL={self.log_level!r} must be one of DEBUG, INFO, WARNING, ERROR"
            )
        if problems:
            raise SettingsError("; ".join(problems))
