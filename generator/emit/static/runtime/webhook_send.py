"""Sending webhooks and callbacks: checked by the contract, signed, guarded, retried.

`Sender.send` serializes the typed payload, refuses one the contract does not allow
(`PayloadRefused`), vets the URL (`webhook_guard.Guard`: a refused address raises
`RefusedTarget` before any connection), then posts it with Standard Webhooks headers
(`webhook_signing`). A 2xx answer delivers it; a transport error, a timeout, 408, 429 or a
5xx is retried with capped exponential backoff and full jitter (`Retry-After` honoured, the
client's `retry.py`), each attempt signed afresh with the same `webhook-id`. Every attempt is
reported to the delivery hook (`Attempt`: never the secret, the body or the signature).
"""

from __future__ import annotations

import asyncio
import functools
import json
import random
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from pydantic import SecretStr, TypeAdapter

from .bodies import BodySpec
from .params import ParamSpec
from .retry import Retry, delay
from .schemas import check
from .webhook_guard import Guard, RefusedTarget, Resolver
from .webhook_params import header_value, jsonable, query_pairs
from .webhook_signing import ID, SIGNATURE, TIMESTAMP, key_of, sign

__all__ = [
    "Attempt",
    "Delivery",
    "DeliveryHook",
    "EventSpec",
    "PayloadRefused",
    "RefusedTarget",
    "Sender",
]

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
DEFAULT_RETRY = Retry(attempts=5, base=1.0, cap=60.0, statuses=RETRY_STATUSES)


class PayloadRefused(ValueError):
    """A payload the contract does not allow for its event; nothing was sent."""


@dataclass(frozen=True)
class EventSpec:
    """One webhook or callback of the contract, as senders and receivers need it."""

    name: str  # the contract's key (a webhook's name, a callback's name)
    method: str
    body: BodySpec | None = None  # the JSON body and its schema (None: no body)
    success: int = 204  # what the receiver answers on success (the contract's first 2xx)
    body_required: bool = False  # the contract's `requestBody.required`
    url: tuple[tuple[str, str], ...] = ()  # a callback's key, parsed (`runtime.expressions`)
    params: tuple[ParamSpec, ...] = ()  # the header, query and cookie parameters it declares

    @functools.cached_property
    def adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.body.annotation if self.body is not None else Any)

    def placed(self, values: Mapping[str, Any]) -> tuple[list[tuple[str, str]], dict[str, str]]:
        """The parameters as query pairs and headers (cookies in one `cookie` header), each
        checked by its schema first; `PayloadRefused` for one missing or not allowed."""
        query: list[tuple[str, str]] = []
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for spec in self.params:
            value = values.get(spec.name)
            if value is None:
                if spec.required:
                    raise PayloadRefused(f"{self.name}: the {spec.wire!r} parameter is required")
                continue
            issues = check(spec.schema, jsonable(value), spec.location, spec.wire)
            if issues:
                raise PayloadRefused(f"{self.name}: {spec.wire}: {issues[0].message}")
            if spec.location == "query":
                query += query_pairs(spec, value)
            elif spec.location == "header":
                headers[spec.wire] = header_value(spec, value)
            else:
                cookies.append(f"{spec.wire}={header_value(spec, value)}")
        if cookies:
            headers["cookie"] = "; ".join(cookies)
        return query, headers

    def encode(self, payload: Any) -> bytes:
        """The payload as the JSON the contract allows; `PayloadRefused` otherwise."""
        if self.body is None or (payload is None and not self.body_required):
            return b""
        try:
            data = self.adapter.dump_python(payload, mode="json", by_alias=True, exclude_unset=True)
        except Exception as error:  # pydantic cannot serialize it
            raise PayloadRefused(f"{self.name}: {error}") from None
        issues = check(self.body.schema, data, "body")
        if issues:
            first = issues[0]
            raise PayloadRefused(f"{self.name}: {first.pointer or '/'}: {first.message}")
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Attempt:
    """One try of one delivery, as the delivery hook sees it."""

    event: str
    message_id: str
    url: str
    attempt: int  # 1 for the first
    status: int | None  # None when no answer came
    error: str | None
    delivered: bool
    retry_in: float | None  # seconds until the next attempt, None when this was the last


@dataclass(frozen=True)
class Delivery:
    """How a delivery ended."""

    event: str
    message_id: str
    url: str
    status: int | None
    attempts: int
    delivered: bool


DeliveryHook = Callable[[Attempt], None]


class HookSettings(Protocol):
    """The settings a sender reads (the generated `Settings` has them)."""

    webhook_signing_secret: SecretStr | None
    webhook_allowed_networks: list[str]
    webhook_timeout_seconds: float
    webhook_max_retries: int
    webhook_backoff_seconds: float
    webhook_backoff_cap_seconds: float


class Sender:
    """Delivers events; one HTTP connection pool, closed by `aclose` (or `async with`)."""

    def __init__(
        self,
        *,
        secret: SecretStr | None,
        guard: Guard,
        timeout: float = 10.0,
        retry: Retry = DEFAULT_RETRY,
        hook: DeliveryHook | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if secret is not None:
            key_of(secret.get_secret_value())  # a malformed secret fails here, not per send
        self._secret = secret
        self.guard = guard
        self.retry = retry
        self.hook = hook
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._clock = clock
        self._http = httpx.AsyncClient(
            transport=transport, timeout=timeout, follow_redirects=False, trust_env=False
        )

    @classmethod
    def from_settings(
        cls,
        settings: HookSettings,
        *,
        resolver: Resolver | None = None,
        hook: DeliveryHook | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> Sender:
        """A sender configured by the service's settings (`WEBHOOK_*`)."""
        retry = Retry(
            attempts=settings.webhook_max_retries,
            base=settings.webhook_backoff_seconds,
            cap=settings.webhook_backoff_cap_seconds,
            statuses=RETRY_STATUSES,
        )
        return cls(
            secret=settings.webhook_signing_secret,
            guard=Guard(settings.webhook_allowed_networks, resolver),
            timeout=settings.webhook_timeout_seconds,
            retry=retry,
            hook=hook,
            transport=transport,
        )

    async def __aenter__(self) -> Sender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def _wait(self, attempt: int, response: httpx.Response | None) -> float:
        if response is not None:
            return float(delay(self.retry, attempt, response, self._rng))
        return self._rng.uniform(0.0, min(self.retry.cap, self.retry.base * 2**attempt))

    def _headers(self, msg_id: str, body: bytes, spec: EventSpec, host: str) -> dict[str, str]:
        if self._secret is None:
            raise RuntimeError("set the webhook_signing_secret setting to send webhooks")
        stamp = int(self._clock())
        headers = {
            ID: msg_id,
            TIMESTAMP: str(stamp),
            SIGNATURE: sign(self._secret.get_secret_value(), msg_id, stamp, body),
            "host": host,
            "user-agent": "specfirst-webhooks",
        }
        if body:
            headers["content-type"] = spec.body.media_type if spec.body else "application/json"
        return headers

    async def send(
        self,
        url: str,
        spec: EventSpec,
        payload: Any,
        message_id: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Delivery:
        """Deliver one event (and its parameters, by keyword name) to `url`; raises
        `PayloadRefused` or `RefusedTarget` before sending anything, and returns how the
        delivery ended otherwise."""
        body = spec.encode(payload)
        query, placed = spec.placed(params or {})
        target = await self.guard.vet(url)
        address = target.url.copy_merge_params(tuple(query)) if query else target.url
        msg_id = message_id or "msg_" + secrets.token_urlsafe(18)
        extensions = {"sni_hostname": target.server_name} if target.url.scheme == "https" else {}
        attempt = 0
        while True:
            headers = placed | self._headers(msg_id, body, spec, target.host_header)
            response: httpx.Response | None = None
            error: str | None = None
            try:
                response = await self._http.request(
                    spec.method, address, content=body, headers=headers, extensions=extensions
                )
            except httpx.TransportError as exc:
                error = f"{type(exc).__name__}: {exc}"
            status = response.status_code if response is not None else None
            delivered = status is not None and 200 <= status < 300
            again = (
                not delivered
                and attempt < self.retry.attempts
                and (status is None or status in self.retry.statuses)
            )
            wait = self._wait(attempt, response) if again else None
            if self.hook is not None:
                self.hook(
                    Attempt(spec.name, msg_id, url, attempt + 1, status, error, delivered, wait)
                )
            if wait is None:
                return Delivery(spec.name, msg_id, url, status, attempt + 1, delivered)
            await self._sleep(wait)
            attempt += 1
