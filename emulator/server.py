"""Starting, finding and stopping the emulator's server process.

The state lives in `.emulator/` at the repository root (git-ignored): `pid`, `port` and
`server.log`. A running emulator is reused, so a second `make deploy` updates in place; a state
left behind by a dead process is reported, removed, and replaced by a fresh server.
"""

import contextlib
import fcntl
import http.client
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = REPO_ROOT / ".emulator"
SERVE_MODULE = "emulator.serve"

log = logging.getLogger("emulator")

# Servers started by this process, kept so that stopping one reaps it (no zombie, no warning).
_children: dict[int, subprocess.Popen[bytes]] = {}


class EmulatorError(RuntimeError):
    """The emulator could not be started, found or stopped."""


class EmulatorNotRunning(EmulatorError):
    """No live emulator answers for this state folder."""


@dataclass(frozen=True)
class State:
    """What the state folder says, checked against the process table and the port."""

    status: str  # "running", "stopped", "stale" (files left by a dead process) or "unanswering"
    pid: int | None = None
    port: int | None = None

    @property
    def endpoint(self) -> str | None:
        # moto reads CloudFormation TemplateURLs from its own S3 only when the host is localhost.
        return f"http://localhost:{self.port}" if self.port else None


@dataclass(frozen=True)
class _Paths:
    root: Path

    @property
    def pid(self) -> Path:
        return self.root / "pid"

    @property
    def port(self) -> Path:
        return self.root / "port"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def lock(self) -> Path:
        return self.root / "lock"


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _is_our_server(pid: int) -> bool:
    """True if `pid` is alive and, where /proc tells, runs our serve module (not a reused pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():
        return True
    try:
        raw = cmdline.read_bytes()
    except OSError:
        return False
    if not raw:  # a zombie: exited, not yet reaped
        return False
    return SERVE_MODULE.encode() in raw


def _answers(port: int, timeout: float = 2.0) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/moto-api/")
        return connection.getresponse().status < 500
    except OSError:
        return False
    finally:
        connection.close()


@contextlib.contextmanager
def _locked(paths: _Paths) -> Iterator[None]:
    # Two `make deploy` at once must not start two servers for one state folder.
    paths.root.mkdir(parents=True, exist_ok=True)
    with paths.lock.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _clean(paths: _Paths) -> None:
    for path in (paths.pid, paths.port):
        path.unlink(missing_ok=True)


def _state(paths: _Paths) -> State:
    pid, port = _read_int(paths.pid), _read_int(paths.port)
    if pid is None and port is None:
        return State("stopped")
    if pid is None or not _is_our_server(pid):
        return State("stale", pid, port)
    if port is None or not _answers(port):
        return State("unanswering", pid, port)
    return State("running", pid, port)


def status(state_dir: Path | None = None) -> State:
    """The emulator's state for `state_dir` (default: `.emulator/` at the repository root)."""
    return _state(_Paths(state_dir or STATE_DIR))


def endpoint(state_dir: Path | None = None) -> str:
    """`http://localhost:<port>` of the running emulator; raises EmulatorNotRunning otherwise."""
    state = status(state_dir)
    if state.status != "running":
        raise EmulatorNotRunning(
            f"no emulator is running ({_describe(state, state_dir)}); "
            "start one with `python -m emulator start`"
        )
    return state.endpoint


def _describe(state: State, state_dir: Path | None) -> str:
    where = state_dir or STATE_DIR
    if state.status == "stopped":
        return f"no pid or port file in {where}"
    if state.status == "stale":
        return f"stale files in {where}: pid {state.pid} is not running"
    return f"pid {state.pid} is alive but does not answer on port {state.port}"


def start(state_dir: Path | None = None, timeout: float = 60.0) -> str:
    """Start the emulator in the background, or reuse the running one; return its endpoint.

    Stale files left by a dead process are removed first (and logged). A process that is alive
    but does not answer is not touched: that fails with the command that stops it.
    """
    paths = _Paths(state_dir or STATE_DIR)
    with _locked(paths):
        state = _state(paths)
        if state.status == "running":
            log.info("emulator: reusing pid %s on %s", state.pid, state.endpoint)
            return state.endpoint
        if state.status == "unanswering" and state.port is not None:
            raise EmulatorError(
                f"emulator pid {state.pid} is alive but does not answer on port {state.port}; "
                f"stop it with `python -m emulator stop` and see {paths.log}"
            )
        if state.status == "stale":
            log.warning(
                "emulator: pid %s in %s is not running (stale files); starting afresh",
                state.pid,
                paths.root,
            )
        _clean(paths)
        return _spawn(paths, timeout)


def _spawn(paths: _Paths, timeout: float) -> str:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    with paths.log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", SERVE_MODULE, "--port-file", str(paths.port)],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C in the terminal that ran `make deploy` leaves it running.
            start_new_session=True,
        )
    _children[process.pid] = process
    paths.pid.write_text(f"{process.pid}\n")

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _children.pop(process.pid, None)
            _clean(paths)
            raise EmulatorError(
                f"the emulator exited with code {process.returncode} while starting; "
                f"its log {paths.log} ends with:\n{_tail(paths.log)}"
            )
        port = _read_int(paths.port)
        if port is not None and _answers(port):
            state = State("running", process.pid, port)
            log.info("emulator: started pid %s on %s", process.pid, state.endpoint)
            return state.endpoint
        time.sleep(0.1)

    _terminate(process.pid)
    _clean(paths)
    raise EmulatorError(
        f"the emulator did not answer within {timeout:.0f} s; see {paths.log}:\n{_tail(paths.log)}"
    )


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def _terminate(pid: int, timeout: float = 10.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _is_our_server(pid):
            break
        time.sleep(0.05)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    child = _children.pop(pid, None)
    if child is not None:
        child.wait(timeout)


def stop(state_dir: Path | None = None) -> State:
    """Stop the emulator by its pid and remove its pid and port files; return what was found.

    A pid that no longer runs our server (dead, or reused by another program) is not signalled.
    The log stays, for a look after the fact.
    """
    paths = _Paths(state_dir or STATE_DIR)
    with _locked(paths):
        state = _state(paths)
        if state.status in ("running", "unanswering") and state.pid is not None:
            _terminate(state.pid)
            log.info("emulator: stopped pid %s", state.pid)
        _clean(paths)
        return state
