"""A forwarding HTTP proxy between schemathesis and the service, so a bad response cannot stall a run.

Schemathesis reads each response whole, and its timeout bounds each socket read, not the
response: a body that trickles forever, or one of 100 MiB, holds a run up (or fills memory).
For an `http://` service the runner sends every request through `Guard` (schemathesis'
`proxy` setting), which forwards it and reads the answer within a total deadline and a size
limit. What the service does wrong at the HTTP level comes back as a `502` marked with the
`X-Specfirst-Guard` header, whose value says what happened; the runner turns it into one
finding naming the operation, and the run continues with the rest:

- the response did not end within the deadline;
- the body was larger than the limit;
- the response was not HTTP (a malformed status line or headers);
- the service did not answer at all (connection refused or reset).

An `https://` service is not guarded: schemathesis tunnels TLS through a proxy (`CONNECT`),
and reading the answers would mean ending TLS in the guard with a certificate of its own
(a man in the middle the run would then have to trust). The run says so (`UNGUARDED`).
"""

from __future__ import annotations

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

GUARD_HEADER = "X-Specfirst-Guard"
MAX_BODY = 16 * 1024 * 1024
CHUNK = 64 * 1024
# RFC 9110 §7.6.1: connection-specific fields are not forwarded.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)


UNGUARDED = (
    "https: requests go straight to the service, not through the guard proxy (it cannot read "
    "a TLS tunnel): a response that never ends or an oversized body is bounded only by "
    "--request-timeout per read; test over http (the service's internal port) to bound them"
)


def guards(url: str) -> bool:
    """Whether requests to `url` go through the guard (plain http only).

    >>> guards("http://127.0.0.1:8000/api"), guards("https://api.example.com")
    (True, False)
    """
    return urlsplit(url).scheme == "http"


def _length(value: str | None) -> int:
    """The request body's length; an empty or malformed `Content-Length` (which the tester's
    client may send when a contract names that header) reads as no body, and the request is
    forwarded with a well-formed one (RFC 9112 §6.2), never as the malformed frame.

    >>> _length("12"), _length(""), _length("abc"), _length(None)
    (12, 0, 0, 0)
    """
    text = (value or "").strip()
    return int(text) if text.isdigit() else 0


class _Refusal(Exception):
    """The service's answer cannot be forwarded; the message says why."""


class _Handler(BaseHTTPRequestHandler):
    server: _GuardServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the runner reports what matters."""

    def _forward(self) -> None:
        target = urlsplit(self.path)
        path = (target.path or "/") + (f"?{target.query}" if target.query else "")
        length = _length(self.headers.get("Content-Length"))
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if body is not None:
            headers["Content-Length"] = str(len(body))
        try:
            status, reason, answer, content = self._upstream(path, body, headers)
        except _Refusal as refusal:
            self._refuse(str(refusal))
            return
        self.send_response_only(status, reason)
        for name, value in answer:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        if self.command != "HEAD" or content:
            self.send_header("Content-Length", str(len(content)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)
        self.close_connection = True

    def _upstream(
        self, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        guard = self.server
        deadline = time.monotonic() + guard.deadline
        connection = http.client.HTTPConnection(guard.host, guard.port, timeout=guard.deadline)
        try:
            connection.request(self.command, path, body=body, headers=headers)
            response = connection.getresponse()
            content = bytearray()
            while True:
                if time.monotonic() > deadline:
                    raise _Refusal(f"the response did not end within {guard.deadline:g} s")
                chunk = response.read1(CHUNK) if self.command != "HEAD" else b""
                if not chunk:
                    break
                content += chunk
                if len(content) > guard.max_body:
                    raise _Refusal(f"the response body exceeded {guard.max_body // 1_048_576} MiB")
            return response.status, response.reason, response.getheaders(), bytes(content)
        except TimeoutError:
            raise _Refusal(f"the response did not end within {guard.deadline:g} s") from None
        except http.client.HTTPException as exc:
            raise _Refusal(
                f"the response is not valid HTTP ({type(exc).__name__}: {exc})"
            ) from None
        except ConnectionRefusedError:
            raise _Refusal("the service is not answering (connection refused)") from None
        except OSError as exc:
            raise _Refusal(f"the connection failed ({type(exc).__name__}: {exc})") from None
        finally:
            connection.close()

    def _refuse(self, why: str) -> None:
        # One printable ASCII line: the service's bytes must not split the header.
        line = "".join(c if " " <= c <= "~" else " " for c in " ".join(why.split()))[:300]
        text = line.encode("ascii")
        self.send_response_only(502, "Bad Gateway")
        self.send_header(GUARD_HEADER, line)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(text)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(text)
        self.close_connection = True

    def __getattr__(self, name: str) -> object:
        # Any method is forwarded (the unsupported-method check sends undeclared ones):
        # the base class answers 501 itself for a method without a `do_` handler.
        if name.startswith("do_"):
            return self._forward
        raise AttributeError(name)


class _GuardServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, deadline: float, max_body: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.host, self.port, self.deadline, self.max_body = host, port, deadline, max_body


class Guard:
    """The proxy for one service (`with Guard(url, timeout) as proxy_url:`).

    It gives up at 80 % of the request timeout, so its answer reaches schemathesis before
    schemathesis' own timeout would turn it into an anonymous network error.
    """

    def __init__(self, url: str, timeout: float, max_body: int = MAX_BODY) -> None:
        parts = urlsplit(url)
        port = parts.port or 80
        deadline = round(timeout * 0.8, 3)
        self.server = _GuardServer(parts.hostname or "127.0.0.1", port, deadline, max_body)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
