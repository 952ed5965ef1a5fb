"""The contract's schemas as JSON Schema 2020-12, compiled on first use with jsonschema-rs.

`wire.json` (beside this package) holds two views of every schema in the contract: `request`
(readOnly properties forbidden) and `response` (writeOnly properties forbidden), converted from
OpenAPI 3.0 where needed (`nullable`, boolean exclusive bounds, `int32`/`int64` ranges). A
schema is addressed by a reference such as `urn:specfirst:request#/components/schemas/Pet`.
Nothing is compiled until a request needs it, so a large contract's app starts fast.

Patterns follow ECMA-262 as JSON Schema asks (`\\d` is ASCII only), not Python's `re`.
Formats checked: date, date-time (RFC 3339), time, duration, email, idn-email, hostname,
idn-hostname, ipv4, ipv6, uri, uri-reference, iri, uuid, regex, json-pointer, and `byte`
(base64, RFC 4648); unknown formats are annotations and pass.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema_rs

WIRE_FILE = Path(__file__).resolve().parent.parent / "wire.json"
MASK = "the value"  # messages never echo what the client sent
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


@dataclass(frozen=True, slots=True)
class Issue:
    """One way a value breaks the contract.

    `location` is where the value travels (`path`, `query`, `header`, `cookie`, `body`,
    `response`; empty for the request as a whole), `name` the parameter or header (empty for a body), `pointer` an RFC 6901
    pointer into the value (empty for the whole value), `message` says what is wrong without
    repeating the value.
    """

    location: str
    name: str
    pointer: str
    message: str
    code: str = "invalid"  # a short word for what kind of issue, where a schema asks for one


def _is_base64(value: str) -> bool:
    if len(value) % 4 or not _BASE64.fullmatch(value):
        return False
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


FORMATS = {"byte": _is_base64}


@functools.cache
def document() -> dict[str, Any]:
    """The whole of wire.json (read once)."""
    loaded: dict[str, Any] = json.loads(WIRE_FILE.read_text(encoding="utf-8"))
    return loaded


@functools.cache
def section(name: str) -> Any:
    """One member of wire.json (`request`, `response`, `errors`), parsed on first use.

    wire.json writes each member on a line of its own, so a 404 parses only the error plan
    (3 % of Stripe's 2.5 MB) and a request only the `request` view (issue 23). None when
    the file has no such member.
    """
    key = json.dumps(name) + ":"
    with WIRE_FILE.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(key):
                member: dict[str, Any] = json.loads("{" + line.rstrip().removesuffix(",") + "}")
                return member[name]
    return document().get(name)  # a file written on one line


@functools.cache
def _registry(view: str) -> jsonschema_rs.Registry:
    """The schemas of one view (`urn:specfirst:request`): the views never refer to each other."""
    return jsonschema_rs.Registry(
        [(view, section(view.removeprefix("urn:specfirst:")))], draft=jsonschema_rs.Draft202012
    )


@functools.cache
def validator(ref: str) -> jsonschema_rs.Validator:
    """The compiled validator of one schema reference (cached for the process)."""
    return jsonschema_rs.validator_for(
        {"$ref": ref},
        registry=_registry(ref.partition("#")[0]),
        validate_formats=True,
        formats=FORMATS,
        mask=MASK,
    )


def pointer_text(path: Any) -> str:
    """An instance path as an RFC 6901 pointer.

    >>> pointer_text(["a/b", 0])
    '/a~1b/0'
    """
    return "".join("/" + escape_token(str(p)) for p in path)


def check(ref: str, value: Any, location: str, name: str = "", limit: int = 20) -> list[Issue]:
    """Every way `value` breaks the schema `ref` (at most `limit`); empty when it conforms."""
    if not ref:
        return []
    compiled = validator(ref)
    if compiled.is_valid(value):
        return []
    found: list[Issue] = []
    for error in compiled.iter_errors(value):
        found.extend(_issues(error, location, name))
        if len(found) >= limit:
            break
    return found[:limit]


def _issues(error: jsonschema_rs.ValidationError, location: str, name: str) -> list[Issue]:
    """An error as issues: a missing or unexpected property is pointed at by name."""
    at = pointer_text(error.instance_path)
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        member = str(kind.property).strip('"')
        return [Issue(location, name, f"{at}/{escape_token(member)}", "is required")]
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.FalseSchema):
        return [Issue(location, name, at, "is not allowed here")]
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        return [
            Issue(location, name, f"{at}/{escape_token(str(m))}", "is not allowed here")
            for m in kind.unexpected
        ]
    return [Issue(location, name, at, error.message)]


def escape_token(token: str) -> str:
    """One RFC 6901 reference token (`a/b` -> `a~1b`)."""
    return token.replace("~", "~0").replace("/", "~1")


def node(ref: str) -> Any:
    """The raw schema a reference names in its view (`$ref`s inside are left as they are)."""
    view, _, fragment = ref.partition("#")
    current: Any = section(view.removeprefix("urn:specfirst:"))
    for token in unquote(fragment).split("/")[1:]:
        key = token.replace("~1", "/").replace("~0", "~")
        if isinstance(current, list):
            current = current[int(key)] if key.isdigit() and int(key) < len(current) else None
        elif isinstance(current, dict):
            current = current.get(key)
        else:
            return None
    return current


def resolve(ref: str, schema: Any) -> tuple[str, Any]:
    """Follow `$ref` chains from `schema` (found at `ref`): the target's reference and node."""
    seen = set()
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and ref not in seen:
        seen.add(ref)
        target = schema["$ref"]
        view = ref.partition("#")[0]
        ref = view + target if target.startswith("#") else target
        schema = node(ref)
    return ref, schema
