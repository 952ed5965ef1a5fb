"""When to send a request again: 429 and 503, with capped exponential backoff and full jitter.

A `Retry-After` header (RFC 9110 §10.2.3: delay in seconds or an HTTP date) is honoured, up to
the policy's cap; without one, attempt `n` waits a uniformly random time between 0 and
`min(cap, base * 2**n)` ("full jitter"), so many clients do not retry in step.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

RETRY_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class Retry:
    """The retry policy: `attempts` retries at most, waits capped at `cap` seconds."""

    attempts: int = 3
    base: float = 0.5
    cap: float = 30.0
    statuses: frozenset[int] = RETRY_STATUSES


NO_RETRY = Retry(attempts=0)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value, or None when there is none or it is unreadable.

    >>> retry_after("3"), retry_after("soon")
    (3.0, None)
    >>> retry_after("Wed, 21 Oct 2015 07:28:10 GMT", datetime(2015, 10, 21, 7, 28, tzinfo=UTC))
    10.0
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def delay(policy: Retry, attempt: int, response: httpx.Response, rng: random.Random) -> float:
    """Seconds to wait before retry number `attempt` (0-based) after `response`."""
    told = retry_after(response.headers.get("retry-after"))
    if told is not None:
        return min(told, policy.cap)
    return rng.uniform(0.0, min(policy.cap, policy.base * 2**attempt))


def should_retry(policy: Retry, attempt: int, response: httpx.Response) -> bool:
    """Whether retry number `attempt` (0-based) should follow this response."""
    return attempt < policy.attempts and response.status_code in policy.statuses
