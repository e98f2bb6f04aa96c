"""Small report zips built inside the tests."""

import io
import json
import stat
import struct
import zipfile
from pathlib import Path


def summary(passed=1, failed=0, broken=0, skipped=0) -> bytes:
    """An Allure 2 widgets/summary.json with these counts."""
    statistic = {"passed": passed, "failed": failed, "broken": broken, "skipped": skipped}
    statistic.update(unknown=0, total=sum(statistic.values()))
    return json.dumps({"reportName": "Allure Report", "statistic": statistic}).encode()


def allure2_files(passed=1, failed=0, broken=0, skipped=0, trend_points=1) -> dict[str, bytes]:
    """The files of a minimal Allure-2-shaped report."""
    trend = [{"buildOrder": n, "data": {"passed": passed}} for n in range(trend_points)]
    return {
        "index.html": b"<!doctype html><title>Allure Report</title>",
        "assets/index-CqG5t6J2.js": b"console.log('report')",
        "widgets/summary.json": summary(passed, failed, broken, skipped),
        "data/test-cases/abc.json": b'{"name": "a test"}',
        "history/history-trend.json": json.dumps(trend).encode(),
        "history/history.json": b"{}",
    }


def zip_bytes(files: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip holding `files` (name -> bytes) in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def write_zip(path: Path, files: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> Path:
    path.write_bytes(zip_bytes(files, method))
    return path


def zip_with_symlink(name: str, target: str, extra: dict[str, bytes]) -> bytes:
    """A zip with one symbolic link entry, as `zip --symlinks` stores it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file_name, content in extra.items():
            archive.writestr(file_name, content)
        link = zipfile.ZipInfo(name)
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, target)
    return buffer.getvalue()


def zip_with_duplicate(name: str, extra: dict[str, bytes]) -> bytes:
    """A zip in which `name` appears twice (zipfile warns but writes it)."""
    import warnings

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w") as archive:
            for file_name, content in extra.items():
                archive.writestr(file_name, content)
            archive.writestr(name, b"first")
            archive.writestr(name, b"second")
    return buffer.getvalue()


def zip_with_raw_name(raw_name: str, extra: dict[str, bytes]) -> bytes:
    """A zip with an entry whose stored name is exactly `raw_name`: zipfile normalises names
    given to writestr on some platforms, so the name is patched into the bytes afterwards."""
    placeholder = "P" * len(raw_name.encode())
    data = zip_bytes({**extra, placeholder: b"payload"})
    return data.replace(placeholder.encode(), raw_name.encode())


def with_declared_size(data: bytes, name: str, declared: int) -> bytes:
    """The zip `data` with the uncompressed size of entry `name` changed to `declared` in both
    its local header and its central directory record (the CRC stays that of the real bytes)."""
    patched = bytearray(data)
    end = data.rindex(b"PK\x05\x06")
    count = struct.unpack_from("<H", data, end + 10)[0]
    offset = struct.unpack_from("<I", data, end + 16)[0]
    for _ in range(count):
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, offset + 28)
        local = struct.unpack_from("<I", data, offset + 42)[0]
        if data[offset + 46 : offset + 46 + name_len] == name.encode():
            struct.pack_into("<I", patched, offset + 24, declared)
            struct.pack_into("<I", patched, local + 22, declared)
        offset += 46 + name_len + extra_len + comment_len
    return bytes(patched)
