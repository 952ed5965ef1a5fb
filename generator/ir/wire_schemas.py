"""Every Schema Object of a bundled contract as JSON Schema 2020-12, for the service's wire validator.

`build_wire_schemas(root)` returns `{"request": view, "response": view}`. A view keeps the
contract's own JSON-pointer structure, restricted to the subtrees that lead to Schema Objects,
so a contract pointer addresses the converted schema in either view:

>>> views = build_wire_schemas({"openapi": "3.0.3", "components": {"schemas": {"Id": {
...     "type": "integer", "format": "int32", "description": "an id"}}}})
>>> views["request"]["components"]["schemas"]["Id"]
{'type': 'integer', 'format': 'int32', 'minimum': -2147483648, 'maximum': 2147483647}

The runtime registers each view as one resource, `jsonschema_rs.Registry([(VIEW_URIS["request"],
view)], draft=jsonschema_rs.Draft202012)`, and compiles `{"$ref": schema_ref("request", pointer)}`.
Both views hold every schema position (request bodies, parameters, responses, headers, callbacks,
webhooks, components); they differ in direction: readOnly properties are forbidden in the request
view, writeOnly ones in the response view. A parameter, body, response or header written as a
`$ref` is left out (address its target). `$ref`s inside schemas are rewritten to resolve in the
view; a target kept nowhere else (under an `x-` key, say) is converted into the view where it
stands, and one that cannot resolve stays as written and is noted. Views share `enum` and
`const` values with `root`: treat them as read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from generator.ir.wire_convert import Note, SchemaConverter
from generator.spec.pointers import join_pointer, ref_pointer, resolve_pointer, split_pointer
from generator.spec.rules.walk import walk_contract

VIEW_URIS = {"request": "urn:specfirst:request", "response": "urn:specfirst:response"}
# Where a view keeps the schema of a property it forbids, for `$ref`s that target that schema.
KEPT = "x-specfirst-kept"


@dataclass(frozen=True)
class WireSchemas:
    """Both views of a contract and what they could not enforce: `(pointer, keyword, reason)`."""

    request: dict[str, Any]
    response: dict[str, Any]
    unenforceable: tuple[Note, ...]


def convert_wire_schemas(root: Mapping[str, Any]) -> WireSchemas:
    """Convert the contract once into both views and the list of what they could not enforce."""
    version = _minor(root.get("openapi"))
    positions = _positions(root, version)
    request, request_notes = _view(root, version, positions, request=True)
    response, response_notes = _view(root, version, positions, request=False)
    notes = tuple(dict.fromkeys([*request_notes, *response_notes]))
    return WireSchemas(request, response, notes)


def build_wire_schemas(root: Mapping[str, Any]) -> dict[str, Any]:
    """{"request": view, "response": view}: every Schema Object of the bundled contract as JSON Schema 2020-12."""
    converted = convert_wire_schemas(root)
    return {"request": converted.request, "response": converted.response}


def unenforceable(root: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """What the views drop or cannot resolve, as `(pointer, keyword, reason)`, for `validate`.

    The request view alone finds them all: both views convert the same schemas keyword by
    keyword; the response view differs only in the properties it forbids (kept aside, where
    `$ref`s still reach them) and in the nullable schemas it wraps (which `$ref`s follow), and
    notes nothing of its own. Half the work for `validate` on a large contract.
    """
    version = _minor(root.get("openapi"))
    _, notes = _view(root, version, _positions(root, version), request=True)
    return list(dict.fromkeys(notes))


def schema_ref(view: str, pointer: str) -> str:
    """The `$ref` that reaches the schema at contract `pointer` in `view`.

    jsonschema-rs parses a `$ref` as a URI and refuses `{`, `}`, spaces, a bare `%` or
    non-ASCII in the fragment; it percent-decodes the fragment before following the pointer.
    So everything but `/` and `~` is percent-encoded (always safe), and `~0`/`~1` stay: they
    are the pointer's own escapes.

    >>> schema_ref("request", "/paths/~1users~1{id}/get/parameters/0/schema")
    'urn:specfirst:request#/paths/~1users~1%7Bid%7D/get/parameters/0/schema'
    >>> schema_ref("response", "/a/application~1vnd.x+json; charset=utf-8")
    'urn:specfirst:response#/a/application~1vnd.x%2Bjson%3B%20charset%3Dutf-8'
    """
    return VIEW_URIS[view] + _fragment(pointer)


def _fragment(pointer: str) -> str:
    return "#" + quote(pointer, safe="/~")


def _minor(openapi: Any) -> str:
    """'3.0', '3.1' or '3.2'; anything else reads as 3.1 (JSON Schema 2020-12 schemas)."""
    text = str(openapi)
    return "3.0" if text.startswith("3.0") else "3.2" if text.startswith("3.2") else "3.1"


def schema_positions(root: Mapping[str, Any]) -> list[str]:
    """Pointers of every Schema Object the contract places (not those nested in schemas)."""
    return _positions(root, _minor(root.get("openapi")))


def _positions(root: Mapping[str, Any], version: str) -> list[str]:
    components = root.get("components")
    schemas = components.get("schemas") if isinstance(components, Mapping) else None
    found = [join_pointer("/components/schemas", name) for name in _keys(schemas)]
    index = walk_contract(dict(root), version)
    for kind, keys in (("parameter", ("schema",)), ("mediatype", ("schema", "itemSchema"))):
        for node in index[kind]:
            found.extend(join_pointer(node.pointer, key) for key in keys if key in node.value)
    return found


def _keys(value: Any) -> list[str]:
    return [str(key) for key in value] if isinstance(value, Mapping) else []


def _view(
    root: Mapping[str, Any], version: str, positions: list[str], *, request: bool
) -> tuple[dict[str, Any], list[Note]]:
    converter = SchemaConverter(root, legacy=version == "3.0", request=request)
    view: dict[str, Any] = {}
    for pointer in positions:
        _place(view, root, pointer, converter.convert(resolve_pointer(root, pointer), pointer))
    _Linker(root, view, converter, set(positions)).run()
    return view, converter.state.notes


def _place(view: dict[str, Any], root: Any, pointer: str, value: Any) -> None:
    """Put `value` at `pointer` in `view`, building containers shaped as in `root` on the way."""
    tokens = split_pointer(pointer)
    node: Any = view
    raw: Any = root
    for n, token in enumerate(tokens):
        last = n == len(tokens) - 1
        if isinstance(raw, list):
            index = int(token)
            raw = raw[index]
            node.extend({} for _ in range(index + 1 - len(node)))  # `$ref`s left out keep indexes
            if last or node[index] == {}:
                node[index] = value if last else _container(raw)
            node = node[index]
        else:
            raw = raw.get(token) if isinstance(raw, Mapping) else None
            if last or token not in node:
                node[token] = value if last else _container(raw)
            node = node[token]


def _container(raw: Any) -> list[Any] | dict[str, Any]:
    return [] if isinstance(raw, list) else {}


class _Linker:
    """Rewrites each `$ref` inside the view's schemas to a fragment that resolves in the view."""

    def __init__(
        self,
        root: Mapping[str, Any],
        view: dict[str, Any],
        converter: SchemaConverter,
        positions: set[str],
    ) -> None:
        self.root, self.view, self.converter = root, view, converter
        self.state = converter.state
        self.positions = positions
        self.kept: dict[str, int] = {}

    def run(self) -> None:
        done = 0
        while done < len(self.state.refs):  # converting a new target can add references
            holder, site = self.state.refs[done]
            done += 1
            holder["$ref"] = self._link(holder["$ref"], site)

    def _link(self, ref: str, site: str) -> str:
        target = ref_pointer(ref)
        if target is None:
            self.converter.note(site, "$ref", f"not a local JSON pointer: {ref[:80]}")
            return ref
        if not self._in_position(target) and not self._adopt(target):
            self.converter.note(site, "$ref", f"{ref[:80]} is not a schema of the contract")
            return ref
        pointer = self._translate(target)
        if resolve_pointer(self.view, pointer) is None:
            self.converter.note(site, "$ref", f"{ref[:80]} points inside a keyword the view drops")
            return ref
        return _fragment(pointer)

    def _in_position(self, target: str) -> bool:
        prefix = ""
        for token in split_pointer(target):
            prefix = join_pointer(prefix, token)
            if prefix in self.positions:
                return True
        return False

    def _adopt(self, target: str) -> bool:
        """Convert a `$ref` target found outside every schema position into the view."""
        tokens = split_pointer(target)
        raw = resolve_pointer(self.root, target)
        if not tokens or tokens[0] == KEPT or resolve_pointer(self.view, target) is not None:
            return False
        if not isinstance(raw, Mapping | bool):
            return False
        self.positions.add(target)
        _place(self.view, self.root, target, self.converter.convert(raw, target))
        return True

    def _translate(self, target: str) -> str:
        """Where the view holds the contract's `target`, past wrapped, renamed and kept schemas."""
        tokens: list[str] = []
        prefix = ""
        for token in split_pointer(target):
            if prefix in self.state.wrapped:
                tokens += ["anyOf", "0"]
            tokens.append(self.state.renamed.get(prefix, {}).get(token, token))
            prefix = join_pointer(prefix, token)
            if prefix in self.state.kept:
                tokens = [KEPT, str(self._keep(prefix))]
        return join_pointer("", *tokens)

    def _keep(self, prefix: str) -> int:
        """Index of the forbidden property's own schema in the view's `KEPT` list."""
        if prefix not in self.kept:
            kept = self.view.setdefault(KEPT, [])
            self.kept[prefix] = len(kept)
            kept.append(self.state.kept[prefix])
        return self.kept[prefix]
