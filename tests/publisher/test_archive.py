"""Reading an uploaded zip safely: each rejection rule, the single-top-folder rule, and limits
checked from the central directory before anything is expanded."""

import io
import zipfile

import pytest

from allure_publisher.archive import ArchiveLimits, open_report_archive, read_entry, zip_directory
from allure_publisher.errors import (
    CorruptArchive,
    DuplicateEntry,
    EmptyArchive,
    LimitExceeded,
    MissingIndexHtml,
    NotAZip,
    UnsafeEntry,
)

from .zips import (
    allure2_files,
    with_declared_size,
    zip_bytes,
    zip_with_duplicate,
    zip_with_raw_name,
    zip_with_symlink,
)

LIMITS = ArchiveLimits(max_total_bytes=10 * 1024 * 1024, max_entries=100, max_ratio=100)
INDEX = {"index.html": b"<html></html>"}


def open_bytes(data: bytes, limits: ArchiveLimits = LIMITS):
    return open_report_archive(io.BytesIO(data), limits)


def test_accepts_a_report_with_index_html_at_the_root():
    with open_bytes(zip_bytes(allure2_files())) as archive:
        assert archive.root == ""
        assert archive.names == set(allure2_files())


def test_publishes_a_single_top_folder_as_the_root():
    files = {f"allure-report/{name}": data for name, data in allure2_files().items()}
    with open_bytes(zip_bytes(files)) as archive:
        assert archive.root == "allure-report/"
        assert archive.names == set(allure2_files())


def test_keeps_a_top_folder_when_index_html_is_also_at_the_root():
    files = {"index.html": b"root", "sub/index.html": b"sub"}
    with open_bytes(zip_bytes(files)) as archive:
        assert archive.root == ""
        assert archive.names == {"index.html", "sub/index.html"}


def test_drops_dot_segments_and_folder_entries():
    files = {"./": b"", "./index.html": b"x", "data/": b"", "./data/a.json": b"{}"}
    with open_bytes(zip_bytes(files)) as archive:
        assert archive.names == {"index.html", "data/a.json"}


def test_rejects_a_file_that_is_not_a_zip():
    with pytest.raises(NotAZip, match="not a zip archive"):
        open_bytes(b"<html>this is not a zip</html>")


def test_rejects_an_empty_upload():
    with pytest.raises(NotAZip):
        open_bytes(b"")


def test_rejects_a_zip_without_files():
    with pytest.raises(EmptyArchive, match="holds no files"):
        open_bytes(zip_bytes({}))


def test_rejects_a_zip_of_only_folders():
    with pytest.raises(EmptyArchive):
        open_bytes(zip_bytes({"data/": b"", "widgets/": b""}))


def test_rejects_a_zip_without_index_html():
    with pytest.raises(MissingIndexHtml, match="no index.html at its root"):
        open_bytes(zip_bytes({"widgets/summary.json": b"{}", "app.js": b""}))


def test_rejects_index_html_under_one_of_several_top_folders():
    files = {"report/index.html": b"x", "other/file.txt": b"y"}
    with pytest.raises(MissingIndexHtml):
        open_bytes(zip_bytes(files))


def test_rejects_index_html_two_folders_deep():
    with pytest.raises(MissingIndexHtml):
        open_bytes(zip_bytes({"a/b/index.html": b"x"}))


@pytest.mark.parametrize(
    ("raw_name", "message"),
    [
        ("../evil.html", "'..' segment"),
        ("data/../../evil.html", "'..' segment"),
        ("data/..", "'..' segment"),
        ("/etc/passwd", "absolute path"),
        ("C:/Windows/evil.dll", "drive letter"),
        ("c:evil.dll", "drive letter"),
        ("data\\evil.json", "backslashes"),
        ("..\\evil.json", "backslashes"),
        ("data//evil.json", "empty path segment"),
        ("evil\x00.html", "control characters"),
        ("evil\n.html", "control characters"),
    ],
)
def test_rejects_entry_names_that_could_leave_the_run_folder(raw_name, message):
    with pytest.raises(UnsafeEntry, match=message):
        open_bytes(zip_with_raw_name(raw_name, INDEX))


def test_rejects_entry_with_dotdot_segment():
    with pytest.raises(UnsafeEntry, match=r"entry '\.\./index\.html' has a '\.\.' segment"):
        open_bytes(zip_with_raw_name("../index.html", {"a.txt": b"x"}))


def test_rejects_a_symbolic_link_entry():
    data = zip_with_symlink("data/passwd", "/etc/passwd", INDEX)
    with pytest.raises(UnsafeEntry, match="'data/passwd' is a symbolic link"):
        open_bytes(data)


def test_rejects_duplicate_entry_names():
    with pytest.raises(DuplicateEntry, match="'data/a.json' more than once"):
        open_bytes(zip_with_duplicate("data/a.json", INDEX))


def test_rejects_names_that_are_duplicates_once_dot_segments_are_dropped():
    with pytest.raises(DuplicateEntry, match="'index.html' more than once"):
        open_bytes(zip_bytes({"index.html": b"a", "./index.html": b"b"}))


def test_rejects_an_encrypted_entry():
    data = bytearray(zip_bytes(INDEX))
    # Set bit 0 (encrypted) of the general purpose flags in the local and central headers.
    data[6] |= 0x1
    central = data.rindex(b"PK\x01\x02")
    data[central + 8] |= 0x1
    with pytest.raises(UnsafeEntry, match="encrypted"):
        open_bytes(bytes(data))


def test_rejects_more_entries_than_the_limit():
    files = {f"data/{n}.json": b"{}" for n in range(100)} | INDEX
    with pytest.raises(LimitExceeded, match="101 entries; at most 100"):
        open_bytes(zip_bytes(files))


def test_counts_folder_entries_toward_the_entry_limit():
    files = {f"folder{n}/": b"" for n in range(100)} | INDEX
    with pytest.raises(LimitExceeded, match="101 entries"):
        open_bytes(zip_bytes(files))


def test_rejects_a_total_size_over_the_limit():
    limits = ArchiveLimits(max_total_bytes=1000, max_entries=100, max_ratio=1000)
    files = {"index.html": b"x" * 600, "app.js": b"y" * 401}
    with pytest.raises(LimitExceeded, match="declares 1001 bytes uncompressed; at most 1000"):
        open_bytes(zip_bytes(files), limits)


def test_rejects_a_zip_bomb_entry_from_its_declared_ratio():
    bomb = zip_bytes({"index.html": b"x", "data/bomb.json": bytes(5 * 1024 * 1024)})
    with pytest.raises(LimitExceeded, match=r"'data/bomb.json' expands \d+ times"):
        open_bytes(bomb)


def test_rejects_a_bomb_of_many_small_entries_from_the_whole_zips_ratio():
    files = {f"data/{n}.json": bytes(200_000) for n in range(20)} | INDEX
    limits = ArchiveLimits(max_total_bytes=10 * 1024 * 1024, max_entries=100, max_ratio=100)
    with pytest.raises(LimitExceeded, match=r"the zip expands \d+ times"):
        open_bytes(zip_bytes(files), limits)


def test_rejects_a_bomb_before_expanding_any_entry(monkeypatch):
    bomb = zip_bytes({"index.html": b"x", "data/bomb.json": bytes(5 * 1024 * 1024)})
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, *a, **k: opened.append(a))
    with pytest.raises(LimitExceeded):
        open_bytes(bomb)
    assert opened == []


def test_accepts_small_entries_that_compress_very_well():
    files = {"index.html": bytes(500_000)}
    with open_bytes(zip_bytes(files)) as archive:
        assert archive.total_bytes == 500_000


def test_fails_while_reading_an_entry_whose_declared_size_is_a_lie():
    real = bytes(2 * 1024 * 1024)
    data = with_declared_size(zip_bytes({"index.html": b"x", "data/a.bin": real}), "data/a.bin", 10)
    with open_bytes(data) as archive:
        entry = next(entry for entry in archive.entries if entry.name == "data/a.bin")
        assert entry.size == 10
        with archive.open(entry) as stream, pytest.raises(CorruptArchive, match="cannot be read"):
            read_entry(stream, entry)


def test_zips_a_report_folder_with_the_same_names(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "index.html").write_text("<html>")
    (tmp_path / "data" / "a.json").write_text("{}")
    zipped = zip_directory(tmp_path)
    try:
        with open_report_archive(zipped.path, LIMITS) as archive:
            assert archive.names == {"index.html", "data/a.json"}
    finally:
        zipped.close()
    assert not zipped.path.exists()


def test_a_zipped_folder_keeps_symbolic_links_so_they_are_rejected(tmp_path):
    (tmp_path / "index.html").write_text("<html>")
    (tmp_path / "secret").symlink_to("/etc/hostname")
    zipped = zip_directory(tmp_path)
    try:
        with pytest.raises(UnsafeEntry, match="'secret' is a symbolic link"):
            open_report_archive(zipped.path, LIMITS)
    finally:
        zipped.close()
