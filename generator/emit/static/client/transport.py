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

from .errors import PageError, StreamRefused
from .paging import Pager
from .requests import build_request
from .responses import decode
from .retry import Retry, delay, should_retry
from .specs import OperationSpec, ResponseSpec, SchemeSpec
from .streams import aiter_items, iter_items

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

    async def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        """Send, and send again while the policy says so (the last response is returned)."""
        attempt = 0
        while True:
            response = await self.http.send(request, stream=stream)
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

    async def stream(
        self, spec: OperationSpec[Any], values: Mapping[str, Any], body: Any
    ) -> AsyncIterator[Any]:
        """The items of a streaming response; any other answer raises `StreamRefused`."""
        response = await self.send(self._request(self.http, spec, values, body), stream=True)
        try:
            documented = _streaming(spec, response)
            if documented is None:
                await response.aread()
                raise StreamRefused(spec.operation_id, decode(spec, response))
            async for item in aiter_items(spec.operation_id, documented, response):
                yield item
        finally:
            await response.aclose()


class Transport(_Base):
    """Calls over an `httpx.Client` (blocking)."""

    def __init__(
        self, http: httpx.Client, *, sleep: Callable[[float], None] = time.sleep, **settings: Any
    ) -> None:
        super().__init__(**settings)
        self.http = http
        self.sleep = sleep

    def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        """Send, and send again while the policy says so (the last response is returned)."""
        attempt = 0
        while True:
            response = self.http.send(request, stream=stream)
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

    def stream(
        self, spec: OperationSpec[Any], values: Mapping[str, Any], body: Any
    ) -> Iterator[Any]:
        """The items of a streaming response; any other answer raises `StreamRefused`."""
        response = self.send(self._request(self.http, spec, values, body), stream=True)
        try:
            documented = _streaming(spec, response)
            if documented is None:
                response.read()
                raise StreamRefused(spec.operation_id, decode(spec, response))
            yield from iter_items(spec.operation_id, documented, response)
        finally:
            response.close()


def _streaming(spec: OperationSpec[Any], response: httpx.Response) -> ResponseSpec | None:
    """The documented response that streams for this status, if it is one."""
    documented = spec.response_for(response.status_code)
    return documented if documented is not None and documented.stream else None
