"""Reading an S3 object in place, as a seekable file, with ranged GETs."""

import io
import os
import zipfile

import pytest
from botocore.exceptions import ClientError

from allure_publisher.s3_object_file import S3ObjectFile, s3_object_opener

from .conftest import BUCKET

KEY = "incoming/qea/main/1.zip"


def test_reads_from_any_position_like_a_local_file(s3):
    data = os.urandom(1000)
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=data)
    with s3_object_opener(s3, BUCKET, KEY)() as stream:
        stream.seek(990)
        assert stream.read() == data[990:]
        stream.seek(-20, io.SEEK_END)
        assert stream.read(5) == data[980:985]
        stream.seek(10)
        assert stream.read(10) == data[10:20]
        assert stream.tell() == 20


def test_zipfile_reads_an_archive_through_it(s3):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", b"<html>")
        archive.writestr("data/a.json", b'{"a": 1}')
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=buffer.getvalue())
    with zipfile.ZipFile(s3_object_opener(s3, BUCKET, KEY)()) as archive:
        assert archive.read("data/a.json") == b'{"a": 1}'


def test_fails_when_the_object_is_replaced_while_it_is_read(s3):
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"first version")
    head = s3.head_object(Bucket=BUCKET, Key=KEY)
    stream = S3ObjectFile(s3, BUCKET, KEY, size=head["ContentLength"], etag=head["ETag"])
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"other version")
    with pytest.raises(ClientError, match="PreconditionFailed|412"):
        stream.read(5)
