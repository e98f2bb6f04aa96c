"""Starting, reusing, finding and stopping the emulator.

Each start costs seconds (moto's CloudFormation imports every service), so the tests that only
look at a running emulator share one; those that stop or break it have their own folder.
"""

import os
import subprocess
import sys
import urllib.request

import boto3
import pytest

from emulator import server
from tests.emulator.conftest import REGION


@pytest.fixture
def state_dir(tmp_path):
    """A state folder whose emulator, if a test started one, is stopped afterwards."""
    yield tmp_path
    server.stop(state_dir=tmp_path)


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    """A state folder with an emulator started in it, and the endpoint start returned."""
    state_dir = tmp_path_factory.mktemp("emulator-running")
    endpoint = server.start(state_dir=state_dir)
    try:
        yield state_dir, endpoint
    finally:
        server.stop(state_dir=state_dir)


def cli(state_dir, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "emulator", "--state-dir", str(state_dir), *args]
    return subprocess.run(command, cwd=server.REPO_ROOT, capture_output=True, text=True)


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_start_writes_pid_port_and_log_and_returns_a_localhost_endpoint(running):
    state_dir, endpoint = running

    port = int((state_dir / "port").read_text())
    assert endpoint == f"http://localhost:{port}"
    assert int((state_dir / "pid").read_text()) > 0
    assert (state_dir / "server.log").exists()


def test_started_emulator_answers_aws_requests(running):
    _, endpoint = running
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )

    s3.create_bucket(Bucket="answers")

    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["answers"]


def test_second_start_reuses_the_running_emulator(running):
    state_dir, first = running
    pid = server.status(state_dir=state_dir).pid

    second = server.start(state_dir=state_dir)

    assert second == first
    assert server.status(state_dir=state_dir).pid == pid


def test_stop_ends_the_process_and_removes_pid_and_port_files(state_dir):
    server.start(state_dir=state_dir)
    pid = server.status(state_dir=state_dir).pid

    server.stop(state_dir=state_dir)

    assert not (state_dir / "pid").exists()
    assert not (state_dir / "port").exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_status_reports_stale_when_the_pid_file_names_a_dead_process(state_dir):
    (state_dir / "pid").write_text(f"{dead_pid()}\n")
    (state_dir / "port").write_text("1\n")

    assert server.status(state_dir=state_dir).status == "stale"


def test_start_over_stale_files_cleans_up_and_starts_a_fresh_emulator(state_dir):
    stale = dead_pid()
    (state_dir / "pid").write_text(f"{stale}\n")
    (state_dir / "port").write_text("1\n")

    endpoint = server.start(state_dir=state_dir)

    state = server.status(state_dir=state_dir)
    assert state.status == "running"
    assert state.pid != stale
    assert endpoint != "http://localhost:1"


def test_endpoint_fails_naming_the_start_command_when_nothing_runs(state_dir):
    with pytest.raises(server.EmulatorNotRunning, match="python -m emulator start"):
        server.endpoint(state_dir=state_dir)


def test_stop_when_nothing_runs_reports_stopped(state_dir):
    assert server.stop(state_dir=state_dir).status == "stopped"


def test_start_fails_with_the_log_when_the_server_process_exits(state_dir, monkeypatch):
    monkeypatch.setattr(server, "SERVE_MODULE", "emulator.no_such_module")

    with pytest.raises(
        server.EmulatorError,
        match="(?s)exited with code 1.*No module named emulator.no_such_module",
    ):
        server.start(state_dir=state_dir, timeout=20)
    assert not (state_dir / "pid").exists()


def test_cli_start_on_a_running_emulator_prints_only_its_endpoint(running):
    state_dir, endpoint = running

    result = cli(state_dir, "start")

    assert result.returncode == 0
    assert result.stdout == f"{endpoint}\n"


def test_cli_endpoint_prints_the_endpoint_that_answers(running):
    state_dir, endpoint = running

    printed = cli(state_dir, "endpoint").stdout.strip()

    assert printed == endpoint
    with urllib.request.urlopen(f"{printed}/moto-api/") as response:
        assert response.status == 200


def test_cli_status_says_running_with_pid_and_endpoint(running):
    state_dir, endpoint = running
    pid = server.status(state_dir=state_dir).pid

    result = cli(state_dir, "status")

    assert (result.returncode, result.stdout) == (0, f"running pid {pid} on {endpoint}\n")


def test_cli_endpoint_fails_with_exit_code_1_and_a_message_when_nothing_runs(state_dir):
    result = cli(state_dir, "endpoint")

    assert result.returncode == 1
    assert result.stdout == ""
    assert "no emulator is running" in result.stderr
