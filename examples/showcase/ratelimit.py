"""Fixed-window request budgets per credential, or per client address when anonymous."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from generated.showcase import Principal


@dataclass(frozen=True)
class Decision:
    """The outcome of one request against its budget."""

    allowed: bool
    remaining: int  # requests left in the current window (X-RateLimit-Remaining)
    retry_after: int  # seconds until the window resets (Retry-After), at least 1


class RateLimiter:
    """`limit` requests per `window` seconds and key, in this process's memory."""

    def __init__(
        self, limit: int, window: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str) -> Decision:
        """Count one request for `key`.

        >>> limiter = RateLimiter(1, 60, clock=lambda: 0.0)
        >>> limiter.hit("a").allowed, limiter.hit("a").allowed
        (True, False)
        """
        now = self.clock()
        started, used = self._windows.get(key, (now, 0))
        if now - started >= self.window:
            started, used = now, 0
        retry_after = max(1, min(3600, math.ceil(started + self.window - now)))
        if used >= self.limit:
            return Decision(False, 0, retry_after)
        self._windows[key] = (started, used + 1)
        if len(self._windows) > 100_000:  # many one-off keys: drop the expired windows
            self._forget(now)
        return Decision(True, self.limit - used - 1, retry_after)

    def _forget(self, now: float) -> None:
        self._windows = {k: (s, u) for k, (s, u) in self._windows.items() if now - s < self.window}


def budget_key(principal: Principal | None, client: str | None) -> str:
    """The budget a request counts against: its credential, else its client address.

    >>> budget_key(Principal("alice", schemes=("bearerAuth",)), "203.0.113.7")
    'credential:bearerAuth:alice'
    """
    if principal is None:
        return f"address:{client or 'unknown'}"
    return f"credential:{'+'.join(principal.schemes)}:{principal.subject}"
