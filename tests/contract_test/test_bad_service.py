"""Bad input from the service: each HTTP-level fault is one finding naming the operation, and the
run goes on and ends (tiny raw-socket servers on 127.0.0.1; `/ok` behaves, `/bad` does not)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from tests.contract_test.conftest import DATA, Outcome

RunCli = Callable[..., Outcome]
RAW = DATA / "raw.yaml"
OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"


def _trickle(connection: socket.socket) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    connection.sendall(b"Transfer-Encoding: chunked\r\n\r\n")
    for _ in range(200):  # a body that does not end while anyone waits for it
        connection.sendall(b"1\r\n \r\n")
        time.sleep(0.2)


def _huge(connection: socket.socket) -> None:
    size = 100 * 1024 * 1024
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{" % size
    )
    connection.sendall(head)
    block = b" " * (1024 * 1024)
    for _ in range(100):
        connection.sendall(block)


def _malformed(connection: socket.socket) -> None:
    connection.sendall(b"HTTP/1.1 abc GARBAGE\r\n\x00\x01\r\n\r\n")


def _hang_up(connection: socket.socket) -> None:
    """Closes without a word, as a service that went down mid-request."""


def _silent(connection: socket.socket) -> None:
    """Reads the request and never answers (a handler stuck on a lock)."""
    time.sleep(30)


FAULTS: dict[str, tuple[Callable[[socket.socket], None], str]] = {
    "trickle": (_trickle, "the response did not end within"),
    "huge": (_huge, "the response body exceeded 16 MiB"),
    "malformed": (_malformed, "the response is not valid HTTP (BadStatusLine"),
    "hang-up": (_hang_up, "the response is not valid HTTP (RemoteDisconnected"),
    "silent": (_silent, "the response did not end within"),
}


def _serve(listener: socket.socket, fault: Callable[[socket.socket], None]) -> None:
    while True:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_answer, args=(connection, fault), daemon=True).start()


def _answer(connection: socket.socket, fault: Callable[[socket.socket], None]) -> None:
    with connection:
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                data += chunk
            target = data.split(b" ", 2)[1]
            if target.endswith(b"/bad") or b"/bad?" in target:
                fault(connection)
            else:
                connection.sendall(OK)
        except OSError:
            pass


@pytest.fixture
def raw_server(request: pytest.FixtureRequest) -> Iterator[str]:
    fault, _ = FAULTS[request.param]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    threading.Thread(target=_serve, args=(listener, fault), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


@pytest.mark.parametrize("raw_server", list(FAULTS), indirect=True)
def test_each_http_fault_is_one_named_finding_and_the_run_ends(
    run_cli: RunCli, raw_server: str, request: pytest.FixtureRequest
) -> None:
    expected = FAULTS[request.node.callspec.params["raw_server"]][1]
    outcome = run_cli(
        str(RAW),
        "--url",
        raw_server,
        "--max-examples",
        "3",
        "--seed",
        "1",
        "--request-timeout",
        "1",
        "--exclude-checks",
        "unsupported_method",
    )
    assert outcome.exit_code == 1, outcome.output
    errors = outcome.summary["errors"]
    bad = [e for e in errors if e.startswith("GET /bad: ")]
    assert len(bad) == 1 and expected in bad[0], errors  # one finding, naming the operation
    assert not any(e.startswith("GET /ok") for e in errors)  # the rest was tested
    assert "GET /ok" in outcome.summary["statuses"]
    assert outcome.summary["stop_reason"] == "completed"


def test_a_service_that_goes_down_mid_run_is_named_per_operation(run_cli: RunCli) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"

    def serve_then_die() -> None:
        for _ in range(3):
            connection, _ = listener.accept()
            _answer(connection, lambda c: c.sendall(OK))
        listener.close()  # from now on: connection refused

    threading.Thread(target=serve_then_die, daemon=True).start()
    outcome = run_cli(
        str(RAW),
        "--url",
        url,
        "--max-examples",
        "3",
        "--seed",
        "1",
        "--request-timeout",
        "1",
        "--startup-timeout",
        "1",
    )
    assert outcome.exit_code == 1, outcome.output
    refused = [e for e in outcome.summary["errors"] if "is not answering" in e]
    assert sorted(e.split(":")[0] for e in refused) == ["GET /bad", "GET /ok"]


def test_an_https_url_is_tested_unguarded_and_says_so(run_cli: RunCli) -> None:
    from generator.contract.guard import UNGUARDED

    listener = socket.socket()  # accepts TCP (the service is "up"), then hangs up on TLS
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    threading.Thread(target=_serve, args=(listener, _hang_up), daemon=True).start()
    try:
        outcome = run_cli(
            str(RAW),
            "--url",
            f"https://127.0.0.1:{listener.getsockname()[1]}",
            "--max-examples",
            "1",
            "--phases",
            "coverage",
            "--request-timeout",
            "1",
        )
    finally:
        listener.close()
    assert UNGUARDED in outcome.summary["warnings"], outcome.output
    assert outcome.exit_code == 1, outcome.output  # the failed handshakes are findings
    assert {e.split(":")[0] for e in outcome.summary["errors"]} >= {"GET /bad", "GET /ok"}


@pytest.mark.parametrize("length", ["", "abc"])
def test_the_guard_never_forwards_a_malformed_content_length(length: str) -> None:
    # Box's DELETE: an empty `Content-Length` reached uvicorn, whose parser answered its own
    # 400 text/plain; through the guard the service gets a well-formed request instead.
    from generator.contract.guard import Guard

    seen: list[bytes] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def record() -> None:
        connection, _ = listener.accept()
        with connection:
            data = b""
            while b"\r\n\r\n" not in data:
                data += connection.recv(65536)
            seen.append(data)
            connection.sendall(OK)

    threading.Thread(target=record, daemon=True).start()
    upstream = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        with Guard(upstream, 5.0) as proxy:
            host, port = proxy.removeprefix("http://").split(":")
            with socket.create_connection((host, int(port)), timeout=5) as client:
                client.sendall(
                    f"DELETE {upstream}/bad/1 HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n".encode()
                )
                answer = client.recv(65536)
    finally:
        listener.close()
    assert answer.startswith(b"HTTP/1.1 200"), answer
    (request,) = seen
    assert request.startswith(b"DELETE /bad/1 HTTP/1.1")
    assert f"content-length: {length}\r\n".encode() not in request.lower()  # not forwarded
