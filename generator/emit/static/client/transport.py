"""Sending calls: one request per call, retried on 429/503, decoded into the documented result.

`AsyncTransport` and `Transport` are the same loop over `httpx.AsyncClient` and
`httpx.Client`; the generated `AsyncClient` and `Client` hold one each. `sleep` and `rng` can be
replaced (tests do, to observe waits without waiting).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any, TypeVar

import httpx

from .errors import PageError
from .paging import Pager
from .requests import build_request
from .responses import decode
from .retry import Retry, delay, should_retry
from .specs import OperationSpec, SchemeSpec

R = TypeVar("R")
S = TypeVar("S")


class _Base:
    """What both transports hold: prefix, schemes, credentials and the retry policy."""

    def __init__(
        self,
        *,
        prefix: str,
        schemes: Mapping[str, SchemeSpec],
        credentials: Mapping[str, Any],
        retry: Retry,
        rng: random.Random | None,
    ) -> None:
        self.prefix = prefix
        self.schemes = schemes
        self.credentials = dict(credentials)
        self.retry = retry
        self.rng = rng or random.Random()

    def _request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        spec: OperationSpec[Any],
        values: Mapping[str, Any],
        body: Any,
    ) -> httpx.Request:
        return build_request(
            http,
            spec,
            values,
            body,
            prefix=self.prefix,
            schemes=self.schemes,
            credentials=self.credentials,
        )


class AsyncTransport(_Base):
    """Calls over an `httpx.AsyncClient`."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        **settings: Any,
    ) -> None:
        super().__init__(**settings)
        self.http = http
        self.sleep = sleep

    async def send(self, request: httpx.Request) -> httpx.Response:
        """Send, and send again while the policy says so (the last response is returned)."""
        attempt = 0
        while True:
            response = await self.http.send(request)
            if not should_retry(self.retry, attempt, response):
                return response
            await response.aclose()
            await self.sleep(delay(self.retry, attempt, response, self.rng))
            attempt += 1

    async def call(self, spec: OperationSpec[R], values: Mapping[str, Any], body: Any) -> R:
        """One call: the documented result for whatever the server answered."""
        response = await self.send(self._request(self.http, spec, values, body))
        return decode(spec, response)

    async def pages(
        self, spec: OperationSpec[Any], values: Mapping[str, Any], success: type[S]
    ) -> AsyncIterator[S]:
        """Each page's success result, following the contract's paging marker."""
        pager = Pager(
            self.http, spec, dict(values), lambda v: self._request(self.http, spec, v, None)
        )
        request: httpx.Request | None = pager.first()
        while request is not None:
            response = await self.send(request)
            result = decode(spec, response)
            if not isinstance(result, success):
                raise PageError(spec.operation_id, result)
            yield result
            request = pager.next(response)


class Transport(_Base):
    """Calls over an `httpx.Client` (blocking)."""

    def __init__(
        self, http: httpx.Client, *, sleep: Callable[[float], None] = time.sleep, **settings: Any
    ) -> None:
        super().__init__(**settings)
        self.http = http
        self.sleep = sleep

    def send(self, request: httpx.Request) -> httpx.Response:
        """Send, and send again while the policy says so (the last response is returned)."""
        attempt = 0
        while True:
            response = self.http.send(request)
            if not should_retry(self.retry, attempt, response):
                return response
            response.close()
            self.sleep(delay(self.retry, attempt, response, self.rng))
            attempt += 1

    def call(self, spec: OperationSpec[R], values: Mapping[str, Any], body: Any) -> R:
        """One call: the documented result for whatever the server answered."""
        return decode(spec, self.send(self._request(self.http, spec, values, body)))

    def pages(
        self, spec: OperationSpec[Any], values: Mapping[str, Any], success: type[S]
    ) -> Iterator[S]:
        """Each page's success result, following the contract's paging marker."""
        pager = Pager(
            self.http, spec, dict(values), lambda v: self._request(self.http, spec, v, None)
        )
        request: httpx.Request | None = pager.first()
        while request is not None:
            response = self.send(request)
            result = decode(spec, response)
            if not isinstance(result, success):
                raise PageError(spec.operation_id, result)
            yield result
            request = pager.next(response)
