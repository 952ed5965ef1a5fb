"""The service as `python -m examples.users serve` runs it: a real uvicorn in a subprocess.

What only the server decides (issue 22): whose `X-Forwarded-For` is believed, how large a
request header may be, and what the probes say once SIGTERM has arrived.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from examples.users.server import server_options
from examples.users.settings import ServiceSettings

from .backends import sqlite_copy
from .service import API, SECRET

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str
    port: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(served: Served) -> None:
    for _ in range(600):  # bounded: a slow, shared machine may take a while to start it
        if served.process.poll() is not None:
            raise AssertionError(f"the server exited with {served.process.returncode}")
        try:
            httpx.get(f"{served.url}{API}/health/live", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


@pytest.fixture
def served(sqlite_template: Path, tmp_path: Path) -> Iterator[Served]:
    port = _free_port()
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "USERS_JWT_SECRET": SECRET,
        "DATABASE_URL": sqlite_copy(sqlite_template, tmp_path),
        "USERS_RATE_LIMIT_PER_ADDRESS": "1",
        "USERS_SHUTDOWN_DELAY_SECONDS": "600",
        "USERS_LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    env.pop("FORWARDED_ALLOW_IPS", None)
    command = [sys.executable, "-m", "examples.users", "serve", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    served = Served(process, f"http://127.0.0.1:{port}", port)
    try:
        _wait_until_up(served)
        yield served
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=60)


def test_defaults_trust_no_proxy() -> None:
    options = server_options(ServiceSettings(), host="0.0.0.0", port=8000, workers=2)
    assert options["proxy_headers"] is False and options["forwarded_allow_ips"] == ""
    assert options["http"] == "h11" and options["h11_max_incomplete_event_size"] == 16_384
    trusted = ServiceSettings(trusted_proxies=["10.0.0.5", "10.0.0.6"])
    options = server_options(trusted, host="0.0.0.0", port=8000, workers=2)
    assert (
        options["proxy_headers"] is True and options["forwarded_allow_ips"] == "10.0.0.5,10.0.0.6"
    )


def test_forwarded_for_from_loopback_does_not_escape_the_address_limit(served: Served) -> None:
    url = f"{served.url}{API}/users"
    first = httpx.post(url, json={}, headers={"X-Forwarded-For": "192.0.2.1"})
    assert first.status_code == 400  # counted, then refused by validation
    second = httpx.post(url, json={}, headers={"X-Forwarded-For": "192.0.2.2"})
    assert second.status_code == 429, second.text  # the same peer, whatever it claims


def test_an_oversized_request_header_is_refused(served: Served) -> None:
    # h11 counts only what it holds while the header is still incomplete: a header that
    # arrives whole in one socket read (up to 256 KiB) passes; 1 MiB never does.
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as connection:
        request = (
            f"GET {API}/health/live HTTP/1.1\r\nHost: x\r\nX-Big: {'a' * 1_048_576}\r\n\r\n"
        ).encode()
        # closed before the whole header was sent: refused too
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(request)
        try:
            reply = connection.recv(4096)
        except ConnectionResetError:
            reply = b""
    assert reply.startswith(b"HTTP/1.1 400") or reply == b"", reply[:200]
    assert httpx.get(f"{served.url}{API}/health/live").status_code == 200  # still serving


def test_sigterm_turns_liveness_503_before_the_server_stops(served: Served) -> None:
    served.process.send_signal(signal.SIGTERM)
    statuses = []
    for _ in range(100):
        statuses.append(httpx.get(f"{served.url}{API}/health/live", timeout=10).status_code)
        if statuses[-1] == 503:
            break
        time.sleep(0.1)
    assert statuses[-1] == 503, statuses
    assert httpx.get(f"{served.url}{API}/health/ready", timeout=10).status_code == 503
    served.process.send_signal(signal.SIGTERM)  # the second one stops it now
    assert served.process.wait(timeout=60) is not None
