"""The service under test as a subprocess: uvicorn on 127.0.0.1 on a free port, started and stopped.

`running_service` starts `python -m uvicorn --factory module:factory`, waits (bounded) until
it answers HTTP at all (`starting_service` yields before waiting, so the caller can check the
contract while the service imports and builds its app), and always stops it on the way out, after a failure or Ctrl-C too:
SIGTERM first (uvicorn shuts down gracefully), SIGKILL after a grace period. Its output goes
to a log file so a full pipe can never stall it; the tail is shown when it fails to start.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
GRACE_SECONDS = 5.0
LOG_TAIL_BYTES = 4000
APP_PATTERN = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*:[A-Za-z_][\w]*$")


class ServiceError(Exception):
    """The service did not come up; `log` holds the tail of its output."""

    def __init__(self, message: str, log: str = "") -> None:
        super().__init__(message)
        self.log = log


@dataclass(frozen=True)
class ServiceSpec:
    """How to start the service: `module:factory`, extra environment, names to unset."""

    app: str
    env: Mapping[str, str] = field(default_factory=dict)
    unset: Sequence[str] = ()
    startup_timeout: float = 30.0
    cwd: Path | None = None

    def command(self, port: int) -> list[str]:
        """The uvicorn command line for `port`."""
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            self.app,
            "--host",
            HOST,
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--timeout-graceful-shutdown",
            str(int(GRACE_SECONDS)),
        ]


@dataclass(frozen=True)
class RunningService:
    """A started service: root URL, process id, command line, start-up time and its log file."""

    url: str
    pid: int
    command: tuple[str, ...]
    startup_seconds: float
    log: Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether an HTTP server answers `GET /` (any status counts: it is up)."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", "/")
        connection.getresponse().read(0)
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return True


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections there (for services we did not start: TLS too)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def log_tail(log: Path) -> str:
    """The last few KB of the service's output."""
    try:
        data = log.read_bytes()
    except OSError:
        return ""
    return data[-LOG_TAIL_BYTES:].decode("utf-8", errors="replace")


def _environment(spec: ServiceSpec) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in set(spec.unset)}
    env.update(spec.env)
    # Keep the factory importable from the working directory, as `uvicorn --app-dir .` does.
    cwd = str((spec.cwd or Path.cwd()).resolve())
    env["PYTHONPATH"] = os.pathsep.join(p for p in (cwd, env.get("PYTHONPATH", "")) if p)
    return env


def _wait_until_up(
    process: subprocess.Popen[bytes], port: int, spec: ServiceSpec, log: Path
) -> None:
    deadline = time.monotonic() + spec.startup_timeout
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None:
            raise ServiceError(
                f"the service exited with code {code} during start-up", log_tail(log)
            )
        if answers(HOST, port):
            return
        time.sleep(0.1)
    raise ServiceError(
        f"the service did not answer on {HOST}:{port} within {spec.startup_timeout:g} s",
        log_tail(log),
    )


def stop(process: subprocess.Popen[bytes], grace: float = GRACE_SECONDS) -> None:
    """SIGTERM, then SIGKILL if it is still running after `grace` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class StartingService:
    """A service process started but not yet known to answer; `ready()` waits for it."""

    def __init__(
        self, process: subprocess.Popen[bytes], port: int, spec: ServiceSpec, log: Path
    ) -> None:
        self.process, self.port, self.spec, self.log = process, port, spec, log
        self.command = tuple(spec.command(port))
        self.started = time.monotonic()
        self._running: RunningService | None = None

    def ready(self) -> RunningService:
        """Wait (bounded) until it answers HTTP; raises ServiceError if it does not."""
        if self._running is None:
            _wait_until_up(self.process, self.port, self.spec, self.log)
            elapsed = time.monotonic() - self.started
            url = f"http://{HOST}:{self.port}"
            self._running = RunningService(url, self.process.pid, self.command, elapsed, self.log)
        return self._running


@contextlib.contextmanager
def starting_service(spec: ServiceSpec) -> Iterator[StartingService]:
    """Start the service and yield at once (its start-up overlaps the caller's work); always
    stop it however the block ends."""
    if not APP_PATTERN.match(spec.app):
        raise ServiceError(f"--app must look like package.module:factory, not {spec.app!r}")
    port = free_port()
    command = spec.command(port)
    with tempfile.TemporaryDirectory(prefix="specfirst-service-") as folder:
        log = Path(folder) / "service.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=_environment(spec),
                cwd=spec.cwd,
                start_new_session=True,  # Ctrl-C reaches us only; we stop the service ourselves
            )
            try:
                yield StartingService(process, port, spec, log)
            finally:
                stop(process)


@contextlib.contextmanager
def running_service(spec: ServiceSpec) -> Iterator[RunningService]:
    """Start the service, yield once it answers, stop it however the block ends."""
    with starting_service(spec) as starting:
        yield starting.ready()
