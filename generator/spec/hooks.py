"""Where a contract describes webhooks and callbacks, and which of them specfirst generates.

Webhooks are 3.1's `webhooks` and 3.0's `x-webhooks` (the Redoc convention); callbacks are an
operation's `callbacks`. One is generated (a typed sender and a receiver route) when its
request body is JSON or absent and, for a callback, its key parses as a runtime expression
template (`spec/expressions.py`); `validate` reports the rest, and the IR builder
(`ir/webhooks.py`) skips them, by the same judgement (`gap`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from generator.spec.expressions import ExpressionError, parse_template
from generator.spec.pointers import deref, join_pointer

WEBHOOK_KEYS = ("webhooks", "x-webhooks")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _is_json(media_type: str) -> bool:
    base = media_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def webhook_operations(
    root: Mapping[str, Any],
) -> Iterator[tuple[str, str, str, Mapping[str, Any]]]:
    """`(key, method, operation pointer, operation)` of every webhook, in document order."""
    for section in WEBHOOK_KEYS:
        for key, raw in _mapping(root.get(section)).items():
            item_ptr = join_pointer("/" + section, str(key))
            item, _ = deref(root, raw, item_ptr)
            for method in METHODS:
                op = _mapping(item).get(method)
                if isinstance(op, Mapping):
                    yield str(key), method, join_pointer(item_ptr, method), op


def callback_operations(
    root: Mapping[str, Any], op: Mapping[str, Any], op_ptr: str
) -> Iterator[tuple[str, str, str, str, Mapping[str, Any]]]:
    """`(name, key, method, pointer, operation)` of each callback of one operation."""
    for name, raw in _mapping(op.get("callbacks")).items():
        callback, cb_ptr = deref(root, raw, join_pointer(op_ptr, "callbacks", str(name)))
        for key, raw_item in _mapping(callback).items():
            item_ptr = join_pointer(cb_ptr, str(key))
            item, _ = deref(root, raw_item, item_ptr)
            for method in METHODS:
                cb_op = _mapping(item).get(method)
                if isinstance(cb_op, Mapping):
                    yield str(name), str(key), method, join_pointer(item_ptr, method), cb_op


def gap(root: Mapping[str, Any], op: Mapping[str, Any], key: str | None = None) -> str | None:
    """Why an event is not generated (None when it is): a body that is not JSON, or a
    callback `key` that is not a runtime expression template."""
    if key is not None:
        try:
            parse_template(key)
        except ExpressionError as error:
            return str(error)
    body, _ = deref(root, op.get("requestBody"), "")
    content = _mapping(_mapping(body).get("content"))
    if content and not any(_is_json(str(media)) for media in content):
        return f"its body ({', '.join(map(str, content))}) is not JSON"
    return None
