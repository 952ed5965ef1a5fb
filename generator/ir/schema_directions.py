"""Which directions reach each schema, and which schemas read differently in requests and responses.

A client leaves `readOnly` properties out of a request and a server leaves `writeOnly` ones out
of a response (OAS 3.0 Schema Object; 3.1 through JSON Schema Validation §9.4). A schema with such
a property anywhere below it (nested properties, array items, map values, union members,
`allOf` parts, through `$ref`s) therefore has a request form and a response form. The model
plan generates each form a direction needs: one class when a single direction reaches the
schema, two (`Pet`, `PetInput`) when both do.

Schemas are named by the pointer the normalizer gives them: where they are written, or a
`$ref`'s target (`/components/schemas/<name>` for components). Union members are counted after
their `null` branches are dropped, as the normalizer counts them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.ir.schema_keywords import is_null, is_union, resolve
from generator.ir.schema_python import COMPONENT_PREFIX
from generator.spec.pointers import escape_token, join_pointer, resolve_pointer, split_pointer

_LISTS = ("prefixItems", "allOf", "oneOf", "anyOf")


class Direction(enum.Enum):
    """The form a schema is generated in: for requests, for responses, or for both at once."""

    REQUEST = "request"
    RESPONSE = "response"
    BOTH = "both"  # reached by no operation: one model, read/write-only properties optional


_HIDING = {Direction.REQUEST: "readOnly", Direction.RESPONSE: "writeOnly"}
_WAYS = (Direction.REQUEST, Direction.RESPONSE)
_NEVER: frozenset[Direction] = frozenset()

# A child schema, its pointer, and the directions that leave it out (a one-way property).
_Edge = tuple[str, Any, frozenset[Direction]]


def hides(prop: Any, form: Direction) -> bool:
    """Whether a property is absent from `form`: readOnly ones from requests, writeOnly ones
    from responses, none from the both-directions form.

    >>> hides({"readOnly": True}, Direction.REQUEST), hides({"readOnly": True}, Direction.BOTH)
    (True, False)
    """
    if form is Direction.BOTH or not isinstance(prop, Mapping):
        return False
    return prop.get(_HIDING[form]) is True


def flags_of(root: Mapping[str, Any], prop: Any) -> Any:
    """A property with the `readOnly`/`writeOnly` its `$ref` target declares (`id: {$ref: Id}`
    where `Id` is `readOnly`): the flags count wherever the reference leads.

    >>> flags_of({"Id": {"readOnly": True}}, {"$ref": "#/Id"})
    {'$ref': '#/Id', 'readOnly': True}
    """
    seen: set[str] = set()
    found = dict(prop) if isinstance(prop, Mapping) else prop
    node = prop
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#"):
            break
        seen.add(ref)
        node = resolve_pointer(root, ref[1:])
        if isinstance(node, Mapping) and isinstance(found, dict):
            for flag in ("readOnly", "writeOnly"):
                if node.get(flag) is True:
                    found.setdefault(flag, True)
    return found


def required_in(form: Direction, names: list[Any], props: Mapping[str, Any]) -> list[str]:
    """`required` as `form` reads it: without the properties it leaves out. The both-directions
    form requires neither kind (a readOnly `id` must not be demanded in requests).

    >>> props = {"id": {"readOnly": True}, "pw": {"writeOnly": True}}
    >>> [required_in(form, ["id", "pw", "n", "n"], props) for form in Direction]
    [['pw', 'n'], ['id', 'n'], ['n']]
    """
    ways = _WAYS if form is Direction.BOTH else (form,)
    return [
        n
        for n in dict.fromkeys(names)
        if isinstance(n, str) and not any(hides(props.get(n), way) for way in ways)
    ]


def target_pointer(ref: Any) -> str | None:
    """The pointer a local `$ref` names, a component's spelled as the normalizer keys it.

    >>> target_pointer("#/components/schemas/a~1b"), target_pointer("#/paths/~1x/get")
    ('/components/schemas/a~1b', '/paths/~1x/get')
    """
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    if "~" not in ref:  # nothing escaped: already spelled that way
        return ref[1:]
    tokens = split_pointer(ref[1:])
    if len(tokens) == 3 and tokens[:2] == ["components", "schemas"]:
        return join_pointer("/components/schemas", tokens[2])
    return ref[1:]


@dataclass(frozen=True)
class Directions:
    """Schema pointers whose two forms differ, and the pointers each direction reaches."""

    differ: frozenset[str] = frozenset()
    requests: frozenset[str] = frozenset()
    responses: frozenset[str] = frozenset()

    def form(self, pointer: str, wanted: Direction) -> Direction:
        """The form to generate for a schema used in `wanted`'s direction.

        A schema whose forms are equal has one (`BOTH`); from a schema no operation reaches,
        a reference takes the form its target already has (the response one when it has two).
        """
        if pointer not in self.differ:
            return Direction.BOTH
        return self.primary(pointer) if wanted is Direction.BOTH else wanted

    def primary(self, pointer: str) -> Direction:
        """The form that takes the schema's plain class name."""
        if pointer not in self.differ:
            return Direction.BOTH
        if pointer in self.responses:
            return Direction.RESPONSE
        return Direction.REQUEST if pointer in self.requests else Direction.BOTH

    def twice(self, pointer: str) -> bool:
        """Whether the schema gets two classes: its forms differ and both directions use it."""
        return pointer in self.differ and pointer in self.requests and pointer in self.responses

    def suffix(self, pointer: str, form: Direction) -> str:
        """`Input` for the request form of a schema responses use too, else nothing."""
        return "Input" if form is Direction.REQUEST and pointer in self.responses else ""


def find_directions(
    root: Mapping[str, Any], sites: Iterable[tuple[str, Any, Direction]]
) -> Directions:
    """Walk from the schemas operations use (`sites`: pointer, schema, direction) to find which
    directions reach each schema and which schemas differ by direction.

    Schemas no operation reaches are not walked: they take the both-directions form whether
    they differ or not. A schema reached one way has all its edges walked unless it holds a
    one-way property, and then it differs anyway, so `differ` is exact for reached schemas.
    """
    if not _any_flag(root):
        return Directions()
    graph = _Graph(root)
    sites = list(sites)
    reached = {
        way: graph.walk([(ptr, node) for ptr, node, d in sites if d is way], way) for way in _WAYS
    }
    if not graph.flagged:
        return Directions()
    differ = graph.above(graph.flagged)
    return Directions(differ, reached[Direction.REQUEST], reached[Direction.RESPONSE])


def _any_flag(root: Mapping[str, Any]) -> bool:
    """Whether any object in the contract says `readOnly: true` or `writeOnly: true` (a
    quick scan: most contracts have none, and then every schema has one form)."""
    if not isinstance(root, dict):  # loaders give dicts; anything else gets the full walk
        return True
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("readOnly") is True or node.get("writeOnly") is True:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


class _Graph:
    """Schemas as nodes, with an edge to each child the normalizer reads and each `$ref` target."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.edges: dict[str, list[_Edge]] = {}
        self.parents: dict[str, list[str]] = {}  # child -> schemas that differ when it does
        self.flagged: set[str] = set()  # schemas with a readOnly or writeOnly property
        self.targets: dict[str, Any] = {}  # `$ref` target pointer -> schema

    def walk(self, starts: list[tuple[str, Any]], way: Direction) -> frozenset[str]:
        """Every schema reachable from `starts`, leaving out what `way` hides."""
        seen: set[str] = set()
        stack = list(reversed(starts))
        while stack:
            pointer, node = stack.pop()
            if pointer in seen:
                continue
            seen.add(pointer)
            for child, child_node, hidden in self.children(pointer, node):
                if child not in seen and way not in hidden:
                    stack.append((child, child_node))
        return frozenset(seen)

    def above(self, pointers: set[str]) -> frozenset[str]:
        """`pointers` and every schema that reaches one of them."""
        seen = set(pointers)
        stack = list(pointers)
        while stack:
            for parent in self.parents.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return frozenset(seen)

    def children(self, pointer: str, node: Any) -> list[_Edge]:
        """The edges out of one schema, computed once."""
        edges = self.edges.get(pointer)
        if edges is None:
            edges = self.edges[pointer] = self._edges(pointer, node)
            for child, _, _ in edges:
                self.parents.setdefault(child, []).append(pointer)
        return edges

    def _edges(self, pointer: str, node: Any) -> list[_Edge]:
        # Pointers are built by hand here: this runs for every schema of the contract.
        if not isinstance(node, Mapping):
            return []
        if "$ref" in node:
            return self._target(node["$ref"])
        edges: list[_Edge] = []
        for key, value in node.items():
            at = pointer + "/" + escape_token(key)
            if key == "properties" and isinstance(value, Mapping):
                for name, prop in value.items():
                    hidden = _hidden(flags_of(self.root, prop))
                    if hidden:
                        self.flagged.add(pointer)
                    edges.append((at + "/" + escape_token(str(name)), prop, hidden))
            elif key in _LISTS and isinstance(value, list):
                if key in {"oneOf", "anyOf"}:  # numbered without `null` branches (`split_null`)
                    value = [v for v in value if not is_null(v)]
                edges += [(f"{at}/{i}", v, _NEVER) for i, v in enumerate(value)]
            elif key in {"items", "additionalProperties"}:
                if isinstance(value, list):
                    edges += [(f"{at}/{i}", v, _NEVER) for i, v in enumerate(value)]
                elif isinstance(value, Mapping):
                    edges.append((at, value, _NEVER))
            elif key == "discriminator" and isinstance(value, Mapping):
                mapping = value.get("mapping")
                for target in mapping.values() if isinstance(mapping, Mapping) else []:
                    if isinstance(target, str):  # a reference, or a component's name
                        edges += self._target(
                            target if target.startswith("#") else COMPONENT_PREFIX + target
                        )
        if isinstance(node.get("properties"), Mapping) and is_union(node):
            self._distributed(pointer, node)
        return edges

    def _target(self, ref: Any) -> list[_Edge]:
        target = target_pointer(ref)
        if target is None:
            return []
        if target not in self.targets:
            self.targets[target] = resolve(self.root, target)
        return [(target, self.targets[target], _NEVER)]

    def _distributed(self, pointer: str, node: Mapping[str, Any]) -> None:
        """Inline union members take the properties beside the union (`distribute`): they
        differ whenever the schema holding them does."""
        key = "oneOf" if node.get("oneOf") else "anyOf"
        members = [m for m in node[key] if not is_null(m)]
        for index, member in enumerate(members):
            if isinstance(member, Mapping) and "$ref" not in member:
                self.parents.setdefault(pointer, []).append(join_pointer(pointer, key, index))


def _hidden(prop: Any) -> frozenset[Direction]:
    """The directions a property is left out of."""
    if not isinstance(prop, Mapping) or not (
        prop.get("readOnly") is True or prop.get("writeOnly") is True
    ):
        return _NEVER
    return frozenset(way for way in _WAYS if hides(prop, way))
