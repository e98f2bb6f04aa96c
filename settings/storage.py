"""Settings of the storage stack: the reports bucket, its site and the publisher."""

from typing import Annotated, Literal

from pydantic import Field

from .base import SettingsModel


class StorageSettings(SettingsModel):
    site: Literal["s3-website", "cloudfront", "private"] = "cloudfront"
    """How people read reports: S3 static website, CloudFront with origin access control,
    or presigned links only."""

    removal_policy: Literal["retain", "destroy"] = "retain"
    """What happens to the buckets when the stack goes; `destroy` only where nothing matters."""

    reports_retention_days: Annotated[int, Field(ge=1, le=3650)] = 90
    """Days after which published runs under `reports/` expire."""

    incoming_retention_days: Annotated[int, Field(ge=1, le=30)] = 3
    """Days after which uploaded zips under `incoming/` expire."""

    reports_keep_runs: Annotated[int, Field(ge=1, le=1000)] = 20
    """Runs the publisher keeps per branch; older ones are deleted at publish time."""

    access_logs_retention_days: Annotated[int, Field(ge=1, le=3650)] = 90
    """Days after which the log bucket's server access logs and ALB access logs expire."""
