"""`HealthApi`: liveness (the process) and readiness (its dependencies)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass

from generated.users import models, results

from .db import Database
from .ratelimit import RateLimiter

OK, UNAVAILABLE = models.HealthStatusStatus.OK, models.HealthStatusStatus.UNAVAILABLE
CHECK_TIMEOUT_SECONDS = 2.0


@dataclass
class Lifecycle:
    """Set to stopping when shutdown begins, so liveness can say so."""

    stopping: bool = False


async def _probe(check: Awaitable[bool]) -> models.HealthStatusChecksValue:
    """`ok` when the check answers True within the timeout."""
    try:
        ok = await asyncio.wait_for(check, CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        ok = False
    return models.HealthStatusChecksValue.OK if ok else models.HealthStatusChecksValue.UNAVAILABLE


class HealthHandlers:
    """Probes for the orchestrator; public and never rate limited."""

    def __init__(
        self, *, db: Database, lifecycle: Lifecycle, limiter: RateLimiter | None = None
    ) -> None:
        self.db = db
        self.lifecycle = lifecycle
        self.limiter = limiter  # only a shared (Redis) limiter is a dependency worth probing

    async def check_liveness(
        self,
    ) -> results.CheckLivenessOk | results.CheckLivenessServiceUnavailable:
        """GET /health/live: no dependency is checked, so a database outage restarts nothing."""
        if self.lifecycle.stopping:
            return results.CheckLivenessServiceUnavailable(
                body=models.HealthStatus(status=UNAVAILABLE)
            )
        return results.CheckLivenessOk(body=models.HealthStatus(status=OK))

    async def check_readiness(
        self,
    ) -> results.CheckReadinessOk | results.CheckReadinessServiceUnavailable:
        """GET /health/ready: 503 when the database does not answer or the process is stopping.

        Redis, when configured, is reported but not required: the rate limiter fails open
        without it, so the service still serves, degraded (`"redis": "unavailable"` under
        `200`), and taking it out of rotation would turn a Redis outage into a full one.
        """
        checks = {"database": await _probe(self.db.ping())}
        required = checks["database"] is models.HealthStatusChecksValue.OK
        if self.limiter is not None:
            checks["redis"] = await _probe(self.limiter.ping())
        if self.lifecycle.stopping:
            checks["process"] = models.HealthStatusChecksValue.UNAVAILABLE
            required = False
        if required:
            return results.CheckReadinessOk(body=models.HealthStatus(status=OK, checks=checks))
        return results.CheckReadinessServiceUnavailable(
            body=models.HealthStatus(status=UNAVAILABLE, checks=checks)
        )
