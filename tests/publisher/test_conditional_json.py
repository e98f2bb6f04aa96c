"""Conditional writes of the index documents against moto: creation, lost races and retries."""

import json

import pytest
from botocore.exceptions import ClientError

from allure_publisher.conditional_json import (
    StoredDocument,
    read_document,
    update_document,
    write_derived,
)
from allure_publisher.errors import IndexConflict

from .conftest import BUCKET, read_json

KEY = "reports/qea/main/runs.json"


def no_sleep(seconds: float) -> None:
    pass


def append(value):
    return lambda document: {"items": [*(document or {}).get("items", []), value]}


def test_moto_refuses_a_put_with_a_stale_etag(s3):
    first = s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"{}")
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b'{"newer": 1}')
    with pytest.raises(ClientError) as raised:
        s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"{}", IfMatch=first["ETag"])
    assert raised.value.response["Error"]["Code"] == "PreconditionFailed"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412


def test_moto_refuses_to_create_a_key_that_exists(s3):
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"{}")
    with pytest.raises(ClientError) as raised:
        s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"{}", IfNoneMatch="*")
    assert raised.value.response["Error"]["Code"] == "PreconditionFailed"


def test_creates_a_missing_document(s3):
    stored = update_document(s3, BUCKET, KEY, append(1), attempts=3)
    assert stored.body == {"items": [1]}
    assert read_json(s3, KEY) == {"items": [1]}
    assert s3.head_object(Bucket=BUCKET, Key=KEY)["ETag"] == stored.etag


def test_reads_a_missing_document_as_none(s3):
    assert read_document(s3, BUCKET, KEY) == StoredDocument(None, None)


def test_writes_the_document_as_uncached_json(s3):
    update_document(s3, BUCKET, KEY, append(1), attempts=3)
    head = s3.head_object(Bucket=BUCKET, Key=KEY)
    assert (head["ContentType"], head["CacheControl"]) == ("application/json", "no-cache")


def test_a_writer_that_loses_the_race_retries_on_the_newer_version(s3):
    update_document(s3, BUCKET, KEY, append("first"), attempts=3)
    calls = []

    def change(document):
        calls.append(list(document["items"]))
        if len(calls) == 1:
            # Another publisher commits between this writer's read and its write.
            s3.put_object(
                Bucket=BUCKET, Key=KEY, Body=json.dumps({"items": ["first", "other"]}).encode()
            )
        return append("mine")(document)

    stored = update_document(s3, BUCKET, KEY, change, attempts=3, sleep=no_sleep)
    assert calls == [["first"], ["first", "other"]]
    assert stored.body == {"items": ["first", "other", "mine"]}
    assert read_json(s3, KEY) == {"items": ["first", "other", "mine"]}


def test_a_creator_that_loses_the_race_retries_as_an_update(s3):
    def change(document):
        if document is None:
            s3.put_object(Bucket=BUCKET, Key=KEY, Body=json.dumps({"items": ["other"]}).encode())
        return append("mine")(document)

    update_document(s3, BUCKET, KEY, change, attempts=3, sleep=no_sleep)
    assert read_json(s3, KEY) == {"items": ["other", "mine"]}


def test_gives_up_with_index_conflict_after_the_attempts(s3):
    update_document(s3, BUCKET, KEY, append(0), attempts=3)
    attempts = []

    def always_overtaken(document):
        attempts.append(1)
        s3.put_object(Bucket=BUCKET, Key=KEY, Body=json.dumps({"items": [len(attempts)]}).encode())
        return document

    with pytest.raises(IndexConflict, match="changed under this publish 4 times in a row"):
        update_document(s3, BUCKET, KEY, always_overtaken, attempts=4, sleep=no_sleep)
    assert len(attempts) == 4


def test_renders_a_derived_page_again_when_its_source_changed_meanwhile(s3):
    stored = update_document(s3, BUCKET, KEY, append(1), attempts=3)
    rendered = []

    def render(source):
        rendered.append(source.body["items"])
        if len(rendered) == 1:
            update_document(s3, BUCKET, KEY, append(2), attempts=3)

    final = write_derived(s3, BUCKET, KEY, stored, render, attempts=3)
    assert rendered == [[1], [1, 2]]
    assert final.body == {"items": [1, 2]}
