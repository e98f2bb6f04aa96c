"""The URL a person opens for a published key, by the site mode of the storage stack."""

from .settings import Settings, SiteMode


def site_url(s3, settings: Settings, bucket: str, key: str) -> str:
    """`<base>/<key>` for the S3 website endpoint or CloudFront; a presigned GET in private mode.

    A presigned link signs that one object only: the report's own scripts and data are fetched
    unsigned, so in private mode the report renders only where the bucket is readable by other
    means (a VPN endpoint policy, say). A link signed with a Lambda role's credentials expires
    with the role's session, whatever PRESIGN_SECONDS says.
    """
    if settings.site_mode is SiteMode.PRIVATE:
        return s3.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=settings.presign_seconds
        )
    base = settings.site_base_url or _website_endpoint(bucket, s3.meta.region_name)
    return f"{base.rstrip('/')}/{key}"


def _website_endpoint(bucket: str, region: str) -> str:
    # Regions launched before 2014 also answer on `s3-website-<region>`; the dotted form is the
    # one every region answers on.
    return f"http://{bucket}.s3-website.{region}.amazonaws.com"
