"""The one S3 client a publish uses, sized for its upload pool."""

import boto3
from botocore.config import Config

DELETE_BATCH = 1000  # S3's limit per DeleteObjects request


def make_s3_client(*, pool_size: int, endpoint_url: str | None = None, region: str | None = None):
    """An S3 client whose connection pool matches the upload pool (botocore's default of 10
    would queue the uploads beyond it). boto3 clients are thread-safe; one serves every thread.
    An unset endpoint follows the standard AWS settings, AWS_ENDPOINT_URL included."""
    config = Config(
        max_pool_connections=pool_size,
        retries={"mode": "standard", "max_attempts": 5},
        # Presigned links of private mode: SigV4 is what every region accepts.
        signature_version="s3v4",
        # Path-style addressing works with every endpoint, emulators included.
        s3={"addressing_style": "path"} if endpoint_url else None,
    )
    return boto3.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)


def list_keys(s3, bucket: str, prefix: str) -> list[str]:
    """Every key under prefix."""
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(item["Key"] for item in page.get("Contents", ()))
    return keys


def delete_keys(s3, bucket: str, keys: list[str]) -> None:
    """Delete keys in batches of S3's maximum; fails on the first key S3 reports as not deleted."""
    for start in range(0, len(keys), DELETE_BATCH):
        batch = [{"Key": key} for key in keys[start : start + DELETE_BATCH]]
        response = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        for error in response.get("Errors", ()):
            raise RuntimeError(f"could not delete {error['Key']}: {error.get('Message')}")
