"""OpenAPI runtime expressions (3.x, "Runtime Expressions"): the key of a callback, parsed.

A callback's key names the URL it is sent to, as one expression (`$request.body#/url`) or a
template with expressions in braces (`{$request.query.callbackUrl}/data`). `parse_template`
splits it into parts, each `("text", literal)` or `(source, name)`; nothing is evaluated here,
and the generated runtime (`runtime/expressions.py`) only ever looks values up by these parts:

>>> parse_template("{$request.query.callbackUrl}/data")
(('request.query', 'callbackUrl'), ('text', '/data'))
>>> parse_template("$request.body#/hooks/0")
(('request.body', '/hooks/0'),)
>>> parse_template("{$request.cookie.x}")
Traceback (most recent call last):
...
generator.spec.expressions.ExpressionError: unknown runtime expression '$request.cookie.x'
"""

from __future__ import annotations

import re

# RFC 7230 token: the characters of a header name
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_POINTER = re.compile(r"^(/([^~/]|~[01])*)*$")
_SIMPLE = {"$url": "url", "$method": "method", "$statusCode": "statusCode"}

Part = tuple[str, str]


class ExpressionError(ValueError):
    """A callback key that is not a runtime expression template."""


def parse_expression(text: str) -> Part:
    """One expression (without braces) as `(source, name)`.

    >>> parse_expression("$request.header.X-Progress"), parse_expression("$method")
    (('request.header', 'X-Progress'), ('method', ''))
    >>> parse_expression("$response.body")
    ('response.body', '')
    """
    if text in _SIMPLE:
        return _SIMPLE[text], ""
    for side in ("request", "response"):
        prefix = f"${side}."
        if not text.startswith(prefix):
            continue
        rest = text[len(prefix) :]
        if rest == "body" or rest.startswith("body#"):
            pointer = rest[5:]
            if not _POINTER.match(pointer):
                raise ExpressionError(f"bad JSON pointer in runtime expression {text!r}")
            return f"{side}.body", pointer
        kind, _, name = rest.partition(".")
        allowed = ("header", "query", "path") if side == "request" else ("header",)
        if kind in allowed and name and (kind != "header" or _TOKEN.match(name)):
            return f"{side}.{kind}", name
    raise ExpressionError(f"unknown runtime expression {text!r}")


def parse_template(key: str) -> tuple[Part, ...]:
    """A callback key as its parts, literal text as `("text", ...)`; `ExpressionError` if
    an expression in it is unknown or its braces do not pair."""
    if key.startswith("$"):
        return (parse_expression(key),)
    parts: list[Part] = []
    position = 0
    for match in re.finditer(r"\{([^{}]*)\}", key):
        if match.start() > position:
            parts.append(("text", key[position : match.start()]))
        parts.append(parse_expression(match.group(1)))
        position = match.end()
    if position < len(key):
        parts.append(("text", key[position:]))
    if any(kind == "text" and ("{" in text or "}" in text) for kind, text in parts):
        raise ExpressionError(f"unpaired brace in callback key {key!r}")
    if not any(kind != "text" for kind, _ in parts) and not key.startswith(("http://", "https://")):
        raise ExpressionError(f"callback key {key!r} is neither a URL nor a runtime expression")
    return tuple(parts)
