"""Reading an uploaded report zip safely: every check runs on the central directory, before a
single byte is expanded.

The zip is untrusted input even when CI made it. An entry is refused when its name could land
outside the run's folder (`..`, absolute, drive letter, backslash, control characters), when it is
a symbolic link, encrypted or compressed in a way we cannot read, or when the archive's declared
sizes, entry count or compression ratios exceed the limits. CPython's zipfile stops every entry at
its declared size and checks its CRC at the end, so an entry that lies about its size fails while
it is read (`CorruptArchive`) instead of expanding without bound.
"""

import os
import re
import stat
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from .errors import (
    CorruptArchive,
    DuplicateEntry,
    EmptyArchive,
    LimitExceeded,
    MissingIndexHtml,
    NotAZip,
    UnsafeEntry,
)

MIB = 1024 * 1024
# Entries smaller than this are not held to the per-entry ratio: a small file of repeated text
# compresses very well and can do no harm.
RATIO_FLOOR_BYTES = 1 * MIB
# S3 keys are at most 1024 bytes; this leaves room for the prefix, project, branch and run.
MAX_NAME_BYTES = 768
READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ArchiveLimits:
    """What an archive may declare before it is refused."""

    max_total_bytes: int
    max_entries: int
    max_ratio: int


@dataclass(frozen=True)
class ReportEntry:
    """One file of the report: its path inside the report's root, and its zip record."""

    name: str
    info: zipfile.ZipInfo

    @property
    def size(self) -> int:
        return self.info.file_size


class ReportArchive:
    """A checked report zip, open for reading; entries are relative to the report's root.

    Entries may be opened from several threads at once. Over a local file they share one
    ZipFile (zipfile serialises reads of the shared file and decompresses in the caller's
    thread). With `reopen`, each thread reads through a ZipFile of its own over a new file
    object from `reopen()`, so that slow reads (ranged GETs) do not queue behind one lock.
    """

    def __init__(
        self,
        zip_file: zipfile.ZipFile,
        entries: list[ReportEntry],
        root: str,
        reopen: Callable[[], BinaryIO] | None = None,
    ):
        self._zip = zip_file
        self.entries = tuple(entries)
        self.root = root
        self._by_name = {entry.name: entry for entry in self.entries}
        self._reopen = reopen
        self._per_thread = threading.local()
        self._thread_zips: list[zipfile.ZipFile] = []
        self._lock = threading.Lock()

    @property
    def total_bytes(self) -> int:
        return sum(entry.size for entry in self.entries)

    @property
    def names(self) -> set[str]:
        return set(self._by_name)

    def open(self, entry: ReportEntry) -> IO[bytes]:
        """A stream of the entry's uncompressed bytes."""
        return self._zip_for_this_thread().open(entry.info)

    def _zip_for_this_thread(self) -> zipfile.ZipFile:
        if self._reopen is None:
            return self._zip
        own = getattr(self._per_thread, "zip", None)
        if own is None:
            own = zipfile.ZipFile(self._reopen())
            self._per_thread.zip = own
            with self._lock:
                self._thread_zips.append(own)
        return own

    def read_bytes(self, name: str, limit: int = MIB) -> bytes | None:
        """The bytes of a small entry by name, or None when it is absent or larger than limit."""
        entry = self._by_name.get(name)
        if entry is None or entry.size > limit:
            return None
        with self.open(entry) as stream:
            return read_entry(stream, entry)

    def close(self) -> None:
        for own in self._thread_zips:
            own.close()
        self._zip.close()

    def __enter__(self) -> "ReportArchive":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def read_entry(stream: IO[bytes], entry: ReportEntry, size: int = -1) -> bytes:
    """Read up to `size` bytes (all when -1) of an entry, turning zip errors into CorruptArchive."""
    try:
        return stream.read(size)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise CorruptArchive(f"entry {entry.info.filename!r} cannot be read: {error}") from error


def open_report_archive(
    source: str | os.PathLike | BinaryIO,
    limits: ArchiveLimits,
    *,
    reopen: Callable[[], BinaryIO] | None = None,
) -> ReportArchive:
    """Open and check a report zip; return a ReportArchive or raise a RejectedUpload.

    `reopen`, when given, makes another file object over the same zip as `source`, one per
    reading thread (see ReportArchive)."""
    try:
        zip_file = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise NotAZip(f"the upload is not a zip archive ({error})") from error
    try:
        entries, root = _checked_entries(zip_file.infolist(), limits)
    except BaseException:
        zip_file.close()
        raise
    return ReportArchive(zip_file, entries, root, reopen)


def _checked_entries(
    infos: list[zipfile.ZipInfo], limits: ArchiveLimits
) -> tuple[list[ReportEntry], str]:
    if len(infos) > limits.max_entries:
        raise LimitExceeded(
            f"the zip has {len(infos)} entries; at most {limits.max_entries} are allowed "
            "(MAX_ENTRIES)"
        )
    files: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    for info in infos:
        name = _safe_name(info)
        if not name:
            continue
        if name in seen:
            raise DuplicateEntry(f"the zip holds {name!r} more than once")
        seen.add(name)
        if not info.is_dir():
            files[name] = info
    if not files:
        raise EmptyArchive("the zip holds no files")
    _check_sizes(files, limits)
    root = _report_root(files)
    entries = [ReportEntry(name[len(root) :], info) for name, info in files.items()]
    return entries, root


def _safe_name(info: zipfile.ZipInfo) -> str:
    """The entry's name with `.` segments dropped ('' for the root folder itself), or
    UnsafeEntry if it could escape the run."""
    raw = info.orig_filename
    shown = repr(raw)
    if not raw:
        raise UnsafeEntry("the zip has an entry with an empty name")
    if "\\" in raw:
        raise UnsafeEntry(f"entry {shown} uses backslashes; zip entry names use '/'")
    if raw.startswith("/"):
        raise UnsafeEntry(f"entry {shown} is an absolute path")
    if _DRIVE.match(raw):
        raise UnsafeEntry(f"entry {shown} starts with a drive letter")
    if _CONTROL.search(raw):
        raise UnsafeEntry(f"entry {shown} has control characters in its name")
    segments = [segment for segment in raw.rstrip("/").split("/") if segment != "."]
    if ".." in segments:
        raise UnsafeEntry(f"entry {shown} has a '..' segment")
    if not segments and info.is_dir():
        return ""  # a `./` folder entry names the root itself
    if not segments or "" in segments:
        raise UnsafeEntry(f"entry {shown} has an empty path segment")
    if len(raw.encode()) > MAX_NAME_BYTES:
        raise UnsafeEntry(f"entry {raw[:60]!r}... is longer than {MAX_NAME_BYTES} bytes")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UnsafeEntry(f"entry {shown} is a symbolic link")
    if info.flag_bits & 0x1:
        raise UnsafeEntry(f"entry {shown} is encrypted")
    if info.compress_type not in READABLE_METHODS:
        raise UnsafeEntry(
            f"entry {shown} uses compression method {info.compress_type}; use stored or deflated"
        )
    name = "/".join(segments)
    return name + "/" if info.is_dir() else name


def _check_sizes(files: dict[str, zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    total = sum(info.file_size for info in files.values())
    if total > limits.max_total_bytes:
        raise LimitExceeded(
            f"the zip declares {total} bytes uncompressed; at most {limits.max_total_bytes} "
            "are allowed (MAX_TOTAL_BYTES)"
        )
    for name, info in files.items():
        if info.file_size >= RATIO_FLOOR_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise LimitExceeded(
                    f"entry {name!r} expands {ratio:.0f} times ({info.compress_size} to "
                    f"{info.file_size} bytes); at most {limits.max_ratio} is allowed (MAX_RATIO)"
                )
    compressed = sum(info.compress_size for info in files.values())
    if total >= RATIO_FLOOR_BYTES and total / max(compressed, 1) > limits.max_ratio:
        raise LimitExceeded(
            f"the zip expands {total / max(compressed, 1):.0f} times ({compressed} to {total} "
            f"bytes); at most {limits.max_ratio} is allowed (MAX_RATIO)"
        )


def _report_root(files: dict[str, zipfile.ZipInfo]) -> str:
    """'' when index.html is at the root; 'top/' when every file sits under one folder that
    holds index.html (people zip the folder, not its contents)."""
    if "index.html" in files:
        return ""
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1:
        (top,) = tops
        if f"{top}/index.html" in files:
            return f"{top}/"
    raise MissingIndexHtml(
        "the zip has no index.html at its root, nor a single top folder holding one; zip the "
        "generated report folder (allure-report/) or its contents"
    )


@dataclass(frozen=True)
class ZippedDirectory:
    """A temporary zip of a report folder; deleted when closed."""

    path: Path

    def close(self) -> None:
        self.path.unlink(missing_ok=True)


def zip_directory(directory: str | os.PathLike, temp_dir: str | None = None) -> ZippedDirectory:
    """Zip a report folder's contents into a temporary file, keeping symbolic links as links so
    that the archive checks refuse them as they would in an uploaded zip."""
    root = Path(directory)
    handle, name = tempfile.mkstemp(suffix=".zip", dir=temp_dir)
    os.close(handle)
    zipped = ZippedDirectory(Path(name))
    try:
        with zipfile.ZipFile(zipped.path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zip_file:
            for path in _walk(root):
                arcname = path.relative_to(root).as_posix()
                if path.is_symlink():
                    link = zipfile.ZipInfo(arcname)
                    link.create_system = 3
                    link.external_attr = (stat.S_IFLNK | 0o777) << 16
                    zip_file.writestr(link, os.readlink(path))
                else:
                    zip_file.write(path, arcname)
    except BaseException:
        zipped.close()
        raise
    return zipped


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if Path(folder, d).is_symlink()]:
            yield Path(folder, name)
