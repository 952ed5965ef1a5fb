"""A scripted HTTP server on 127.0.0.1: answers queued responses in order, records each request."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Answer:
    """One scripted response."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"
    endless: bytes = b""  # written again and again after `body` until the client goes away


@dataclass
class Stub:
    """The server's script and log; `base` is its origin."""

    base: str = ""
    answers: list[Answer] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    disconnected: threading.Event = field(default_factory=threading.Event)

    def queue(self, *answers: Answer) -> None:
        self.answers.extend(answers)


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            stub.seen.append(Seen(self.command, self.path, headers, body))
            answer = stub.answers.pop(0) if stub.answers else Answer(599)
            self.send_response(answer.status)
            if answer.body or answer.endless:
                self.send_header("Content-Type", answer.content_type)
            for name, value in answer.headers:
                self.send_header(name, value)
            if answer.endless:
                self._endless(answer)
                return
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def _endless(self, answer: Answer) -> None:
            """A body without a length, until writing fails: the client has disconnected."""
            self.end_headers()
            try:
                self.wfile.write(answer.body)
                while True:
                    self.wfile.write(answer.endless)
                    self.wfile.flush()
                    time.sleep(0.01)
            except OSError:
                stub.disconnected.set()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the test reads `stub.seen` instead."""

    return Handler


@contextmanager
def serve_stub() -> Iterator[Stub]:
    """A running stub server; stopped when the block ends."""
    stub = Stub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    stub.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
