"""What the service says while a dependency is down or it is shutting down (issue 22).

- **Database unreachable** (refused or timed-out connections, a pool with no connection to
  give, a connection lost mid-request, a locked or failing database): `503` with
  `Retry-After`, a problem document and the request id, never `500`: the request was fine,
  the service cannot serve it yet. The unit of work has already rolled back.
- **Graceful shutdown**: `StopOnSignal` marks the process as stopping the moment SIGTERM
  arrives, so liveness and readiness answer `503` (as the contract documents) while the
  server drains, optionally for `USERS_SHUTDOWN_DELAY_SECONDS` before it stops accepting,
  which gives a load balancer time to notice.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from types import FrameType
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from .health import Lifecycle
from .problems import problem

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
# OSError: asyncpg raises ConnectionRefusedError, socket.gaierror or TimeoutError (an OSError)
# while connecting, unwrapped by SQLAlchemy.
UNAVAILABLE = (OSError, PoolTimeoutError, OperationalError, InterfaceError)


def is_outage(exc: BaseException) -> bool:
    """True when `exc` says the database cannot serve now, rather than that the code is wrong."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, UNAVAILABLE)


def install_outage_handlers(app: FastAPI) -> None:
    """Answer a database outage with `503` and `Retry-After` (anything else stays a 500)."""

    async def unavailable(request: Request, exc: Exception) -> Response:
        if not is_outage(exc):  # a DBAPIError that is a bug: the last-resort 500
            raise exc
        logger.warning("database unavailable: %s", type(exc).__name__)
        body = problem(
            503, "Service Unavailable", "The database is not reachable; try again shortly."
        )
        return Response(
            body.model_dump_json().encode(),
            status_code=503,
            media_type="application/problem+json",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    for kind in (*UNAVAILABLE, DBAPIError):
        app.add_exception_handler(kind, unavailable)


class StopOnSignal:
    """Chains onto the server's SIGTERM handler for as long as the app runs.

    The first SIGTERM sets `lifecycle.stopping` at once and passes the signal on to the
    server (uvicorn: stop accepting, drain, run the lifespan's shutdown) after `delay`
    seconds; a second SIGTERM passes it on at once. Signal handlers belong to the main
    thread, so under a test client (another thread) nothing is installed.
    """

    def __init__(self, lifecycle: Lifecycle, delay: float) -> None:
        self.lifecycle = lifecycle
        self.delay = delay
        self._previous: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def install(self) -> None:
        """Take over SIGTERM (in the event loop's thread, during start-up)."""
        if threading.current_thread() is not threading.main_thread():
            return
        self._loop = asyncio.get_running_loop()
        self._previous = signal.signal(signal.SIGTERM, self._on_signal)

    def uninstall(self) -> None:
        """Give SIGTERM back to whoever had it."""
        if self._loop is not None:
            signal.signal(signal.SIGTERM, self._previous)
            self._loop = None

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        first = not self.lifecycle.stopping
        self.lifecycle.stopping = True
        if first and self.delay > 0 and self._loop is not None:
            logger.info("SIGTERM: reporting unavailable for %.1f s before draining", self.delay)
            # call_soon_threadsafe wakes the loop, which may be asleep in select()
            self._loop.call_soon_threadsafe(
                self._loop.call_later, self.delay, self._forward, signum, None
            )
            return
        self._forward(signum, frame)

    def _forward(self, signum: int, frame: FrameType | None) -> None:
        previous = self._previous
        if callable(previous):
            previous(signum, frame)
        elif previous == signal.SIG_DFL:
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)
