"""Where operations use schemas: bodies, responses, parameters and headers, with class-name hints.

Each site is a schema whose type the model plan records under the site's pointer, the
direction it travels in (parameters and request bodies are requests, responses and their
headers are responses), and the name a class hoisted from it takes: `<Op>Request`,
`<Op><Status>Response`, `<Op><Param>Param`, `<Op><Status><Name>Header`, a second media type
adding its kind (`...RequestForm`, `...RequestMultipart`).
"""

from __future__ import annotations

import http
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.ir.schema_directions import Direction
from generator.naming import class_name, derived_operation_name, snake_name, words
from generator.spec.pointers import join_pointer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Component sections holding sites, with their hint suffix and direction.
_SECTIONS = (
    ("requestBodies", "Request", Direction.REQUEST),
    ("responses", "Response", Direction.RESPONSE),
    ("parameters", "Param", Direction.REQUEST),
    ("headers", "Header", Direction.RESPONSE),
)


@dataclass(frozen=True)
class Site:
    """A schema an operation uses directly; `same_as` names an earlier site (another media
    type of the same body) with an equal schema, whose type this one shares."""

    pointer: str
    schema: Any
    hint: str
    unions: bool
    direction: Direction
    same_as: str = ""


def operation_name(method: str, path: str, operation: Mapping[str, Any]) -> str:
    """The snake_case Python method name of an operation.

    `operationId` when present, else `<method>_<path words>` with `{param}` read as
    `by_<param>`:
    >>> operation_name("get", "/users/{userId}", {}), operation_name("post", "/", {})
    ('get_users_by_user_id', 'post_root')
    >>> operation_name("get", "/x", {"operationId": "listUsers"})
    'list_users'
    """
    return snake_name(operation_id(method, path, operation))


def operation_id(method: str, path: str, operation: Mapping[str, Any]) -> str:
    """The operation's `operationId`, or one derived from its method and path."""
    op_id = operation.get("operationId")
    if isinstance(op_id, str) and words(op_id):
        return op_id
    return derived_operation_name(method, path)


def status_name(status: str) -> str:
    """PascalCase name of a response key.

    >>> status_name("200"), status_name("404"), status_name("default"), status_name("2XX")
    ('Ok', 'NotFound', 'Default', 'Status2XX')
    """
    if status == "default":
        return "Default"
    if status.isdigit():
        try:
            return class_name(http.HTTPStatus(int(status)).phrase, reserved=frozenset())
        except ValueError:
            pass
    return "Status" + "".join(ch for ch in status.upper() if ch.isalnum())


def media_suffix(media_type: str) -> str:
    """Class-name suffix for a body's second and later media types.

    >>> media_suffix("multipart/form-data"), media_suffix("application/x-www-form-urlencoded")
    ('Multipart', 'Form')
    """
    kind = media_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return "Form"
    if kind.startswith("multipart/"):
        return "Multipart"
    if kind.startswith("text/"):
        return "Text"
    subtype = kind.rsplit("/", 1)[-1].rsplit("+", 1)[-1]
    return class_name(subtype, reserved=frozenset()) if words(subtype) else "Other"


def _is_json(media_type: str) -> bool:
    kind = media_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


def _pascal(text: str) -> str:
    return class_name(text, reserved=frozenset())


def collect_sites(root: Mapping[str, Any]) -> list[Site]:
    """Every site in document order: path items (their callbacks' bodies included), webhooks,
    then the component sections."""
    sites = _Sites()
    for path, item in _mapping(root.get("paths")).items():
        sites.path_item(str(path), _mapping(item))
    for section in ("webhooks", "x-webhooks"):  # x-webhooks: the 3.0 convention (Redoc)
        for key, item in _mapping(root.get(section)).items():
            item_ptr = join_pointer("/" + section, key)
            sites.event(_mapping(item), item_ptr, _pascal(str(key)))
    components = _mapping(root.get("components"))
    for section, suffix, direction in _SECTIONS:
        for key, obj in _mapping(components.get(section)).items():
            pointer = join_pointer("/components", section, key)
            sites.holder(_mapping(obj), pointer, _pascal(str(key)) + suffix, direction)
    return sites.found


class _Sites:
    """Collects sites while walking paths and component sections."""

    def __init__(self) -> None:
        self.found: list[Site] = []

    def path_item(self, path: str, item: Mapping[str, Any]) -> None:
        item_ptr = join_pointer("/paths", path)
        prefix = "".join(_pascal(w) for w in operation_id("", path, {}).split("_") if w)
        self.parameters(item.get("parameters"), item_ptr, prefix)
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, Mapping):
                continue
            op_ptr = join_pointer(item_ptr, method)
            op_class = _pascal(operation_id(method, path, op))
            self.parameters(op.get("parameters"), op_ptr, op_class)
            body = op.get("requestBody")
            if isinstance(body, Mapping) and "$ref" not in body:
                hint = op_class + "Request"
                self.content(body, join_pointer(op_ptr, "requestBody"), hint, Direction.REQUEST)
            for status, response in _mapping(op.get("responses")).items():
                if isinstance(response, Mapping) and "$ref" not in response:
                    pointer = join_pointer(op_ptr, "responses", status)
                    hint = op_class + status_name(str(status)) + "Response"
                    self.holder(response, pointer, hint, Direction.RESPONSE)
            for name, callback in _mapping(op.get("callbacks")).items():
                for key, cb_item in _mapping(callback).items():
                    cb_ptr = join_pointer(op_ptr, "callbacks", name, key)
                    self.event(_mapping(cb_item), cb_ptr, op_class + _pascal(str(name)))

    def event(self, item: Mapping[str, Any], item_ptr: str, stem: str) -> None:
        """A webhook's or callback's request bodies: `<operationId or stem>Event`."""
        for method in METHODS:
            op = item.get(method)
            body = op.get("requestBody") if isinstance(op, Mapping) else None
            if isinstance(op, Mapping) and isinstance(body, Mapping) and "$ref" not in body:
                op_id = op.get("operationId")
                named = _pascal(op_id) if isinstance(op_id, str) and words(op_id) else stem
                pointer = join_pointer(item_ptr, method, "requestBody")
                self.content(body, pointer, named + "Event", Direction.REQUEST)

    def parameters(self, params: Any, owner_ptr: str, prefix: str) -> None:
        for index, param in enumerate(params if isinstance(params, list) else []):
            if isinstance(param, Mapping) and "$ref" not in param:
                hint = prefix + _pascal(str(param.get("name", ""))) + "Param"
                pointer = join_pointer(owner_ptr, "parameters", index)
                self.holder(param, pointer, hint, Direction.REQUEST)

    def holder(self, obj: Mapping[str, Any], pointer: str, hint: str, way: Direction) -> None:
        """A parameter, header, body or response: its `schema`, `content` and `headers`."""
        if "$ref" in obj:
            return
        if "schema" in obj:
            ptr = join_pointer(pointer, "schema")
            self.found.append(Site(ptr, obj["schema"], hint, False, way))
        self.content(obj, pointer, hint, way)
        stem = hint.removesuffix("Response")
        for name, header in _mapping(obj.get("headers")).items():
            if isinstance(header, Mapping) and "$ref" not in header and "schema" in header:
                ptr = join_pointer(pointer, "headers", name, "schema")
                header_hint = stem + _pascal(str(name)) + "Header"
                self.found.append(Site(ptr, header["schema"], header_hint, False, way))

    def content(self, obj: Mapping[str, Any], pointer: str, hint: str, way: Direction) -> None:
        media = [
            (str(k), v)
            for k, v in _mapping(obj.get("content")).items()
            if isinstance(v, Mapping) and "schema" in v
        ]
        first = next((k for k, _ in media if _is_json(k)), media[0][0] if media else "")
        seen: list[tuple[Any, str]] = []
        unions = not hint.endswith(("Param", "Header"))
        for media_type, entry in media:
            ptr = join_pointer(pointer, "content", media_type, "schema")
            same = next((p for s, p in seen if s == entry["schema"]), "")
            suffix = "" if media_type == first else media_suffix(media_type)
            self.found.append(Site(ptr, entry["schema"], hint + suffix, unions, way, same))
            seen.append((entry["schema"], same or ptr))


def _mapping(node: Any) -> Mapping[str, Any]:
    return node if isinstance(node, Mapping) else {}
