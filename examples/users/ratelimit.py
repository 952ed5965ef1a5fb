"""Fixed-window rate limits for the credential endpoints: in memory, or in Redis across workers.

Two layers (contract, "Rate limiting": per client address *and* per account):

- `AddressLimitMiddleware` keys on the client address. The generated handlers never see the
  request, so the address can only be read in ASGI middleware; it answers the documented
  `429` problem with `Retry-After` before the body is even read.
- The handlers key on the account (the email of a registration, the caller of a password
  change, the owner of a refresh token) and answer the typed `...TooManyRequests` result,
  because only they know which account a request is about.
- Sign-in (`POST /auth/token`) counts *failures* only, per (account, address) and per
  address (`auth.py`, issue 22): a successful sign-in costs no budget, and someone guessing
  one account's password from elsewhere cannot lock its owner out. It reads the address
  from `client_address_var`, which the middleware sets for every request.
"""

from __future__ import annotations

import logging
import math
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from starlette.types import ASGIApp, Receive, Scope, Send

from .problems import too_many

logger = logging.getLogger(__name__)
# The client address of the current request (`scope["client"]`), for limits set in handlers.
client_address_var: ContextVar[str] = ContextVar("client_address", default="unknown")

# An atomic INCR that starts the window on the first hit; returns the count and the ms left.
_HIT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
"""
# The count and the ms left, without counting (0 and -2 for a key that is not there).
_PEEK = """
return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1])}
"""


@dataclass(frozen=True)
class Decision:
    """Whether a hit is allowed and, if not, how many whole seconds until it would be."""

    allowed: bool
    retry_after: int = 0


class RateLimiter(Protocol):
    """Counts hits per key in fixed windows."""

    async def hit(self, key: str, limit: int) -> Decision:
        """Count one hit on `key`; refused once more than `limit` hits fall in the window."""
        ...

    async def peek(self, key: str, limit: int) -> Decision:
        """Whether one more hit on `key` would be allowed, without counting one."""
        ...

    async def clear(self, key: str) -> None:
        """Forget the hits on `key` (a successful sign-in clears its failures)."""
        ...

    async def ping(self) -> bool:
        """True when the backing store answers (readiness)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def _decision(count: int, limit: int, remaining_seconds: float) -> Decision:
    if count <= limit:
        return Decision(True)
    return Decision(False, max(1, math.ceil(remaining_seconds)))


class MemoryRateLimiter:
    """Windows in this process only: right for one worker, and for tests."""

    def __init__(self, window_seconds: int) -> None:
        self.window = float(window_seconds)
        self._windows: dict[str, tuple[float, int]] = {}

    async def hit(self, key: str, limit: int) -> Decision:
        now = time.monotonic()
        started, count = self._windows.get(key, (now, 0))
        if now - started >= self.window:
            started, count = now, 0
        self._windows[key] = (started, count + 1)
        if len(self._windows) > 100_000:  # bound memory under a flood of distinct keys
            self._windows = {k: v for k, v in self._windows.items() if now - v[0] < self.window}
        return _decision(count + 1, limit, started + self.window - now)

    async def peek(self, key: str, limit: int) -> Decision:
        now = time.monotonic()
        started, count = self._windows.get(key, (now, 0))
        if now - started >= self.window:
            return Decision(True)
        return _decision(count + 1, limit, started + self.window - now)

    async def clear(self, key: str) -> None:
        self._windows.pop(key, None)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        return None


class RedisRateLimiter:
    """Windows in Redis, shared by every worker and instance; fails open if Redis is down.

    Failing open keeps sign-in available during a Redis outage; the error is logged, and
    readiness reports Redis as unavailable so the outage is visible.
    """

    def __init__(self, url: str, window_seconds: int, prefix: str = "specfirst:users:rl:") -> None:
        self.window_ms = window_seconds * 1000
        self.prefix = prefix
        self.client: Redis = Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._script = self.client.register_script(_HIT)
        self._peek = self.client.register_script(_PEEK)

    async def hit(self, key: str, limit: int) -> Decision:
        try:
            count, ttl_ms = await self._script(keys=[self.prefix + key], args=[self.window_ms])
        except Exception as exc:
            logger.error("rate limiter unavailable, allowing request: %s", type(exc).__name__)
            return Decision(True)
        return _decision(int(count), limit, int(ttl_ms) / 1000)

    async def peek(self, key: str, limit: int) -> Decision:
        try:
            count, ttl_ms = await self._peek(keys=[self.prefix + key])
        except Exception as exc:
            logger.error("rate limiter unavailable, allowing request: %s", type(exc).__name__)
            return Decision(True)
        return _decision(int(count or 0) + 1, limit, max(int(ttl_ms), 0) / 1000)

    async def clear(self, key: str) -> None:
        try:
            await self.client.delete(self.prefix + key)
        except Exception as exc:
            logger.error("rate limiter unavailable, not cleared: %s", type(exc).__name__)

    async def ping(self) -> bool:
        try:
            return bool(await self.client.ping())
        except Exception:
            return False

    async def close(self) -> None:
        await self.client.aclose()


class AddressLimitMiddleware:
    """Limits `POST` to `paths` per client address (`scope["client"]`), and exposes the
    address to handlers (`client_address_var`).

    The address is the peer's unless the server was told to trust a proxy
    (`USERS_TRUSTED_PROXIES`, README "Running it"): trusting `X-Forwarded-For` from anyone
    would let each request pick its own address and escape every per-address limit.
    """

    def __init__(
        self, app: ASGIApp, *, limiter: RateLimiter, paths: frozenset[str], limit: int
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.paths = paths
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = str(client[0]) if client else "unknown"
        token = client_address_var.set(address)
        try:
            if scope["method"] == "POST" and scope["path"] in self.paths:
                decision = await self.limiter.hit(f"addr:{scope['path']}:{address}", self.limit)
                if not decision.allowed:
                    await _send_429(scope, send, decision.retry_after)
                    return
            await self.app(scope, receive, send)
        finally:
            client_address_var.reset(token)


async def _send_429(scope: Scope, send: Send, retry_after: int) -> None:
    body = too_many(retry_after).model_dump_json().encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
