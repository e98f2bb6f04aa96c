"""Benchmark of the Allure publisher against the local emulator (moto's server).

Usage, from the repository root (needs network access to PyPI once, for awscli):

    .venv/bin/python bench/publish_bench.py [--tests 1500] [--repeat 3] [--concurrency 16]
                                            [--large-mib 1024] [--skip-memory]

In one run it
  1. generates, under bench/output/ (git-ignored), an Allure-2-shaped report of --tests tests
     (two files per test: about 3,000 files) as a folder and as a zip;
  2. starts `python -m moto.server` on 127.0.0.1 on a free port, and stops it at the end, also
     when the bench fails;
  3. measures, --repeat times each, from an emptied emulator each time, taking the best (other
     work on the machine only ever adds time; medians go to results.json too):
       - the publisher's command line publishing the zip (a fresh run each time),
       - the function's path, `publish-upload` of the zip uploaded under incoming/, downloaded
         and read in place,
       - `aws s3 sync` of the unzipped folder (awscli from PyPI, in its own venv under
         bench/output/awscli-venv, created when missing),
       - the emulator's ceiling: the same number of empty PUTs from a boto3 thread pool, at 8,
         16 and 32 threads, the best of them;
  4. measures the publisher's peak memory (max RSS of its process) publishing a ~20 MB and a
     ~1 GB report (random bytes in large attachments, so they do not compress);
  5. prints a table and writes it with the raw figures to bench/output/results.json.

It is a benchmark, not a test: `make test` does not run it.
"""

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "bench" / "output"
LAMBDA = ROOT / "lambda"
AWSCLI = "awscli==1.46.2"
BUCKET = "bench-reports"
MIB = 1024 * 1024
ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "ALLURE_NO_ANALYTICS": "1",
}


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- the generated report ---------------------------------------------------------------------


def _text(rng: random.Random, size: int) -> str:
    words = ["cart", "price", "stock", "total", "step", "assert", "item", "apple", "discount"]
    out, length = [], 0
    while length < size:
        word = rng.choice(words)
        out.append(word)
        length += len(word) + 1
    return " ".join(out)[:size]


def make_report(folder: Path, tests: int, attachments_mib: list[int] = (), seed: int = 7) -> Path:
    """Write an Allure-2-shaped report of `tests` tests to `folder`: a test case and an
    attachment per test, the app's static files, widgets, history and data indexes; plus one
    attachment of random bytes per entry of `attachments_mib` (its size in MiB)."""
    rng = random.Random(seed)
    if folder.exists():
        shutil.rmtree(folder)
    for sub in ("data/test-cases", "data/attachments", "widgets", "history", "export", "plugin"):
        (folder / sub).mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><html><body><div id=app></div></body>")
    (folder / "app.js").write_text(_text(rng, 1_500_000))
    (folder / "styles.css").write_text(_text(rng, 150_000))
    (folder / "favicon.ico").write_bytes(rng.randbytes(15_000))
    outcomes = ["passed"] * 8 + ["failed", "broken", "skipped"]
    counts = dict.fromkeys(["passed", "failed", "broken", "skipped", "unknown"], 0)
    cases = []
    for n in range(tests):
        case_id = uuid.UUID(int=rng.getrandbits(128)).hex
        status = rng.choice(outcomes)
        counts[status] += 1
        attachment = f"{case_id[:16]}.txt"
        case = {
            "uid": case_id,
            "name": f"check_cart_{n}",
            "fullName": f"sample.check_cart#check_cart_{n}",
            "status": status,
            "time": {"start": 1_700_000_000_000 + n, "duration": rng.randint(1, 900)},
            "steps": [
                {"name": _text(rng, 60), "status": "passed"} for _ in range(rng.randint(2, 8))
            ],
            "attachments": [{"source": attachment, "type": "text/plain"}],
            "description": _text(rng, rng.randint(200, 2500)),
        }
        (folder / "data/test-cases" / f"{case_id}.json").write_text(json.dumps(case))
        (folder / "data/attachments" / attachment).write_text(_text(rng, rng.randint(300, 4000)))
        cases.append({"uid": case_id, "name": case["name"], "status": status})
    for index, size in enumerate(attachments_mib):
        with open(folder / "data/attachments" / f"video-{index}.webm", "wb") as video:
            for _ in range(size):
                video.write(os.urandom(MIB))
    statistic = {**counts, "total": tests}
    (folder / "widgets/summary.json").write_text(
        json.dumps({"reportName": "Bench", "statistic": statistic, "time": {"duration": 1}})
    )
    for name in ("duration", "severity", "status-chart", "suites", "behaviors", "categories"):
        (folder / "widgets" / f"{name}.json").write_text(json.dumps({"items": cases[:50]}))
    for name in ("history", "history-trend", "duration-trend", "categories-trend", "retry-trend"):
        (folder / "history" / f"{name}.json").write_text(json.dumps([{"data": statistic}]))
    for name in ("suites", "behaviors", "packages", "timeline", "categories"):
        (folder / "data" / f"{name}.json").write_text(json.dumps({"children": cases}))
    (folder / "export/prometheusData.txt").write_text("launch_status_passed 1\n")
    (folder / "plugin/behaviors.js").write_text(_text(rng, 5000))
    return folder


def zip_report(folder: Path, archive: Path) -> Path:
    """Zip the folder; random-byte attachments are stored, everything else deflated."""
    with zipfile.ZipFile(archive, "w") as zip_file:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                method = zipfile.ZIP_STORED if path.suffix == ".webm" else zipfile.ZIP_DEFLATED
                zip_file.write(path, path.relative_to(folder).as_posix(), compress_type=method)
    return archive


def count_files(folder: Path) -> tuple[int, int]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    return len(files), sum(path.stat().st_size for path in files)


# --- the emulator -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def moto_server():
    """moto's server on a free port of 127.0.0.1; stopped (by its pid) when the block ends."""
    port = free_port()
    log = open(OUTPUT / "moto.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **ENV},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except (URLError, ConnectionError, OSError) as error:
                if server.poll() is not None or time.monotonic() > deadline:
                    message = f"moto's server did not start; see {OUTPUT / 'moto.log'}"
                    raise RuntimeError(message) from error
                time.sleep(0.2)
        say(f"moto server pid {server.pid} on {url}")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        say(f"moto server pid {server.pid} stopped")


# --- what is measured ---------------------------------------------------------------------------


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a command; return (wall seconds, peak RSS in MiB of its process, stdout)."""
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        started = time.monotonic()
        process = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr)
        # wait4 gives the child's own resource usage, so its max RSS is the publisher's alone.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        if process.returncode:
            tail = stderr.read().decode(errors="replace")[-3000:]
            raise RuntimeError(f"{' '.join(command[:4])} exited {process.returncode}:\n{tail}")
        return seconds, usage.ru_maxrss // 1024, stdout.read().decode()


def publish_with_cli(url: str, archive: Path, run: str, concurrency: int) -> dict:
    env = {**os.environ, **ENV, "PYTHONPATH": str(LAMBDA)}
    command = [
        sys.executable, "-m", "allure_publisher", "publish", "--bucket", BUCKET,
        "--report", str(archive), "--run", run, "--endpoint-url", url, "--json",
        "--concurrency", str(concurrency), "--keep-runs", "0",
    ]  # fmt: skip
    seconds, rss, stdout = run_measured(command, env)
    result = json.loads(stdout)
    return {"wall": seconds, "publish": result["seconds"], "rss_mib": rss, "files": result["files"]}


def publish_upload_with_cli(url: str, key: str, concurrency: int, in_place: bool) -> dict:
    """The function's path: an uploaded zip, downloaded (or read in place) and published."""
    env = {**os.environ, **ENV, "PYTHONPATH": str(LAMBDA), "KEEP_RUNS": "0"}
    command = [
        sys.executable, "-m", "allure_publisher", "publish-upload", "--bucket", BUCKET,
        "--key", key, "--endpoint-url", url, "--json", "--concurrency", str(concurrency),
    ] + (["--in-place"] if in_place else [])  # fmt: skip
    seconds, rss, stdout = run_measured(command, env)
    return {"wall": seconds, "rss_mib": rss, "files": json.loads(stdout)["files"]}


def upload_zip(url: str, archive: Path, key: str) -> None:
    import boto3

    boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    ).upload_file(str(archive), BUCKET, key)


def awscli_venv() -> Path:
    venv = OUTPUT / "awscli-venv"
    aws = venv / "bin" / "aws"
    if not aws.exists():
        say(f"creating {venv} with {AWSCLI}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", AWSCLI], check=True)
    return aws


def sync_with_awscli(aws: Path, url: str, folder: Path, run: str) -> dict:
    env = {**os.environ, **ENV}
    env.pop("PYTHONPATH", None)
    command = [
        str(aws), "s3", "sync", str(folder), f"s3://{BUCKET}/sync/{run}/",
        "--endpoint-url", url, "--only-show-errors", "--no-progress",
    ]  # fmt: skip
    seconds, rss, _ = run_measured(command, env)
    return {"wall": seconds, "rss_mib": rss}


def empty_puts(url: str, count: int, threads: int, run: str) -> float:
    """Seconds for `count` empty PUTs from a pool of `threads` over one boto3 client."""
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(max_pool_connections=threads, s3={"addressing_style": "path"}),
    )
    client.head_bucket(Bucket=BUCKET)  # warms the connection pool and the client
    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        list(
            pool.map(
                lambda n: client.put_object(Bucket=BUCKET, Key=f"ceiling/{run}/{n}", Body=b""),
                range(count),
            )
        )
    return time.monotonic() - started


def fresh_emulator(url: str) -> None:
    """Empty the emulator (moto's reset) and create the bucket again, so that every measurement
    starts from the same state: a server holding more objects answers more slowly."""
    import boto3

    urlopen(Request(f"{url}/moto-api/reset", method="POST"), timeout=30).close()
    boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    ).create_bucket(Bucket=BUCKET)


# --- the run ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16, help="the publisher's pool")
    parser.add_argument("--large-mib", type=int, default=1024, help="size of the large report")
    parser.add_argument("--skip-memory", action="store_true", help="skip the 20 MB/1 GB part")
    args = parser.parse_args(argv)
    OUTPUT.mkdir(parents=True, exist_ok=True)

    say(f"generating a report of {args.tests} tests")
    folder = make_report(OUTPUT / "report", args.tests)
    files, size = count_files(folder)
    archive = zip_report(folder, OUTPUT / "report.zip")
    say(f"{files} files, {size / MIB:.1f} MiB; zip {archive.stat().st_size / MIB:.1f} MiB")
    aws = awscli_venv()

    figures: dict[str, object] = {"files": files, "bytes": size, "tests": args.tests}
    with moto_server() as url:
        publisher, sync, ceiling = [], [], {8: [], 16: [], 32: []}
        downloaded, in_place = [], []
        for attempt in range(args.repeat):
            say(f"round {attempt + 1}/{args.repeat}: publisher")
            fresh_emulator(url)
            publisher.append(publish_with_cli(url, archive, f"bench-{attempt}", args.concurrency))
            for read_in_place, runs in ((False, downloaded), (True, in_place)):
                key = f"incoming/bench/main/upload-{attempt}-{int(read_in_place)}.zip"
                fresh_emulator(url)
                upload_zip(url, archive, key)
                say(f"round {attempt + 1}/{args.repeat}: publish-upload, in place={read_in_place}")
                runs.append(publish_upload_with_cli(url, key, args.concurrency, read_in_place))
            say(f"round {attempt + 1}/{args.repeat}: aws s3 sync")
            fresh_emulator(url)
            sync.append(sync_with_awscli(aws, url, folder, f"bench-{attempt}"))
            for threads in ceiling:
                say(f"round {attempt + 1}/{args.repeat}: {files} empty PUTs, {threads} threads")
                fresh_emulator(url)
                ceiling[threads].append(empty_puts(url, files, threads, f"{attempt}-{threads}"))
        # The best of the rounds: other work on the machine only ever adds time.
        figures["publisher_wall_s"] = min(run["wall"] for run in publisher)
        figures["publisher_publish_s"] = min(run["publish"] for run in publisher)
        figures["awscli_sync_s"] = min(run["wall"] for run in sync)
        figures["upload_download_s"] = min(run["wall"] for run in downloaded)
        figures["upload_in_place_s"] = min(run["wall"] for run in in_place)
        figures["ceiling_s"] = {threads: min(s) for threads, s in ceiling.items()}
        figures["median_s"] = {
            "publisher_wall": statistics.median(run["wall"] for run in publisher),
            "awscli_sync": statistics.median(run["wall"] for run in sync),
            "ceiling": {threads: statistics.median(s) for threads, s in ceiling.items()},
        }
        figures["raw"] = {
            "publisher": publisher,
            "sync": sync,
            "ceiling": ceiling,
            "upload_download": downloaded,
            "upload_in_place": in_place,
        }

        if not args.skip_memory:
            fresh_emulator(url)
            figures["memory"] = measure_memory(url, args)

    print(table(figures, args))
    (OUTPUT / "results.json").write_text(json.dumps(figures, indent=1))
    say(f"figures written to {OUTPUT / 'results.json'}")
    return 0


def measure_memory(url: str, args: argparse.Namespace) -> dict:
    memory = {}
    small_tests = 1500
    # ~10 MiB of generated report plus 10 MiB of attachments: ~20 MB.
    sizes = {"20 MB": [5, 5], "1 GB": [16] * max(1, (args.large_mib - 10) // 16)}
    for label, attachments in sizes.items():
        say(f"generating the {label} report")
        folder = make_report(OUTPUT / "memory-report", small_tests, attachments, seed=11)
        files, size = count_files(folder)
        archive = zip_report(folder, OUTPUT / "memory-report.zip")
        shutil.rmtree(folder)
        say(f"publishing the {label} report: {files} files, {size / MIB:.0f} MiB")
        run = publish_with_cli(url, archive, f"memory-{label.replace(' ', '')}", args.concurrency)
        memory[label] = {"files": files, "bytes": size, **run}
        archive.unlink()
    return memory


def table(figures: dict, args: argparse.Namespace) -> str:
    files = figures["files"]
    ceiling = figures["ceiling_s"]
    best_threads = min(ceiling, key=ceiling.get)
    best = ceiling[best_threads]
    sync = figures["awscli_sync_s"]
    wall, publish = figures["publisher_wall_s"], figures["publisher_publish_s"]
    rows = [
        (f"what (best of {args.repeat})", "seconds", "files/s", "vs aws s3 sync"),
        (f"publisher CLI, zip -> S3, pool {args.concurrency} (whole process)", wall, files / wall,
         sync / wall),
        ("publisher, the publish itself (as it reports)", publish, files / publish, sync / publish),
        ("aws s3 sync of the unzipped folder (awscli 1.46.2)", sync, files / sync, 1.0),
        ("as the function: uploaded zip downloaded, then published", figures["upload_download_s"],
         files / figures["upload_download_s"], sync / figures["upload_download_s"]),
        ("as the function: uploaded zip read in place (ranged GETs)", figures["upload_in_place_s"],
         files / figures["upload_in_place_s"], sync / figures["upload_in_place_s"]),
    ]  # fmt: skip
    for threads, seconds in ceiling.items():
        rows.append((f"ceiling: {files} empty PUTs, {threads} threads", seconds, files / seconds,
                     sync / seconds))  # fmt: skip
    lines = [f"Report: {files} files, {figures['bytes'] / MIB:.1f} MiB ({figures['tests']} tests)"]
    lines.append(f"{rows[0][0]:<66} {rows[0][1]:>8} {rows[0][2]:>8} {rows[0][3]:>15}")
    for name, seconds, rate, speedup in rows[1:]:
        lines.append(f"{name:<66} {seconds:>8.2f} {rate:>8.0f} {speedup:>14.2f}x")
    lines.append(
        f"publisher vs best ceiling ({best_threads} threads): the publish takes "
        f"{publish / best:.2f}x the ceiling's time ({(publish / best - 1) * 100:+.0f}%)"
    )
    memory = figures.get("memory")
    if memory:
        lines.append("")
        lines.append(f"{'peak memory of the publisher process':<44} {'files':>6} {'MiB':>7} "
                     f"{'seconds':>8} {'max RSS MiB':>12}")  # fmt: skip
        for label, run in memory.items():
            lines.append(
                f"{label + ' report':<44} {run['files']:>6} {run['bytes'] / MIB:>7.0f} "
                f"{run['wall']:>8.1f} {run['rss_mib']:>12}"
            )
        labels = list(memory)
        difference = memory[labels[-1]]["rss_mib"] - memory[labels[0]]["rss_mib"]
        lines.append(f"difference {labels[-1]} - {labels[0]}: {difference} MiB")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
