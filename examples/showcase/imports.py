"""`ImportsApi`: catalogue imports for partners, run asynchronously on a simulated clock.

This example fetches nothing (an import service would, from the partner's HTTPS URL): a job is
queued for `import_queue_seconds`, runs for `import_run_seconds`, then succeeds with counts
derived from its URL, or fails with `source_unreachable` when the host is under `.invalid`
(RFC 6761), so both outcomes can be tried. Jobs are kept 30 days after they finish.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import UUID, uuid4

from pydantic import MISSING

from generated.showcase import (
    CONTEXT,
    Principal,
    RequestContext,
    ServerEvent,
    models,
    results,
    webhooks,
)
from generated.showcase.runtime.webhook_guard import RefusedTarget
from generated.showcase.runtime.webhook_send import PayloadRefused

from . import errors
from .catalog import URI
from .links import Links
from .ratelimit import RateLimiter, budget_key
from .store import ImportRecord, Store

logger = logging.getLogger(__name__)
RETENTION = timedelta(days=30)
UNKNOWN_ADDRESS = ipaddress.IPv4Address("0.0.0.0")


def requester_address(host: str | None) -> ipaddress.IPv4Address:
    """The client's IPv4 address (`format: ipv4`); `0.0.0.0` when it has none.

    >>> str(requester_address("::ffff:203.0.113.7")), str(requester_address("::1"))
    ('203.0.113.7', '127.0.0.1')
    """
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return UNKNOWN_ADDRESS
    if isinstance(address, ipaddress.IPv4Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return ipaddress.IPv4Address("127.0.0.1") if address.is_loopback else UNKNOWN_ADDRESS


def progress(job: ImportRecord, now: datetime) -> models.ImportJob:
    """The job as it stands at `now`."""
    started = job.requested_at + job.queued_for
    finished = started + job.runs_for
    status, error = models.ImportJobStatus.QUEUED, None
    counts = models.ImportJobCounts(created=0, updated=0, skipped=0)
    if now >= finished:
        host = urlsplit(job.request.source_url).hostname or ""
        if host == "invalid" or host.endswith(".invalid"):
            status = models.ImportJobStatus.FAILED
            error = errors.error("source_unreachable", f"The feed host {host} cannot be reached.")
        else:
            status, counts = models.ImportJobStatus.SUCCEEDED, _counts(job.request.source_url)
    elif now >= started:
        status = models.ImportJobStatus.RUNNING
    return models.ImportJob(
        id=job.id,
        status=status,
        format=job.request.format,
        dry_run=job.request.dry_run,
        requested_from=ipaddress.IPv4Address(job.requested_from),
        requested_at=job.requested_at,
        finished_at=finished if now >= finished else None,
        counts=counts,
        error=error,
    )


def _counts(url: str) -> models.ImportJobCounts:
    """Stable made-up counts for a feed URL."""
    digest = hashlib.sha256(url.encode()).digest()
    return models.ImportJobCounts(
        created=digest[0] % 120, updated=digest[1] % 10, skipped=digest[2] % 5
    )


class ImportsHandlers:
    """Operations tagged `imports`; a job is visible to the credential that started it."""

    def __init__(
        self,
        *,
        store: Store,
        limiter: RateLimiter,
        links: Links,
        queue_seconds: int,
        run_seconds: int,
        sender: webhooks.WebhookSender | None = None,
        watch_poll_seconds: float = 0.25,
    ) -> None:
        self.sender = sender  # None: no callbacks are sent (no signing secret configured)
        self.store = store
        self.limiter = limiter
        self.links = links
        self.queued_for = timedelta(seconds=queue_seconds)
        self.runs_for = timedelta(seconds=run_seconds)
        self.watch_poll_seconds = watch_poll_seconds

    async def start_import(
        self,
        *,
        x_request_id: UUID | None,
        body: models.ImportRequest,
        principal: Principal,
        context: RequestContext = CONTEXT,
    ) -> (
        results.StartImportAccepted
        | results.StartImportBadRequest
        | results.StartImportTooManyRequests
    ):
        """POST /imports: queue a job and answer at once."""
        rate = self.limiter.hit(budget_key(principal, context.client))
        if not rate.allowed:
            return results.StartImportTooManyRequests(
                body=errors.rate_limited(rate.retry_after),
                retry_after=rate.retry_after,
                x_rate_limit_remaining=0,
            )
        if not URI.fullmatch(body.source_url):  # `format: uri`, which the model does not check
            return results.StartImportBadRequest(
                body=errors.invalid(("body.source_url", "Must be an absolute URI."))
            )
        job = ImportRecord(
            id=uuid4(),
            owner=principal.subject,
            request=body,
            requested_from=str(requester_address(context.client)),
            requested_at=self.store.now(),
            queued_for=self.queued_for,
            runs_for=self.runs_for,
        )
        self.store.imports[job.id] = job
        if self.sender is not None and body.callback_url is not MISSING:
            # the callbacks of this request (its `callback_url`), sent once the job has ended
            context.background.add_task(self._finished, self.sender.start_import(), job)
        return results.StartImportAccepted(
            body=progress(job, job.requested_at),
            location=self.links.url(context, f"/imports/{job.id}"),
            retry_after=max(1, min(3600, int(self.queued_for.total_seconds()))),
        )

    async def _finished(self, callbacks: webhooks.StartImportCallbacks, job: ImportRecord) -> None:
        """Send `importFinished` when the job has ended; a refused or failed delivery is logged."""
        await asyncio.sleep((self.queued_for + self.runs_for).total_seconds())
        try:
            delivery = await callbacks.import_finished(progress(job, self.store.now()))
        except (RefusedTarget, PayloadRefused, LookupError) as error:
            logger.warning("import %s: callback not sent: %s", job.id, error)
            return
        if not delivery.delivered:
            logger.warning("import %s: callback undelivered (%s)", job.id, delivery.status)

    async def get_import(
        self, *, import_id: UUID, principal: Principal
    ) -> results.GetImportOk | results.GetImportNotFound:
        """GET /imports/{import_id}: another partner's job is as missing as none (404)."""
        job = self._job(import_id, principal)
        if job is None:
            return results.GetImportNotFound(body=errors.not_found(f"import job {import_id}"))
        return results.GetImportOk(body=progress(job, self.store.now()))

    async def watch_import(
        self, *, import_id: UUID, principal: Principal
    ) -> results.WatchImportOk | results.WatchImportNotFound:
        """GET /imports/{import_id}/events: an SSE event per status, named after it.

        The runtime numbers the events, checks each `ImportJob`, sends heartbeats while the
        job is quiet, and closes the generator when the client leaves.
        """
        job = self._job(import_id, principal)
        if job is None:
            return results.WatchImportNotFound(body=errors.not_found(f"import job {import_id}"))
        return results.WatchImportOk(body=self._states(job))

    async def _states(self, job: ImportRecord) -> AsyncIterator[ServerEvent[models.ImportJob]]:
        last = None
        while True:
            state = progress(job, self.store.now())
            if state.status != last:
                last = state.status
                yield ServerEvent(state, event=state.status.value)
            if state.finished_at is not None:
                return
            await asyncio.sleep(self.watch_poll_seconds)

    def _job(self, import_id: UUID, principal: Principal) -> ImportRecord | None:
        """The caller's job, forgotten once retention has passed."""
        now = self.store.now()
        job = self.store.imports.get(import_id)
        if job is not None and now >= job.requested_at + job.queued_for + job.runs_for + RETENTION:
            del self.store.imports[import_id]
            job = None
        return job if job is not None and job.owner == principal.subject else None
