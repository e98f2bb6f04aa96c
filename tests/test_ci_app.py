"""The app image built by the image workflow: a non-root service on 8080 that answers."""

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import ROOT

APP = ROOT / "app"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(APP / "server.py")],
        env={"PORT": str(port), "APP_VERSION": "v9.9.9", "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_app_answers_its_health_check_with_its_version(app_url):
    with urllib.request.urlopen(app_url + "/") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        assert json.load(response) == {"app": "qea", "version": "v9.9.9", "status": "ok"}


def test_app_answers_unknown_paths_with_404(app_url):
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(app_url + "/nope")
    assert raised.value.code == 404


def test_app_stops_on_sigterm_as_docker_stop_sends(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(APP / "server.py")],
        env={"PORT": str(port), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert json.loads(process.stdout.readline())["event"] == "listening"
    process.terminate()
    assert process.wait(timeout=5) == 0


def test_image_runs_as_a_non_root_user_on_port_8080():
    dockerfile = (APP / "Dockerfile").read_text()
    (user,) = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert user.split(":")[0] not in ("0", "root")
    assert re.search(r"^EXPOSE 8080$", dockerfile, re.MULTILINE)
    assert 'CMD ["python", "server.py"]' in dockerfile


def test_image_listens_on_the_port_compute_publishes():
    from settings import load_settings
    from tests.conftest import cdk_context

    for env in ("dev", "prod"):
        assert load_settings(cdk_context(env=env)).environment.compute.container.port == 8080
    assert "PORT=8080" in (APP / "Dockerfile").read_text()
