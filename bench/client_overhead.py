"""The generated client's overhead against a hand-written httpx call (issue 21: within 10 %).

Both sides make the same request over one keep-alive connection to a tiny HTTP server in
another process on 127.0.0.1 (so the server never competes for this process's GIL), and both
validate the body with the same model: the hand-written side is `http.get(...)`, a status
check and `User.model_validate_json`; the generated side is `Client.get_current_user()`,
which also serializes parameters, picks credentials, matches the status to its result class
and builds it. Rounds alternate the two sides; the figure is the median of per-round ratios.
`--in-memory` runs both over `httpx.MockTransport` instead: no network, so the ratio shows the
client's own cost at its harshest.

    .venv/bin/python bench/client_overhead.py [--in-memory]
"""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "generated"))

import users_client  # noqa: E402

ROUNDS = 41
CALLS = 100
TOKEN = "t" * 40
USER = {
    "id": "0b6f4a8e-3c2d-4e1f-9a7b-5c6d7e8f9a0b",
    "email": "ada@example.com",
    "display_name": "Ada Lovelace",
    "roles": ["user"],
    "is_active": True,
    "created_at": "2025-03-14T09:26:53Z",
    "updated_at": "2025-03-14T09:26:53Z",
}
BODY = json.dumps(USER).encode()
# A keep-alive HTTP/1.1 responder: every request gets the same 200 with the user's JSON.
SERVER = f"""
import asyncio, sys
BODY = {BODY!r}
HEAD = b"HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\ncontent-length: %d\\r\\n\\r\\n" % len(BODY)
async def serve(reader, writer):
    while True:
        head = await reader.readuntil(b"\\r\\n\\r\\n") if not reader.at_eof() else b""
        if not head:
            break
        writer.write(HEAD + BODY)
        await writer.drain()
async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", int(sys.argv[1]))
    async with server:
        await server.serve_forever()
asyncio.run(main())
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(CALLS):
        call()
    return (time.perf_counter() - start) / CALLS


def _sides(http: httpx.Client) -> tuple[Callable[[], object], Callable[[], object]]:
    headers = {"Authorization": f"Bearer {TOKEN}"}

    def hand() -> object:
        response = http.get("/api/v1/users/me", headers=headers)
        assert response.status_code == 200
        return users_client.models.User.model_validate_json(response.content)

    client = users_client.Client(http=http, credentials=users_client.Credentials(oauth_2=TOKEN))

    def generated() -> object:
        result = client.get_current_user()
        assert isinstance(result, users_client.results.GetCurrentUserOk)
        return result.body

    return hand, generated


def measure(http: httpx.Client) -> dict[str, float]:
    """Median per-call seconds of each side and the median of the per-round ratios."""
    hand, generated = _sides(http)
    for _ in range(50):  # warm up: connection, adapters, caches
        hand(), generated()
    hands, gens, ratios = [], [], []
    for _ in range(ROUNDS):
        h, g = _timed(hand), _timed(generated)
        hands.append(h)
        gens.append(g)
        ratios.append(g / h)
    return {
        "hand_us": statistics.median(hands) * 1e6,
        "generated_us": statistics.median(gens) * 1e6,
        "ratio": statistics.median(ratios),
    }


def over_socket() -> dict[str, float]:
    """Both sides against the responder in another process on 127.0.0.1."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)])
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(100):
                try:
                    http.get("/")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            return measure(http)
    finally:
        server.terminate()
        server.wait()


def bench_client(_contracts: list[Any], _work: Any) -> list[dict[str, object]]:
    """The `client` suite of bench/run.py: one row, the overhead over 127.0.0.1."""
    figures = over_socket()
    return [
        {
            "call": "GET /users/me (users_client.Client.get_current_user)",
            "hand-written µs": round(figures["hand_us"], 1),
            "generated µs": round(figures["generated_us"], 1),
            "overhead %": round((figures["ratio"] - 1) * 100, 1),
        }
    ]


def main() -> None:
    if "--in-memory" in sys.argv:
        transport = httpx.MockTransport(
            lambda request: httpx.Response(
                200, content=BODY, headers={"content-type": "application/json"}
            )
        )
        with httpx.Client(base_url="http://test", transport=transport) as http:
            figures = measure(http)
        print(f"in memory: {json.dumps({k: round(v, 3) for k, v in figures.items()})}")
        return
    figures = over_socket()
    overhead = (figures["ratio"] - 1) * 100
    print(
        f"over 127.0.0.1: hand {figures['hand_us']:.1f} us, generated "
        f"{figures['generated_us']:.1f} us per call; overhead {overhead:.1f} % (target < 10 %)"
    )


if __name__ == "__main__":
    main()
