"""Receiving webhooks and callbacks: verified, fresh, new and valid before any handler runs.

Each event's route checks, in this order, and answers problem+json when one fails:

1. the Standard Webhooks headers are there and one `v1,` signature matches one of the
   configured secrets (rotation: several secrets verify), else **401**;
2. `webhook-timestamp` is within the tolerance of now (default 5 minutes), else **400**;
3. `webhook-id` was not seen within the tolerance (a `ReplayStore`), else **400**;
4. the event's declared parameters (headers, query, cookies) and then its body are what the
   contract allows (the service's own parameter and body readers and schemas), else the
   service's validation status (422 unless the contract documents another).

Only then is the handler called with the typed event; an event nothing implements answers
**501**, as does a method that raises NotImplementedError (a scaffolded stub). Unauthenticated
requests learn nothing about timestamps or ids: the signature is checked first.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .bodies import Invalid, read_body
from .errors import BOOK
from .params import read_parameters
from .routes import check_signature, implemented
from .webhook_send import EventSpec
from .webhook_signing import ID, SIGNATURE, TIMESTAMP, signature_matches

__all__ = ["Delivery", "MemoryReplayStore", "Receiver", "ReplayStore", "register"]


class ReplayStore(Protocol):
    """Where delivered `webhook-id`s are remembered (in memory by default; Redis, say)."""

    async def claim(self, message_id: str, ttl: float) -> bool:
        """Remember `message_id` for `ttl` seconds; False when it is already remembered."""
        ...

    async def release(self, message_id: str) -> None:
        """Forget `message_id` (its handler failed: a retry may deliver it again)."""
        ...


class MemoryReplayStore:
    """A bounded in-process store: ids expire after their ttl; past `capacity` the oldest go."""

    def __init__(self, capacity: int = 100_000, clock: Callable[[], float] = time.monotonic):
        self.capacity = capacity
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    async def claim(self, message_id: str, ttl: float) -> bool:
        now = self._clock()
        while self._seen and next(iter(self._seen.values())) <= now:
            self._seen.popitem(last=False)
        if message_id in self._seen:
            return False
        self._seen[message_id] = now + ttl
        while len(self._seen) > self.capacity:
            self._seen.popitem(last=False)
        return True

    async def release(self, message_id: str) -> None:
        self._seen.pop(message_id, None)


@dataclass(frozen=True)
class Delivery:
    """What the handler learns about the delivery besides the event."""

    message_id: str
    timestamp: int
    event: str
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Receiver:
    """The receiving side's configuration."""

    secrets: tuple[str, ...]
    tolerance: float = 300.0
    store: ReplayStore | None = None
    clock: Callable[[], float] = time.time


Call = Callable[[Any, Delivery, Mapping[str, Any]], Awaitable[None]]


def _problem(status: int, detail: str, issues: Sequence[Any] = ()) -> Response:
    answer: Response = BOOK.response(None, status, detail=detail, issues=issues)
    return answer


def _endpoint(spec: EventSpec, call: Call | None, receiver: Receiver, store: ReplayStore) -> Any:
    bodies = (spec.body,) if spec.body is not None else ()
    required = spec.body_required

    async def endpoint(request: Request) -> Response:
        raw = await request.body()
        msg_id = request.headers.get(ID, "")
        stamp = request.headers.get(TIMESTAMP, "")
        signature = request.headers.get(SIGNATURE, "")
        if not (msg_id and stamp.isdigit() and signature):
            return _problem(401, "Missing or malformed webhook-id/-timestamp/-signature headers.")
        timestamp = int(stamp)
        if not signature_matches(receiver.secrets, msg_id, timestamp, raw, signature):
            return _problem(401, "The webhook signature does not match.")
        now = receiver.clock()
        if abs(now - timestamp) > receiver.tolerance:
            return _problem(400, "The webhook timestamp is outside the tolerance.")
        # remembered while its timestamp is acceptable (up to twice the tolerance when it is
        # ahead of this clock), so a replay is refused until the timestamp check refuses it
        if not await store.claim(msg_id, timestamp + receiver.tolerance - now + 1):
            return _problem(400, "This webhook-id was already delivered (a replay).")
        values, issues = read_parameters(request, spec.params, frozenset())
        if issues:
            await store.release(msg_id)
            status = BOOK.validation_status(None)
            return _problem(status, "The parameters do not match the contract.", issues)
        try:
            body = await read_body(request, bodies, required) if bodies else None
        except Invalid as invalid:
            await store.release(msg_id)
            status = BOOK.validation_status(None)
            return _problem(status, "The payload does not match the contract.", invalid.issues)
        if call is None:
            await store.release(msg_id)
            return _problem(501, f"The {spec.name!r} event is not handled here yet.")
        try:
            await call(body, Delivery(msg_id, timestamp, spec.name, request.headers), values)
        except NotImplementedError:  # a scaffolded stub not written yet, as for an operation
            await store.release(msg_id)
            return _problem(501, f"The {spec.name!r} event is not implemented yet.")
        except BaseException:
            await store.release(msg_id)
            raise
        return Response(status_code=spec.success)

    endpoint.__annotations__ = {"request": Request, "return": Response}
    return endpoint


def register(
    router: APIRouter,
    prefix: str,
    events: Sequence[tuple[str, str, EventSpec]],
    calls_class: Callable[[Any], object],
    impl: object | None,
    protocol: type,
    receiver: Receiver,
) -> list[str]:
    """Add one route per `(route path, handler name, event)`; the unhandled events' names."""
    store = receiver.store or MemoryReplayStore()
    served = {name for _, name, _ in events if implemented(impl, name, protocol)}
    for name in served:
        check_signature(impl, name, protocol)
    bound = calls_class(impl) if impl is not None else None
    missing = []
    for path, name, spec in events:
        call: Call | None = getattr(bound, name) if name in served else None
        if call is None:
            missing.append(spec.name)
        router.add_api_route(
            prefix + path,
            _endpoint(spec, call, receiver, store),
            methods=[spec.method],
            include_in_schema=False,
        )
    return missing
