"""Webhooks and callbacks as IR events: one typed sender method and one receiver route each.

Names are decided here: an event's method is its `operationId` (else its key, and for a
callback `<operation>_<name>`) in snake case, unique among all events and clear of the names
webhooks.py's classes use themselves. A receiver route is `/<method name>`; a callback whose
key is one expression followed by a fixed path (`{$request.query.callbackUrl}/data`) adds that
path, so a subscriber hands out its receiver's URL and the callback arrives at the route.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from generator.ir.messages import build_bodies
from generator.ir.nodes import BodyKind, Event, EventKind, Location, Parameter
from generator.ir.params import build_parameters
from generator.ir.refs import as_mapping
from generator.naming import Namespace, class_name, snake_name
from generator.spec.expressions import parse_template
from generator.spec.hooks import callback_operations, gap, webhook_operations
from generator.spec.pointers import join_pointer, split_pointer

# Names the generated sender and receiver classes use for themselves.
# (and the modules their annotations name: a method of that name would hide one in its class)
EVENT_RESERVED = frozenset(
    {"aclose", "sender", "source", "with_response", "webhook_send", "webhook_receive"}
    | {"expressions", "bodies", "httpx", "models", "datetime", "date", "time"}
)
_SAFE_SUFFIX = re.compile(r"^/[A-Za-z0-9._~/-]*$")
# The keywords sender and receiver methods take besides an event's parameters.
PARAMETER_RESERVED = frozenset(
    {"self", "url", "event", "message_id", "delivery", "params", "body", "spec"}
    | EVENT_RESERVED
    | {"Any", "Literal", "UUID", "Mapping", "Awaitable"}
)
# Headers the Standard Webhooks signing writes itself: a contract that documents them as
# parameters describes the signature, not something a caller passes.
SIGNING_HEADERS = frozenset({"webhook-id", "webhook-timestamp", "webhook-signature"})


def _success(op: Mapping[str, Any]) -> int:
    statuses = [str(s) for s in as_mapping(op.get("responses"))]
    found = sorted(int(s) for s in statuses if s.isdigit() and 200 <= int(s) < 300)
    return found[0] if found else 204


class EventBuilder:
    """Builds events with names unique across the contract's webhooks and callbacks."""

    def __init__(self, root: Mapping[str, Any], types: Mapping[str, str]) -> None:
        self.root = root
        self.types = types
        self.names = Namespace(set(EVENT_RESERVED))
        taken = {"WebhookSender", "WebhookReceiver", "ReceiverCalls", "Settings", "EVENTS"}
        self.classes = Namespace({name.casefold() for name in taken})

    def _event(
        self, kind: EventKind, key: str, hint: str, method: str, pointer: str, op: Mapping[str, Any]
    ) -> Event:
        bodies = build_bodies(self.root, op, pointer, self.types)
        json_bodies = [b for b in bodies if b.kind is BodyKind.JSON]
        op_id = op.get("operationId")
        name = self.names.claim(snake_name(op_id if isinstance(op_id, str) and op_id else hint))
        item_ptr = join_pointer("", *split_pointer(pointer)[:-1])
        return Event(
            parameters=self._parameters(item_ptr, pointer),
            kind=kind,
            key=key,
            name=name,
            method=method.upper(),
            summary=str(op.get("summary") or op.get("description") or "").strip().split("\n")[0],
            body=json_bodies[0] if json_bodies else None,
            success=_success(op),
            route="/" + name,
            pointer=pointer,
        )

    def _parameters(self, item_ptr: str, op_ptr: str) -> tuple[Parameter, ...]:
        """The header, query and cookie parameters an event declares (its URL is given whole,
        so a path parameter has nowhere to go), but the signing headers."""
        names = Namespace(set(PARAMETER_RESERVED))
        found = build_parameters(self.root, item_ptr, op_ptr, self.types, names)
        return tuple(
            p
            for p in found
            if p.location is not Location.PATH
            and not (p.location is Location.HEADER and p.wire.lower() in SIGNING_HEADERS)
        )

    def webhooks(self) -> tuple[Event, ...]:
        """Every generated webhook, in document order."""
        found = []
        for key, method, pointer, op in webhook_operations(self.root):
            if gap(self.root, op) is None:
                found.append(self._event(EventKind.WEBHOOK, key, key, method, pointer, op))
        return tuple(found)

    def callbacks(self, op_name: str, op: Mapping[str, Any], op_ptr: str) -> tuple[Event, ...]:
        """The generated callbacks of one operation."""
        found = []
        for name, key, method, pointer, cb_op in callback_operations(self.root, op, op_ptr):
            if gap(self.root, cb_op, key) is not None:
                continue
            event = self._event(
                EventKind.CALLBACK, name, f"{op_name}_{name}", method, pointer, cb_op
            )
            parts = parse_template(key)
            route = event.route
            opens = len(parts) == 2 and parts[0][0] != "text" and parts[1][0] == "text"
            if opens and _SAFE_SUFFIX.match(parts[1][1]):
                route += parts[1][1].rstrip("/")
            found.append(replace(event, url=parts, expression=key, route=route))
        return tuple(found)

    def callbacks_class(self, operation_id: str) -> str:
        """The name of an operation's callback sender class."""
        return self.classes.claim(class_name(operation_id) + "Callbacks")
