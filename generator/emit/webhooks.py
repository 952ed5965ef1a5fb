"""webhooks.py of a service package: what its template prints for each event, decided here.

The module holds the events' descriptions (`EVENTS`, for the runtime's `webhook_send` and
`webhook_receive`), `WebhookSender` (one typed method per webhook, and per operation with
callbacks an accessor for the request being handled), one callbacks class per such operation,
the `WebhookReceiver` Protocol a subscriber implements, and `add_receivers` /
`create_receiver_app`. Contract names only become method names and string literals.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.emit.routes import body_spec, param_spec, parameter_annotation
from generator.ir.nodes import Api, Event, Operation, Parameter

# The runtime modules only a package with events carries (beside its `runtime/`).
HOOK_MODULES = ("webhook_guard", "webhook_receive", "webhook_send", "webhook_signing")


@dataclass(frozen=True)
class EventView:
    """One event as webhooks.py prints it."""

    event: Event
    spec: str  # the `webhook_send.EventSpec(...)` expression
    doc: str  # the methods' docstring
    keywords: tuple[str, ...] = ()  # the parameters as keyword-only arguments, `name: Type`
    values: str = ""  # the `{wire name: value}` a sender passes (`{}` without parameters)
    received: tuple[str, ...] = ()  # the receiver Protocol's keywords, `name: Type`
    locals: tuple[str, ...] = ()  # the receiver's typed locals, `name: Type = params[...]`
    arguments: str = ""  # `, name=name` for each parameter, in the receiver's call


@dataclass(frozen=True)
class CallbacksView:
    """An operation with callbacks: its class and its events."""

    op: Operation
    events: tuple[EventView, ...]


def _spec(event: Event) -> str:
    args = [repr(event.key), repr(event.method)]
    if event.body is not None:
        args.append(f"body={body_spec(event.body)}")
    args.append(f"success={event.success}")
    if event.body is not None and event.body.required:
        args.append("body_required=True")
    if event.url:
        args.append(f"url={event.url!r}")
    if event.parameters:
        args.append(f"params=({''.join(param_spec(p) + ', ' for p in event.parameters)})")
    return f"webhook_send.EventSpec({', '.join(args)})"


def _keyword(p: Parameter) -> str:
    """A sender's keyword: an optional parameter defaults to None, which sends nothing."""
    if p.required:
        return f"{p.name}: {p.annotation}"
    optional = p.annotation if p.annotation.endswith("| None") else f"{p.annotation} | None"
    return f"{p.name}: {optional} = None"


def _view(event: Event) -> EventView:
    what = f"{event.kind.value} {event.key}"
    if event.expression:
        what += f" (to {event.expression})"
    doc = f"{event.method} {what}" + (f": {event.summary}" if event.summary else "")
    params = event.parameters
    return EventView(
        event,
        _spec(event),
        doc,
        keywords=tuple(_keyword(p) for p in params),
        received=tuple(f"{p.name}: {parameter_annotation(p)}" for p in params),
        values="{" + ", ".join(f"{p.name!r}: {p.name}" for p in params) + "}",
        locals=tuple(f"{p.name}: {parameter_annotation(p)} = params[{p.name!r}]" for p in params),
        arguments="".join(f", {p.name}={p.name}" for p in params),
    )


def webhook_views(api: Api) -> dict[str, object]:
    """The template's context for webhooks.py."""
    return {
        "webhooks": tuple(_view(e) for e in api.webhooks),
        "operations": tuple(
            CallbacksView(op, tuple(_view(e) for e in op.callbacks))
            for op in api.operations
            if op.callbacks
        ),
        "events": tuple(_view(e) for e in api.events),
    }
