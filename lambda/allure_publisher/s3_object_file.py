"""A seekable, read-only file over an S3 object, read with ranged GETs.

The function normally downloads an upload to /tmp before reading it (a zip must be read from
its end, so it needs seeking). An upload larger than the free ephemeral storage is read in
place instead: each reading thread gets its own buffered file over ranged GETs, conditional on
the ETag, so an object replaced while it is read fails the read instead of mixing two uploads.
"""

import io
from collections.abc import Callable
from typing import BinaryIO

# Reads of small entries come in chunks of this size; large reads go straight through.
READ_BUFFER_BYTES = 256 * 1024


class S3ObjectFile(io.RawIOBase):
    """Reads `s3://bucket/key` (of `size` bytes, version `etag`) from any position."""

    def __init__(self, s3, bucket: str, key: str, *, size: int, etag: str):
        super().__init__()
        self._s3 = s3
        self._bucket = bucket
        self._key = key
        self._size = size
        self._etag = etag
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError(f"negative seek position {base + offset}")
        self._position = base + offset
        return self._position

    def readinto(self, buffer) -> int:
        wanted = min(len(buffer), self._size - self._position)
        if wanted <= 0:
            return 0
        end = self._position + wanted - 1
        response = self._s3.get_object(
            Bucket=self._bucket,
            Key=self._key,
            Range=f"bytes={self._position}-{end}",
            IfMatch=self._etag,
        )
        data = response["Body"].read()
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


def s3_object_opener(s3, bucket: str, key: str) -> Callable[[], BinaryIO]:
    """A function that opens a new buffered file over the object as it is now."""
    head = s3.head_object(Bucket=bucket, Key=key)
    size, etag = head["ContentLength"], head["ETag"]

    def open_object() -> BinaryIO:
        raw = S3ObjectFile(s3, bucket, key, size=size, etag=etag)
        return io.BufferedReader(raw, buffer_size=READ_BUFFER_BYTES)

    return open_object
